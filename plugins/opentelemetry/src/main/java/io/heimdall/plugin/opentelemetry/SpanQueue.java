package io.heimdall.plugin.opentelemetry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Ended requests' encoded spans on their way to the collector: a bounded lock-free queue (linked through
 * {@link EncodedSpans#queued}, pushed with one compare-and-set, taken all at once and put back in order by the export
 * thread: no node object beside them) that the request path adds to without ever blocking (beyond
 * {@code maxQueueSize} spans a request's spans are dropped and counted), and one daemon thread that hands them to the
 * {@link Export} in batches of {@code batchSize} spans: as soon as a batch is full (the request that fills one wakes
 * the thread; one wake-up per batch, not per request), and whatever is left every {@code scheduleDelay}.
 * {@link #close} exports what is queued (bounded wait) and closes the export.
 */
final class SpanQueue implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SpanQueue.class.getName());
    private static final long CLOSE_WAIT_MS = 5_000;

    /** Where batches go: {@link OtlpHttpExport}, or a test's. */
    interface Export extends AutoCloseable {
        /** Sends one batch of requests' spans (on the export thread; returns when the collector has answered). */
        void export(List<EncodedSpans> batch);

        @Override
        void close();
    }

    private final Export exporter;
    private final int maxQueueSize;
    private final int batchSize;
    private final long scheduleDelayNanos;
    private final IntConsumer dropped;
    private final AtomicReference<EncodedSpans> newest = new AtomicReference<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final Thread thread;
    private volatile boolean closing;

    SpanQueue(Export exporter, int maxQueueSize, int batchSize, Duration scheduleDelay, IntConsumer dropped) {
        this.exporter = exporter;
        this.maxQueueSize = maxQueueSize;
        this.batchSize = Math.max(1, Math.min(batchSize, maxQueueSize));
        this.scheduleDelayNanos = Math.max(1, scheduleDelay.toNanos());
        this.dropped = dropped;
        this.thread = Thread.ofPlatform().daemon().name("heimdall-otel-export").unstarted(this::run);
        thread.start();
    }

    /** Queues a request's encoded spans for export, or drops and counts them when the queue is full. */
    void add(EncodedSpans span) {
        int n = span.count;
        int now = closing ? Integer.MAX_VALUE : queued.addAndGet(n);
        if (now > maxQueueSize) {
            if (!closing) {
                queued.addAndGet(-n);
            }
            dropped.accept(n);
            return;
        }
        EncodedSpans head;
        do {
            head = newest.get();
            span.queued = head;
        } while (!newest.compareAndSet(head, span));
        if (now >= batchSize && now - n < batchSize) {
            LockSupport.unpark(thread); // a batch is full: export it now rather than at the next tick
        }
    }

    private void run() {
        List<EncodedSpans> batch = new ArrayList<>(batchSize);
        int spansInBatch = 0;
        long due = System.nanoTime() + scheduleDelayNanos;
        while (true) {
            boolean last = closing;
            for (EncodedSpans s = oldestFirst(newest.getAndSet(null)); s != null; ) {
                queued.addAndGet(-s.count);
                batch.add(s);
                spansInBatch += s.count;
                EncodedSpans next = s.queued;
                s.queued = null;
                s = next;
                if (spansInBatch >= batchSize) {
                    export(batch);
                    spansInBatch = 0;
                }
            }
            long now = System.nanoTime();
            if (last || now - due >= 0) {
                if (!batch.isEmpty()) {
                    export(batch);
                    spansInBatch = 0;
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
    private static EncodedSpans oldestFirst(EncodedSpans newestFirst) {
        EncodedSpans reversed = null;
        for (EncodedSpans s = newestFirst; s != null; ) {
            EncodedSpans next = s.queued;
            s.queued = reversed;
            reversed = s;
            s = next;
        }
        return reversed;
    }

    /** Exports the batch (on this thread: it is sent when this returns) and clears it. */
    private void export(List<EncodedSpans> batch) {
        try {
            exporter.export(batch);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "Span export failed: " + e);
        } finally {
            batch.clear();
        }
    }

    /** Exports what is queued (waiting at most 5 s), then closes the export. */
    @Override
    public void close() {
        closing = true;
        LockSupport.unpark(thread);
        try {
            thread.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        exporter.close();
    }
}
