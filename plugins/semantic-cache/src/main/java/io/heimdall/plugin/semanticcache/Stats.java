package io.heimdall.plugin.semanticcache;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** The cache's counters, for the stats route. Thread-safe. */
final class Stats {
    final LongAdder exactHits = new LongAdder();
    final LongAdder semanticHits = new LongAdder();
    final LongAdder misses = new LongAdder();
    final LongAdder skipped = new LongAdder();
    final LongAdder guardRejections = new LongAdder();
    final LongAdder stores = new LongAdder();
    final LongAdder storeSkips = new LongAdder();
    final LongAdder evicted = new LongAdder();
    final LongAdder expired = new LongAdder();
    final LongAdder invalidated = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder merges = new LongAdder();

    /** The counters by name. */
    Map<String, Long> snapshot() {
        Map<String, Long> out = new LinkedHashMap<>();
        out.put("exact_hits", exactHits.sum());
        out.put("semantic_hits", semanticHits.sum());
        out.put("misses", misses.sum());
        out.put("not_cacheable", skipped.sum());
        out.put("guard_rejections", guardRejections.sum());
        out.put("stores", stores.sum());
        out.put("stores_skipped", storeSkips.sum());
        out.put("evicted", evicted.sum());
        out.put("expired", expired.sum());
        out.put("invalidated", invalidated.sum());
        out.put("errors", errors.sum());
        out.put("merges_when_idle", merges.sum());
        return out;
    }
}
