package io.heimdall.core.internal.engine;

import io.heimdall.api.GatewayException;
import io.heimdall.api.cache.ResponseCache;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.observe.Observer;
import io.heimdall.api.plugin.Secret;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.route.Router;
import io.heimdall.api.route.Target;
import io.heimdall.core.internal.config.GatewayConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One applied config: the live providers, hooks, cache, router and observers built from it. Requests hold the
 * generation they started on; a reload installs a new one and the old one is closed when its last request ends.
 */
public final class Generation {
    private static final System.Logger LOG = System.getLogger(Generation.class.getName());

    /**
     * A configured provider.
     *
     * @param name     the configured name
     * @param type     the provider type
     * @param provider the instance
     * @param keys     its keys
     */
    record ProviderSlot(String name, String type, Provider provider, List<KeySlot> keys) {
        Optional<Secret> secret(String keyId) {
            for (KeySlot k : keys) {
                if (k.entry().id().equals(keyId)) {
                    return Optional.of(k.secret());
                }
            }
            return Optional.empty();
        }
    }

    /**
     * A resolved key.
     *
     * @param entry    the config entry
     * @param secret   the value
     * @param problem  why it cannot be used (for example an unset variable), if so
     */
    record KeySlot(GatewayConfig.KeyEntry entry, Secret secret, Optional<String> problem) {
    }

    /**
     * A hook with its id.
     *
     * @param id   the plugin id
     * @param hook the instance
     */
    record NamedHook(String id, Hook hook) {
    }

    final GatewayConfig config;
    final Map<String, ProviderSlot> providers;
    final List<NamedHook> hooks;
    final Optional<ResponseCache> cache;
    final Router router;
    final List<Observer> observers;
    private final List<AutoCloseable> resources;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean retired = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    Generation(GatewayConfig config, Map<String, ProviderSlot> providers, List<NamedHook> hooks,
               Optional<ResponseCache> cache, Router router, List<Observer> observers, List<AutoCloseable> resources) {
        this.config = config;
        this.providers = providers;
        this.hooks = hooks;
        this.cache = cache;
        this.router = router;
        this.observers = observers;
        this.resources = resources;
    }

    /** The config this generation was built from. */
    public GatewayConfig config() {
        return config;
    }

    /** Counts a request in; false if the generation was retired meanwhile (the caller takes the new one). */
    boolean enter() {
        inFlight.incrementAndGet();
        if (retired.get()) {
            exit();
            return false;
        }
        return true;
    }

    /** Counts a request out; closes a retired generation when its last request ends. */
    void exit() {
        if (inFlight.decrementAndGet() == 0 && retired.get()) {
            close();
        }
    }

    /** Marks the generation as replaced; it closes once no request uses it. */
    void retire() {
        retired.set(true);
        if (inFlight.get() == 0) {
            close();
        }
    }

    /** Requests currently using this generation. */
    int inFlight() {
        return inFlight.get();
    }

    /** Closes every instance, in reverse order of creation. Idempotent. */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        List<AutoCloseable> reversed = new ArrayList<>(resources);
        java.util.Collections.reverse(reversed);
        for (AutoCloseable c : reversed) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "Closing " + c.getClass().getName() + " failed", e);
            }
        }
    }

    /**
     * The candidate targets of a model name: an alias's targets, or {@code provider/model}. Each provider target is
     * expanded to one target per key that serves the model.
     */
    List<Target> candidates(String model) {
        GatewayConfig.Alias alias = config.models().get(model);
        List<Target> out = new ArrayList<>();
        List<String> keyProblems = new ArrayList<>();
        if (alias != null) {
            for (GatewayConfig.AliasTarget t : alias.targets()) {
                expand(t.provider(), t.model(), t.weight(), t.priority(), out, keyProblems);
            }
        } else {
            int slash = model.indexOf('/');
            String provider = slash > 0 ? model.substring(0, slash) : "";
            if (slash <= 0 || slash == model.length() - 1 || !providers.containsKey(provider)) {
                throw new GatewayException(GatewayError.modelNotFound(model));
            }
            expand(provider, model.substring(slash + 1), 1, 0, out, keyProblems);
        }
        if (out.isEmpty()) {
            String reason = keyProblems.isEmpty() ? "no configured key serves it" : String.join("; ", keyProblems);
            throw new GatewayException(GatewayError.of(401, GatewayError.AUTHENTICATION,
                    "No usable API key for model '" + model + "': " + reason, "no_usable_key"));
        }
        return out;
    }

    private void expand(String provider, String model, double weight, int priority, List<Target> out,
                        List<String> keyProblems) {
        ProviderSlot slot = providers.get(provider);
        if (slot.keys().isEmpty()) {
            out.add(new Target(provider, model, "", weight, priority, true));
            return;
        }
        for (KeySlot k : slot.keys()) {
            if (!k.entry().serves(model)) {
                continue;
            }
            if (k.problem().isPresent()) {
                keyProblems.add(k.entry().id() + ": " + k.problem().get());
                continue;
            }
            out.add(new Target(provider, model, k.entry().id(), weight * k.entry().weight(), priority, true));
        }
    }
}
