package io.heimdall.core.internal.resilience;

import io.heimdall.api.model.GatewayError;
import io.heimdall.api.plugin.Secret;
import io.heimdall.core.internal.resilience.CircuitBreaker.State;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TargetHealthRegistryTest {
    private final FakeTime time = new FakeTime();
    private final List<CircuitBreaker.Transition> transitions = new CopyOnWriteArrayList<>();
    private final TargetHealthRegistry registry = new TargetHealthRegistry(time, transitions::add);

    private static final BreakerSettings BREAKER = new BreakerSettings(true, 2, 0, Duration.ofSeconds(60), 1,
            Duration.ofSeconds(30), 1);
    private static final ResilienceSettings SETTINGS = new ResilienceSettings(RetrySettings.DEFAULTS, BREAKER,
            new BulkheadSettings(4, 2, Duration.ofSeconds(1)), CooldownSettings.DEFAULTS, OutlierSettings.DEFAULTS);

    private static TargetSpec spec(String provider, String key, String fingerprint) {
        return new TargetSpec(provider, key, fingerprint);
    }

    private TargetHealth target(String provider, String key) {
        return registry.target(provider, key).orElseThrow();
    }

    private static void trip(TargetHealth t) {
        t.onFailure(GatewayError.upstreamTimeout("p"));
        t.onFailure(GatewayError.upstreamTimeout("p"));
    }

    @Test
    void reconcileCreatesTargetsAndBulkheads() {
        TargetHealthRegistry.Changes c = registry.reconcile(List.of(spec("a", "a#0", "f0"), spec("a", "a#1", "f1"),
                spec("mock", "", "")), Map.of("a", SETTINGS));
        assertEquals(new TargetHealthRegistry.Changes(0, 0, 3, 0), c);
        assertEquals("a[a#0]", target("a", "a#0").breaker().name());
        assertEquals("mock", target("mock", "").breaker().name());
        assertEquals(Optional.empty(), registry.target("a", "a#2"));
        assertEquals(Optional.empty(), registry.target("b", "a#0"));
        assertEquals(4, registry.bulkhead("a").orElseThrow().settings().maxConcurrency());
        assertTrue(registry.bulkhead("mock").orElseThrow().settings().unlimited(), "defaults for unlisted providers");
        assertEquals(ResilienceSettings.DEFAULTS.breaker(), target("mock", "").breaker().settings());
    }

    @Test
    void unchangedTargetsKeepTheirStateAcrossReloads() {
        List<TargetSpec> live = List.of(spec("a", "a#0", "f0"), spec("a", "a#1", "f1"));
        registry.reconcile(live, Map.of("a", SETTINGS));
        TargetHealth before = target("a", "a#0");
        trip(before);
        target("a", "a#1").onFailure(GatewayError.of(401, GatewayError.AUTHENTICATION, "no", "invalid_api_key"));
        Bulkhead bulkhead = registry.bulkhead("a").orElseThrow();
        Permit held = bulkhead.acquire(Deadline.after(Duration.ofSeconds(5), time));

        TargetHealthRegistry.Changes c = registry.reconcile(live, Map.of("a", SETTINGS));
        assertEquals(new TargetHealthRegistry.Changes(2, 0, 0, 0), c);
        assertSame(before, target("a", "a#0"));
        assertEquals(State.OPEN, target("a", "a#0").breaker().state());
        assertTrue(target("a", "a#1").keyHealth().disabled());
        assertSame(bulkhead, registry.bulkhead("a").orElseThrow());
        assertEquals(1, bulkhead.active());
        held.close();
    }

    @Test
    void removedTargetsAndProvidersAreDropped() {
        registry.reconcile(List.of(spec("a", "a#0", "f0"), spec("a", "a#1", "f1"), spec("b", "", "")),
                Map.of("a", SETTINGS, "b", SETTINGS));
        TargetHealthRegistry.Changes c = registry.reconcile(List.of(spec("a", "a#1", "f1")), Map.of("a", SETTINGS));
        assertEquals(new TargetHealthRegistry.Changes(1, 0, 0, 2), c);
        assertEquals(Optional.empty(), registry.target("a", "a#0"));
        assertEquals(Optional.empty(), registry.target("b", ""));
        assertEquals(Optional.empty(), registry.bulkhead("b"));
        assertEquals(List.of("a#1"), registry.snapshot().stream().map(TargetSnapshot::key).toList());
    }

    @Test
    void aKeyWhoseValueChangedStartsFresh() {
        registry.reconcile(List.of(spec("a", "a#0", "f0")), Map.of("a", SETTINGS));
        TargetHealth old = target("a", "a#0");
        old.onFailure(GatewayError.of(401, GatewayError.AUTHENTICATION, "no", "invalid_api_key"));
        assertFalse(old.tryAcquire());
        TargetHealthRegistry.Changes c = registry.reconcile(List.of(spec("a", "a#0", "f0-new")),
                Map.of("a", SETTINGS));
        assertEquals(new TargetHealthRegistry.Changes(0, 0, 1, 0), c);
        TargetHealth fresh = target("a", "a#0");
        assertNotSame(old, fresh);
        assertFalse(fresh.keyHealth().disabled());
        assertTrue(fresh.tryAcquire());
        fresh.onNeutral();
    }

    @Test
    void changedBreakerSettingsRestartTheBreakerButKeepTheKeyState() {
        registry.reconcile(List.of(spec("a", "a#0", "f0")), Map.of("a", SETTINGS));
        TargetHealth old = target("a", "a#0");
        old.onFailure(GatewayError.of(429, GatewayError.RATE_LIMIT, "slow", null)
                .withRetryAfter(Duration.ofSeconds(20)));
        trip(old);
        old.onSuccess(Duration.ofMillis(80).toNanos());
        ResilienceSettings changed = new ResilienceSettings(RetrySettings.DEFAULTS,
                new BreakerSettings(true, 9, 0, Duration.ofSeconds(60), 1, Duration.ofSeconds(30), 1),
                SETTINGS.bulkhead(), SETTINGS.keyCooldown(), SETTINGS.outlier());
        TargetHealthRegistry.Changes c = registry.reconcile(List.of(spec("a", "a#0", "f0")), Map.of("a", changed));
        assertEquals(new TargetHealthRegistry.Changes(0, 1, 0, 0), c);
        TargetHealth now = target("a", "a#0");
        assertEquals(State.CLOSED, now.breaker().state());
        assertEquals(9, now.breaker().settings().consecutiveFailures());
        assertEquals(Duration.ofSeconds(20), now.keyHealth().cooldownRemaining(), "the key still rests");
        assertSame(old.outlier(), now.outlier(), "unchanged parts are shared");
        assertEquals(Optional.of(Duration.ofMillis(80)), now.latency(), "the averages are kept");
    }

    @Test
    void changedCooldownSettingsKeepTheKeyStateUnderTheNewSettings() {
        registry.reconcile(List.of(spec("a", "a#0", "f0")), Map.of("a", SETTINGS));
        TargetHealth old = target("a", "a#0");
        trip(old);
        old.onFailure(GatewayError.of(403, GatewayError.PERMISSION, "no", null));
        CooldownSettings cooldown = new CooldownSettings(Duration.ofSeconds(3), Duration.ofSeconds(30));
        registry.reconcile(List.of(spec("a", "a#0", "f0")), Map.of("a", new ResilienceSettings(
                RetrySettings.DEFAULTS, BREAKER, SETTINGS.bulkhead(), cooldown, SETTINGS.outlier())));
        TargetHealth now = target("a", "a#0");
        assertSame(old.breaker(), now.breaker());
        assertEquals(State.OPEN, now.breaker().state());
        assertEquals(cooldown, now.keyHealth().settings());
        assertEquals(Optional.of("HTTP 403 permission_error"), now.keyHealth().disabledReason());
    }

    @Test
    void bulkheadsAreResizedInPlace() {
        registry.reconcile(List.of(spec("a", "a#0", "f0")), Map.of("a", SETTINGS));
        Bulkhead b = registry.bulkhead("a").orElseThrow();
        Permit p = b.acquire(Deadline.after(Duration.ofSeconds(5), time));
        registry.reconcile(List.of(spec("a", "a#0", "f0")), Map.of("a", new ResilienceSettings(
                RetrySettings.DEFAULTS, BREAKER, new BulkheadSettings(1, 0, Duration.ofSeconds(1)),
                SETTINGS.keyCooldown(), SETTINGS.outlier())));
        assertSame(b, registry.bulkhead("a").orElseThrow());
        assertEquals(1, b.settings().maxConcurrency());
        assertEquals(1, b.active());
        assertThrows(io.heimdall.api.GatewayException.class,
                () -> b.acquire(Deadline.after(Duration.ofSeconds(5), time)));
        p.close();
        assertEquals(List.of(new BulkheadSnapshot("a", 0, 0, 1, 1, 0)), registry.bulkheadSnapshot());
    }

    @Test
    void oneTargetListedTwiceMustHaveOneFingerprint() {
        TargetHealthRegistry.Changes c = registry.reconcile(List.of(spec("a", "a#0", "f0"), spec("a", "a#0", "f0")),
                Map.of());
        assertEquals(1, c.created());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> registry.reconcile(
                List.of(spec("a", "a#0", "f0"), spec("a", "a#0", "f9")), Map.of()));
        assertTrue(e.getMessage().contains("a[a#0]"), e.getMessage());
        assertTrue(registry.target("a", "a#0").isPresent(), "a refused reconcile changes nothing");
    }

    @Test
    void snapshotIsSortedAndHoldsNoSecret() {
        Secret secret = Secret.of("sk-live-0123456789abcdefghij");
        String fp = TargetSpec.fingerprint(secret);
        registry.reconcile(List.of(spec("b", "b#0", fp), spec("a", "a#1", fp), spec("a", "a#0", fp)), Map.of());
        List<TargetSnapshot> s = registry.snapshot();
        assertEquals(List.of("a/a#0", "a/a#1", "b/b#0"), s.stream().map(t -> t.provider() + "/" + t.key()).toList());
        assertFalse(s.toString().contains(secret.reveal()));
        assertFalse(s.toString().contains(fp), "not even the fingerprint");
        assertTrue(s.stream().allMatch(TargetSnapshot::available));
    }

    @Test
    void fingerprintsAreStableSaltedAndShort() {
        String a = TargetSpec.fingerprint(Secret.of("sk-one"));
        assertEquals(a, TargetSpec.fingerprint(Secret.of("sk-one")));
        assertNotEquals(a, TargetSpec.fingerprint(Secret.of("sk-two")));
        assertEquals(16, a.length());
        assertFalse(a.contains("sk-one"));
    }

    @Test
    void readersSeeAConsistentRegistryDuringReloads() throws Exception {
        List<TargetSpec> one = List.of(spec("a", "a#0", "f0"));
        List<TargetSpec> two = List.of(spec("a", "a#0", "f0"), spec("a", "a#1", "f1"));
        registry.reconcile(one, Map.of("a", SETTINGS));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> readers = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            readers.add(Thread.ofVirtual().start(() -> {
                try {
                    while (!stop.get()) {
                        TargetHealth t = registry.target("a", "a#0").orElseThrow();
                        if (t.tryAcquire()) {
                            t.onSuccess(1);
                        }
                        registry.bulkhead("a").orElseThrow();
                        registry.snapshot();
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            }));
        }
        for (int i = 0; i < 500; i++) {
            registry.reconcile(i % 2 == 0 ? two : one, Map.of("a", SETTINGS));
        }
        stop.set(true);
        for (Thread t : readers) {
            assertTrue(t.join(Duration.ofSeconds(10)));
        }
        assertEquals(null, failure.get());
        assertTrue(transitions.isEmpty());
    }
}
