package io.heimdall.plugin.opentelemetry;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Ended request spans (each with its attempt spans) on their way to the exporter: a bounded lock-free queue (the spans
 * linked through {@link RequestSpan#queued}, pushed with one compare-and-set, taken all at once and put back in order
 * by the export thread: no node object per span) that the request path adds to without ever blocking (beyond
 * {@code maxQueueSize} spans a request's spans are dropped and counted), and one daemon thread that exports them in
 * batches of {@code batchSize} spans through the SDK's {@link SpanExporter}: as soon as a batch is full (the request
 * that fills one wakes the thread; one wake-up per batch, not per request), and whatever is left every
 * {@code scheduleDelay}; the spans of an export that fails are counted.
 * {@link #close} exports what is queued (bounded wait) and shuts the exporter down.
 */
final class SpanQueue implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SpanQueue.class.getName());
    private static final long CLOSE_WAIT_MS = 5_000;

    private final SpanExporter exporter;
    private final int maxQueueSize;
    private final int batchSize;
    private final long scheduleDelayNanos;
    private final long exportTimeoutNanos;
    private final IntConsumer dropped;
    private final IntConsumer failed;
    private final AtomicReference<RequestSpan> newest = new AtomicReference<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final Thread thread;
    private volatile boolean closing;

    SpanQueue(SpanExporter exporter, int maxQueueSize, int batchSize, Duration scheduleDelay, Duration exportTimeout,
              IntConsumer dropped, IntConsumer failed) {
        this.exporter = exporter;
        this.maxQueueSize = maxQueueSize;
        this.batchSize = Math.max(1, Math.min(batchSize, maxQueueSize));
        this.scheduleDelayNanos = Math.max(1, scheduleDelay.toNanos());
        this.exportTimeoutNanos = exportTimeout.toNanos();
        this.dropped = dropped;
        this.failed = failed;
        this.thread = Thread.ofPlatform().daemon().name("heimdall-otel-export").unstarted(this::run);
        thread.start();
    }

    /** Queues a sealed request span and its attempts for export, or drops and counts them when the queue is full. */
    void add(RequestSpan span) {
        int n = span.spanCount();
        int now = closing ? Integer.MAX_VALUE : queued.addAndGet(n);
        if (now > maxQueueSize) {
            if (!closing) {
                queued.addAndGet(-n);
            }
            dropped.accept(n);
            return;
        }
        RequestSpan head;
        do {
            head = newest.get();
            span.queued = head;
        } while (!newest.compareAndSet(head, span));
        if (now >= batchSize && now - n < batchSize) {
            LockSupport.unpark(thread); // a batch is full: export it now rather than at the next tick
        }
    }

    private void run() {
        List<SpanData> batch = new ArrayList<>(batchSize + 8);
        long due = System.nanoTime() + scheduleDelayNanos;
        while (true) {
            boolean last = closing;
            for (RequestSpan s = oldestFirst(newest.getAndSet(null)); s != null; ) {
                queued.addAndGet(-s.spanCount());
                s.addTo(batch);
                RequestSpan next = s.queued;
                s.queued = null;
                s = next;
                if (batch.size() >= batchSize) {
                    export(batch);
                }
            }
            long now = System.nanoTime();
            if (last || now - due >= 0) {
                if (!batch.isEmpty()) {
                    export(batch);
                }
                due = now + scheduleDelayNanos;
            }
            if (last) {
                return;
            }
            LockSupport.parkNanos(due - now);
        }
    }

    /** Reverses a chain taken from the queue (newest first) so that spans are exported in the order they ended. */
    private static RequestSpan oldestFirst(RequestSpan newestFirst) {
        RequestSpan reversed = null;
        for (RequestSpan s = newestFirst; s != null; ) {
            RequestSpan next = s.queued;
            s.queued = reversed;
            reversed = s;
            s = next;
        }
        return reversed;
    }

    /**
     * Exports the batch (the exporter's sender works on this thread: the result is done when it returns), counts its
     * spans as failed unless the collector took them, and clears it.
     */
    private void export(List<SpanData> batch) {
        boolean exported = false;
        try {
            CompletableResultCode result = exporter.export(batch);
            exported = result.join(exportTimeoutNanos + TimeUnit.SECONDS.toNanos(1), TimeUnit.NANOSECONDS)
                    .isSuccess();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Span export failed: " + e);
        } finally {
            if (!exported) {
                failed.accept(batch.size());
            }
            batch.clear();
        }
    }

    /** Exports what is queued (waiting at most 5 s), then shuts the exporter down. */
    @Override
    public void close() {
        closing = true;
        LockSupport.unpark(thread);
        try {
            thread.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        exporter.shutdown().join(CLOSE_WAIT_MS, TimeUnit.MILLISECONDS);
    }
}
