package io.heimdall.plugin.semanticcache;

import io.heimdall.api.RequestContext;
import io.heimdall.api.cache.CachedAnswer;
import io.heimdall.api.cache.ResponseCache;
import io.heimdall.api.endpoint.Endpoint;
import io.heimdall.api.metrics.MetricType;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cache: an exact tier (the request's canonical hash) and a semantic tier (the last user message's embedding,
 * k-NN in the Lucene HNSW index within the same scope, the best candidate at or above the threshold that passes the
 * {@link NearMissGuard}). Sets {@code x-heimdall-cache} ({@code exact}, {@code semantic} or {@code miss}),
 * {@code x-heimdall-cache-score} on hits and {@code x-heimdall-cache-key} (the entry id, for invalidation). A
 * maintenance thread commits new entries, purges expired ones and evicts the oldest beyond {@code max-entries}.
 */
final class SemanticCache implements Plugin, ResponseCache {
    static final String HEADER = "x-heimdall-cache";
    static final String SCORE_HEADER = "x-heimdall-cache-score";
    static final String KEY_HEADER = "x-heimdall-cache-key";
    /** The lookup's own time in microseconds (canonical key, exact tier, embedding, k-NN, decoding a hit). */
    static final String LOOKUP_HEADER = "x-heimdall-cache-lookup-us";
    private static final String ATTR_KEY = "semantic-cache.key";
    private static final String ATTR_VECTOR = "semantic-cache.vector";
    private static final String LOOKUPS = "semantic_cache_lookups_total";
    private static final String LOOKUP_SECONDS = "semantic_cache_lookup_seconds";

    private final Settings settings;
    private final PluginContext context;
    private final Clock clock;
    private final Embedder embedder;
    private final CacheIndex index;
    private final AnswerCodec codec;
    private final Stats stats = new Stats();
    private final ScheduledExecutorService maintenance;
    private boolean heapWarned; // maintenance thread only
    /** Stores handed to the maintenance thread and not yet added: the last one of a burst refreshes the searcher. */
    private final AtomicInteger queuedStores = new AtomicInteger();

    SemanticCache(Settings settings, PluginContext context) {
        this.settings = settings;
        this.context = context;
        this.clock = context.clock();
        this.embedder = Embedder.of(settings, context.gateway());
        this.codec = new AnswerCodec(context.openAiWire());
        this.index = CacheIndex.open(settings.directory().resolve("index-"
                + CacheKey.sha256(embedder.id()).substring(0, 12)));
        try {
            Files.writeString(index.folder().resolve("embedder.txt"), embedder.id() + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            index.close();
            throw new UncheckedIOException("cannot write to the cache directory " + settings.directory(), e);
        }
        context.metrics().describe(LOOKUPS, MetricType.COUNTER, "Semantic cache lookups by result", "");
        context.metrics().describe(LOOKUP_SECONDS, MetricType.HISTOGRAM, "Semantic cache lookup time", "seconds");
        context.metrics().gauge("semantic_cache_entries", Map.of(), () -> index.size());
        maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "semantic-cache-maintenance");
            t.setDaemon(true);
            return t;
        });
        long commit = Math.max(10, settings.commitInterval().toMillis());
        long purge = Math.max(10, settings.purgeInterval().toMillis());
        maintenance.scheduleWithFixedDelay(this::commitQuietly, commit, commit, TimeUnit.MILLISECONDS);
        maintenance.scheduleWithFixedDelay(this::purge, purge, purge, TimeUnit.MILLISECONDS);
        if (settings.mergeWhenIdle().isPositive()) {
            long idle = settings.mergeWhenIdle().toNanos();
            long check = Math.clamp(settings.mergeWhenIdle().toMillis() / 4, 10, 1_000);
            maintenance.scheduleWithFixedDelay(() -> guarded("merge", () -> compact(idle)), check, check,
                    TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public Optional<ResponseCache> cache() {
        return Optional.of(this);
    }

    @Override
    public List<Endpoint> endpoints() {
        return new AdminRoutes(this, settings.adminTag()).endpoints();
    }

    @Override
    public Optional<CachedAnswer> lookup(ChatRequest request, RequestContext ctx) {
        long start = System.nanoTime();
        Controls controls = Controls.of(ctx, settings);
        if (!cacheable(request)) {
            stats.skipped.increment();
            return miss(ctx, start, "not_cacheable");
        }
        CacheKey key = CacheKey.of(request, controls.namespace(), settings, context.openAiWire());
        ctx.attributes().put(ATTR_KEY, key);
        ctx.setResponseHeader(KEY_HEADER, key.exact());
        if (controls.noCache()) {
            return miss(ctx, start, "bypass");
        }
        long now = clock.millis();
        Optional<CacheIndex.Entry> exact = index.exact(key.exact(), now);
        if (exact.isPresent()) {
            stats.exactHits.increment();
            return hit(ctx, start, exact.get(), "exact", request.stream());
        }
        if (key.prompt().isPresent()) {
            float[] vector = embedder.embed(key.prompt().get(), ctx);
            ctx.attributes().put(ATTR_VECTOR, vector);
            NearMissGuard.Features asked = null; // only worked out when a candidate reaches the threshold
            for (CacheIndex.Entry e : index.nearest(vector, key.scope(), settings.candidates(), now,
                    Math.min(controls.threshold(), 1.0 - 1e-6))) {
                if (e.id().equals(key.exact())) {
                    // Stored between the exact look-up and this search (each reads the index as it is then).
                    stats.exactHits.increment();
                    return hit(ctx, start, new CacheIndex.Entry(e.id(), e.namespace(), e.prompt(), e.expiresAt(),
                            e.answer(), 1.0), "exact", request.stream());
                }
                if (e.score() < controls.threshold()) {
                    break;
                }
                if (settings.guard() && asked == null) {
                    asked = NearMissGuard.INSTANCE.features(key.prompt().get());
                }
                if (!settings.guard() || NearMissGuard.accepts(asked, NearMissGuard.INSTANCE.features(e.prompt()),
                        e.score(), controls.threshold())) {
                    stats.semanticHits.increment();
                    return hit(ctx, start, e, "semantic", request.stream());
                }
                stats.guardRejections.increment();
            }
        }
        stats.misses.increment();
        return miss(ctx, start, "miss");
    }

    /** A hit; the stored chunks are decoded only for a streamed request (a non-streamed one needs the response). */
    private Optional<CachedAnswer> hit(RequestContext ctx, long start, CacheIndex.Entry e, String tier,
                                       boolean streamed) {
        CachedAnswer answer = streamed ? codec.decode(e.answer(), tier)
                : codec.decodeResponse(e.id(), e.answer(), tier);
        ctx.setResponseHeader(HEADER, tier);
        ctx.setResponseHeader(SCORE_HEADER, e.score() >= 1.0 ? "1.0000"
                : String.format(Locale.ROOT, "%.4f", e.score()));
        ctx.setResponseHeader(KEY_HEADER, e.id());
        record(ctx, start, tier);
        return Optional.of(answer);
    }

    private Optional<CachedAnswer> miss(RequestContext ctx, long start, String result) {
        ctx.setResponseHeader(HEADER, "miss");
        record(ctx, start, result);
        return Optional.empty();
    }

    private void record(RequestContext ctx, long start, String result) {
        long nanos = System.nanoTime() - start;
        ctx.setResponseHeader(LOOKUP_HEADER, Long.toString(nanos / 1_000));
        context.metrics().count(LOOKUPS, Map.of("result", result), 1);
        context.metrics().observe(LOOKUP_SECONDS, Map.of("result", result), nanos / 1e9);
    }

    /** Whether a request may be cached at all: one choice, temperature within the limit. */
    private boolean cacheable(ChatRequest request) {
        return request.n().orElse(1) <= 1 && request.temperature().orElse(0.0) <= settings.maxTemperature();
    }

    @Override
    public void store(ChatRequest request, CachedAnswer answer, RequestContext ctx) {
        Controls controls = Controls.of(ctx, settings);
        ChatResponse response = answer.response();
        if (controls.noStore() || !cacheable(request) || response.choices().isEmpty()
                || response.choices().stream().anyMatch(c -> c.finishReason().isEmpty())) {
            stats.storeSkips.increment();
            return;
        }
        CacheKey key = ctx.attributes().get(ATTR_KEY) instanceof CacheKey k ? k
                : CacheKey.of(request, controls.namespace(), settings, context.openAiWire());
        Optional<float[]> vector = key.prompt().map(p -> ctx.attributes().get(ATTR_VECTOR) instanceof float[] v
                ? v : embedder.embed(p, ctx));
        long now = clock.millis();
        long expires = now + Math.max(1, controls.ttl().toMillis());
        byte[] bytes = codec.encode(new CachedAnswer(response, answer.chunks(), "exact"));
        // Index writes run on the maintenance thread only: it is never interrupted, and an interrupt during a Lucene
        // write or fsync would close the index's file channels.
        queuedStores.incrementAndGet();
        maintenance.execute(() -> guarded("store", () -> {
            try {
                index.add(key.exact(), key.scope(), key.namespace(), key.prompt(), vector, now, expires, bytes);
            } finally {
                // One searcher refresh (a new Lucene segment) per burst of stores, not one per store.
                if (queuedStores.decrementAndGet() == 0) {
                    index.refresh();
                }
            }
            stats.stores.increment();
            if (index.size() > settings.maxEntries()) {
                stats.evicted.add(index.evict(settings.maxEntries()));
            }
        }));
    }

    private void guarded(String what, Runnable work) {
        try {
            work.run();
        } catch (RuntimeException e) {
            stats.errors.increment();
            context.logger().log(System.Logger.Level.WARNING, "Semantic cache " + what + " failed", e);
        }
    }

    @Override
    public void clear() {
        stats.invalidated.add(onWriter(index::clear));
    }

    /** Deletes a namespace's entries; returns how many. */
    long invalidateNamespace(String namespace) {
        long n = onWriter(() -> index.deleteNamespace(namespace));
        stats.invalidated.add(n);
        return n;
    }

    /** Deletes one entry; returns whether it existed. */
    boolean invalidateEntry(String id) {
        boolean found = onWriter(() -> index.deleteEntry(id));
        if (found) {
            stats.invalidated.increment();
        }
        return found;
    }

    /** Runs an index write on the maintenance thread (never interrupted) and waits for it. */
    private <T> T onWriter(java.util.concurrent.Callable<T> work) {
        try {
            return maintenance.submit(work).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the cache index", e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** What the stats route shows. */
    Map<String, Object> stats() {
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        out.put("entries", index.size());
        out.put("max_entries", settings.maxEntries());
        out.put("embedder", embedder.id());
        out.put("threshold", settings.threshold());
        out.put("directory", index.folder().toString());
        out.put("segments", index.segments());
        out.putAll(stats.snapshot());
        return out;
    }

    private void compact(long idleNanos) {
        CacheIndex.Compaction done = index.compact(idleNanos);
        if (done == CacheIndex.Compaction.FINISHED) {
            stats.merges.increment();
        } else if (done == CacheIndex.Compaction.NO_HEAP && !heapWarned) {
            heapWarned = true;
            context.logger().log(System.Logger.Level.WARNING, "Semantic cache: the index (" + index.size()
                    + " entries) is not merged into one segment when idle: the merge needs about "
                    + (index.size() * CacheIndex.MERGE_HEAP_PER_ENTRY >> 20) + " MB of free heap; raise -Xmx");
        }
    }

    private void commitQuietly() {
        guarded("commit", index::commit);
    }

    private void purge() {
        guarded("purge", () -> {
            stats.expired.add(index.purgeExpired(clock.millis()));
            stats.evicted.add(index.evict(settings.maxEntries()));
        });
    }

    @Override
    public void close() {
        maintenance.shutdown();
        try {
            maintenance.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        commitQuietly();
        index.close();
    }
}
