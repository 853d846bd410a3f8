package io.heimdall.plugin.adminapi;

import io.heimdall.api.observe.RequestSummary;
import io.heimdall.api.model.Usage;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * What the traffic does: a ring buffer of the most recent requests (no prompt text unless recorded on purpose) and
 * per-second buckets over the last five minutes for the dashboard's rates and percentiles. Thread-safe.
 */
final class Traffic {
    /**
     * One finished request.
     *
     * @param id        the request id
     * @param time      when it ended
     * @param caller    the caller id
     * @param operation chat, chat.stream, embeddings, ... or a route
     * @param model     the model asked for
     * @param servedBy  provider/model, cache or hook that answered
     * @param status    the HTTP status
     * @param error     the error type, empty on success
     * @param latency   end-to-end latency
     * @param ttft      time to first token (streams)
     * @param attempts  upstream attempts
     * @param usage     token usage
     * @param cached    whether the cache answered
     * @param prompt    the last user message, only when prompt recording is on
     */
    record Entry(String id, Instant time, String caller, String operation, String model, String servedBy, int status,
                 String error, Duration latency, Optional<Duration> ttft, int attempts, Optional<Usage> usage,
                 boolean cached, Optional<String> prompt) {
    }

    /**
     * Rates and percentiles over a window.
     *
     * @param window            the window
     * @param requests          requests that ended in it
     * @param requestsPerSecond requests per second
     * @param errorRate         share of responses with status 5xx or 429
     * @param p50               median latency
     * @param p99               99th percentile latency
     * @param tokensPerMinute   prompt plus completion tokens per minute
     * @param cacheHitRate      share answered by the cache
     * @param perSecond         requests per second, one per second of the window, oldest first
     */
    record Stats(Duration window, long requests, double requestsPerSecond, double errorRate, Duration p50,
                 Duration p99, double tokensPerMinute, double cacheHitRate, List<Long> perSecond) {
    }

    private static final int SECONDS = 300;

    private final Entry[] ring;
    private int next;
    private long total;
    private final long[] bucketSecond = new long[SECONDS];
    private final long[] bucketCount = new long[SECONDS];
    private final long[] bucketErrors = new long[SECONDS];
    private final long[] bucketTokens = new long[SECONDS];
    private final long[] bucketCached = new long[SECONDS];

    Traffic(int capacity) {
        this.ring = new Entry[Math.max(1, capacity)];
    }

    /** Records a finished request. */
    synchronized void add(Entry e) {
        ring[next] = e;
        next = (next + 1) % ring.length;
        total++;
        long second = e.time().getEpochSecond();
        int b = (int) Math.floorMod(second, (long) SECONDS);
        if (bucketSecond[b] != second) {
            bucketSecond[b] = second;
            bucketCount[b] = 0;
            bucketErrors[b] = 0;
            bucketTokens[b] = 0;
            bucketCached[b] = 0;
        }
        bucketCount[b]++;
        if (e.status() >= 500 || e.status() == 429) {
            bucketErrors[b]++;
        }
        bucketTokens[b] += e.usage().map(u -> u.promptTokens() + u.completionTokens()).orElse(0L);
        if (e.cached()) {
            bucketCached[b]++;
        }
    }

    /** The most recent entries, newest first, at most {@code limit}. */
    synchronized List<Entry> recent(int limit) {
        List<Entry> out = new ArrayList<>();
        for (int k = 1; k <= ring.length && out.size() < limit; k++) {
            Entry e = ring[Math.floorMod(next - k, ring.length)];
            if (e == null) {
                break;
            }
            out.add(e);
        }
        return out;
    }

    /** How many requests were recorded since start. */
    synchronized long total() {
        return total;
    }

    /** Stats over the last {@code seconds} (at most five minutes) up to {@code now}. */
    synchronized Stats stats(Instant now, int seconds) {
        int window = Math.max(1, Math.min(SECONDS, seconds));
        long end = now.getEpochSecond();
        long requests = 0;
        long errors = 0;
        long tokens = 0;
        long cached = 0;
        List<Long> perSecond = new ArrayList<>(window);
        for (long s = end - window + 1; s <= end; s++) {
            int b = (int) Math.floorMod(s, (long) SECONDS);
            boolean live = bucketSecond[b] == s;
            perSecond.add(live ? bucketCount[b] : 0);
            if (live) {
                requests += bucketCount[b];
                errors += bucketErrors[b];
                tokens += bucketTokens[b];
                cached += bucketCached[b];
            }
        }
        Instant from = Instant.ofEpochSecond(end - window + 1);
        long[] latencies = recent(ring.length).stream().filter(e -> !e.time().isBefore(from))
                .mapToLong(e -> e.latency().toNanos()).sorted().toArray();
        return new Stats(Duration.ofSeconds(window), requests, requests / (double) window,
                requests == 0 ? 0 : errors / (double) requests, percentile(latencies, 0.50),
                percentile(latencies, 0.99), tokens * 60.0 / window, requests == 0 ? 0 : cached / (double) requests,
                perSecond);
    }

    private static Duration percentile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Duration.ZERO;
        }
        int index = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return Duration.ofNanos(sorted[Math.max(0, index)]);
    }

    /** Builds an entry from the core's summary. */
    static Entry entry(RequestSummary s, String id, String caller, Instant now, Optional<String> prompt) {
        return new Entry(id, now, caller, s.operation(), s.model().orElse(""), s.servedBy().orElse(""), s.status(),
                s.error().map(e -> e.type()).orElse(""), s.latency(), s.timeToFirstToken(), s.attempts(), s.usage(),
                s.cached(), prompt);
    }

    @Override
    public synchronized String toString() {
        return "Traffic[" + total + " requests, last " + Arrays.stream(ring).filter(e -> e != null).count() + "]";
    }
}
