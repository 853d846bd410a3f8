package io.heimdall.core.internal.resilience;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;

/**
 * The core's per-target health, which outlives config generations: a {@link TargetHealth} per (provider, key) and a
 * {@link Bulkhead} per provider. The engine owns one registry for its lifetime and calls {@link #reconcile} with each
 * new generation before swapping it in.
 *
 * <p>Reads ({@link #target}, {@link #bulkhead}) are two lookups in immutable maps behind one volatile read: no lock,
 * no allocation. {@link #reconcile} builds new maps and publishes them at once; reconciles are serialised by a lock
 * (they are rare). Requests still holding a replaced {@link TargetHealth} report to it harmlessly; kept parts are
 * shared, so their reports still count.
 */
public final class TargetHealthRegistry {
    private record Tables(Map<String, Map<String, TargetHealth>> targets, Map<String, Bulkhead> bulkheads) {
    }

    /**
     * What a reconcile did, for a log line.
     *
     * @param kept         targets whose state was kept as it was
     * @param reconfigured targets whose settings changed: the key's state and averages kept, a breaker or detector
     *                     whose settings changed started fresh
     * @param created      new targets, or targets whose key value changed (their state starts fresh)
     * @param dropped      targets no longer configured
     */
    public record Changes(int kept, int reconfigured, int created, int dropped) {
    }

    private final LongSupplier nanoTime;
    private final CircuitBreaker.Listener listener;
    private final ReentrantLock reconciling = new ReentrantLock();
    private volatile Tables tables = new Tables(Map.of(), Map.of());

    /**
     * An empty registry.
     *
     * @param nanoTime the time source of every part
     * @param listener told of every breaker transition (e.g. {@link CircuitBreaker.Listener#LOGGING})
     */
    public TargetHealthRegistry(LongSupplier nanoTime, CircuitBreaker.Listener listener) {
        this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /** An empty registry on {@link System#nanoTime()} that logs breaker transitions. */
    public TargetHealthRegistry() {
        this(System::nanoTime, CircuitBreaker.Listener.LOGGING);
    }

    /**
     * Brings the registry in line with a config generation.
     * <ul>
     *   <li>A target that still exists with the same fingerprint and settings keeps its state as it is.</li>
     *   <li>Same fingerprint, changed settings: the key's cooldown or disabling and the averages are kept; a breaker
     *       or outlier detector whose own settings changed starts fresh (closed, nothing counted).</li>
     *   <li>A changed fingerprint (the key's value changed) or a new target starts fresh: a disabled key is
     *       re-enabled by replacing its value.</li>
     *   <li>Targets not in {@code live} are dropped.</li>
     *   <li>Each provider named in {@code settings} or in {@code live} has a bulkhead: an existing one is resized in
     *       place (slots in flight are kept), a new one created; others are dropped.</li>
     * </ul>
     *
     * @param live     every target of the generation; the same (provider, key) twice must have one fingerprint
     * @param settings per provider name; a provider missing here gets {@link ResilienceSettings#DEFAULTS}
     * @return what changed
     * @throws IllegalArgumentException if one (provider, key) comes with two fingerprints
     */
    public Changes reconcile(Collection<TargetSpec> live, Map<String, ResilienceSettings> settings) {
        reconciling.lock();
        try {
            Tables old = tables;
            Map<String, Map<String, TargetHealth>> targets = new HashMap<>();
            int kept = 0;
            int reconfigured = 0;
            int created = 0;
            for (TargetSpec spec : live) {
                Map<String, TargetHealth> keys = targets.computeIfAbsent(spec.provider(), p -> new HashMap<>());
                TargetHealth seen = keys.get(spec.key());
                if (seen != null) {
                    if (!seen.spec().fingerprint().equals(spec.fingerprint())) {
                        throw new IllegalArgumentException("target " + spec.label()
                                + " is listed twice with different key values");
                    }
                    continue;
                }
                ResilienceSettings s = settings.getOrDefault(spec.provider(), ResilienceSettings.DEFAULTS);
                TargetHealth previous = old.targets.getOrDefault(spec.provider(), Map.of()).get(spec.key());
                TargetHealth next;
                if (previous == null || !previous.spec().fingerprint().equals(spec.fingerprint())) {
                    next = new TargetHealth(spec, s, nanoTime, listener);
                    created++;
                } else {
                    next = previous.reconfigured(s, listener);
                    if (next == previous) {
                        kept++;
                    } else {
                        reconfigured++;
                    }
                }
                keys.put(spec.key(), next);
            }
            int dropped = 0;
            for (Map.Entry<String, Map<String, TargetHealth>> e : old.targets.entrySet()) {
                Map<String, TargetHealth> now = targets.getOrDefault(e.getKey(), Map.of());
                for (String key : e.getValue().keySet()) {
                    dropped += now.containsKey(key) ? 0 : 1;
                }
            }

            Set<String> providers = new LinkedHashSet<>(settings.keySet());
            targets.keySet().forEach(providers::add);
            Map<String, Bulkhead> bulkheads = new HashMap<>();
            for (String provider : providers) {
                BulkheadSettings b = settings.getOrDefault(provider, ResilienceSettings.DEFAULTS).bulkhead();
                Bulkhead existing = old.bulkheads.get(provider);
                if (existing == null) {
                    bulkheads.put(provider, new Bulkhead(provider, b));
                } else {
                    if (!existing.settings().equals(b)) {
                        existing.update(b);
                    }
                    bulkheads.put(provider, existing);
                }
            }

            Map<String, Map<String, TargetHealth>> frozen = new HashMap<>();
            targets.forEach((p, keys) -> frozen.put(p, Map.copyOf(keys)));
            tables = new Tables(Map.copyOf(frozen), Map.copyOf(bulkheads));
            return new Changes(kept, reconfigured, created, dropped);
        } finally {
            reconciling.unlock();
        }
    }

    /** The health of a target; empty if the current generation does not have it. */
    public Optional<TargetHealth> target(String provider, String key) {
        Map<String, TargetHealth> keys = tables.targets.get(provider);
        return keys == null ? Optional.empty() : Optional.ofNullable(keys.get(key));
    }

    /** The bulkhead of a provider; empty if the current generation does not have the provider. */
    public Optional<Bulkhead> bulkhead(String provider) {
        return Optional.ofNullable(tables.bulkheads.get(provider));
    }

    /** Every target's state, sorted by provider and key. */
    public List<TargetSnapshot> snapshot() {
        List<TargetSnapshot> out = new ArrayList<>();
        for (Map<String, TargetHealth> keys : tables.targets.values()) {
            for (TargetHealth t : keys.values()) {
                out.add(t.snapshot());
            }
        }
        out.sort(Comparator.comparing(TargetSnapshot::provider).thenComparing(TargetSnapshot::key));
        return List.copyOf(out);
    }

    /** Every provider's bulkhead gauges, sorted by provider. */
    public List<BulkheadSnapshot> bulkheadSnapshot() {
        return tables.bulkheads.values().stream().map(Bulkhead::snapshot)
                .sorted(Comparator.comparing(BulkheadSnapshot::provider)).toList();
    }
}
