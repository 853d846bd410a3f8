package io.heimdall.core.internal.engine;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.core.internal.config.GatewayConfig;
import io.heimdall.core.internal.resilience.TargetHealth;
import io.heimdall.core.internal.resilience.TargetHealthRegistry;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Active health checks ({@code routing.health-check}): every {@code interval}, each key of each provider that enables
 * them is probed with the provider's model listing, within {@code timeout}. A probe counts like an attempt: failures
 * open the key's circuit breaker without waiting for client traffic to find out, and a success closes a half-open
 * breaker, so a recovered target is back before a client has to try it. A probe is only made when the breaker lets
 * one through (never while it is open).
 */
final class HealthProbes implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(HealthProbes.class.getName());

    private final Supplier<Optional<Generation>> generation;
    private final TargetHealthRegistry health;
    private final ExecutorService workers;
    private final Map<String, Long> lastProbe = new ConcurrentHashMap<>();
    private final Thread ticker;
    private volatile boolean running = true;

    HealthProbes(Supplier<Optional<Generation>> generation, TargetHealthRegistry health, ExecutorService workers) {
        this.generation = generation;
        this.health = health;
        this.workers = workers;
        this.ticker = Thread.ofVirtual().name("heimdall-health-probes").start(this::loop);
    }

    private void loop() {
        while (running) {
            try {
                Thread.sleep(1000);
                generation.get().ifPresent(this::probeDue);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "Health probes failed", e);
            }
        }
    }

    private void probeDue(Generation g) {
        long now = System.nanoTime();
        for (Generation.ProviderSlot slot : g.providers.values()) {
            GatewayConfig.ProviderEntry entry = g.config.providers().get(slot.name());
            if (entry == null || !entry.routing().healthCheck().enabled()) {
                continue;
            }
            GatewayConfig.HealthCheck hc = entry.routing().healthCheck();
            if (slot.keys().isEmpty()) {
                probe(g, slot, "", hc, now);
            }
            for (Generation.KeySlot k : slot.keys()) {
                if (k.problem().isEmpty()) {
                    probe(g, slot, k.entry().id(), hc, now);
                }
            }
        }
    }

    private void probe(Generation g, Generation.ProviderSlot slot, String key, GatewayConfig.HealthCheck hc,
                       long now) {
        String id = slot.name() + "\u0000" + key;
        Long last = lastProbe.get(id);
        if (last != null && now - last < hc.interval().toNanos()) {
            return;
        }
        lastProbe.put(id, now);
        Optional<TargetHealth> th = health.target(slot.name(), key);
        if (th.isEmpty() || !th.get().tryAcquire()) {
            return;
        }
        if (!g.enter()) {
            th.get().onNeutral();
            return;
        }
        workers.submit(() -> {
            long start = System.nanoTime();
            DefaultRequestContext ctx = DefaultRequestContext.inProcess("health-" + slot.name() + "-"
                    + Long.toHexString(start), Instant.now().plus(hc.timeout()));
            ProviderCall call = new ProviderCall(slot.name(), slot.key(key), ctx, 1);
            Future<?> f = workers.submit(() -> slot.provider().listModels(call));
            try {
                f.get(hc.timeout().toMillis(), TimeUnit.MILLISECONDS);
                th.get().onSuccess(System.nanoTime() - start);
            } catch (java.util.concurrent.ExecutionException e) {
                GatewayError error = e.getCause() instanceof GatewayException ge ? ge.error()
                        : GatewayError.upstreamUnreachable(slot.name(), "health probe failed");
                th.get().onFailure(error);
                LOG.log(System.Logger.Level.WARNING, "Health probe of {0}{1} failed: {2} {3}", slot.name(),
                        key.isEmpty() ? "" : " (key " + key + ")", error.status(), error.code().orElse(error.type()));
            } catch (java.util.concurrent.TimeoutException e) {
                f.cancel(true);
                th.get().onFailure(GatewayError.upstreamTimeout(slot.name()));
                LOG.log(System.Logger.Level.WARNING, "Health probe of {0} timed out after {1} ms", slot.name(),
                        hc.timeout().toMillis());
            } catch (InterruptedException e) {
                th.get().onNeutral();
                Thread.currentThread().interrupt();
            } finally {
                g.exit();
            }
        });
    }

    /** How long since a target was last probed, for tests. */
    Optional<Duration> sinceLastProbe(String provider, String key) {
        Long last = lastProbe.get(provider + "\u0000" + key);
        return last == null ? Optional.empty() : Optional.of(Duration.ofNanos(System.nanoTime() - last));
    }

    @Override
    public void close() {
        running = false;
        ticker.interrupt();
    }
}
