package io.heimdall.plugin.accesslog;

import io.heimdall.api.RequestContext;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.hook.RequestOutcome;
import io.heimdall.api.metrics.MetricType;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.observe.Observer;
import io.heimdall.api.observe.RequestSummary;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginContext;

import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The plugin instance. On the request path it only copies a few fields into an {@link AccessLogEntry} and adds it to
 * a bounded lock-free queue (never blocking, never waking a thread: a wake-up per request cost more than the rest of
 * the plugin); one daemon thread looks every {@value #WRITE_INTERVAL_MS} ms, formats what is queued as JSON lines and
 * writes and flushes them as one batch. With {@code include-prompts} it is also a hook that keeps the request's
 * message texts.
 */
final class AccessLogPlugin implements Plugin, Observer, Hook {
    static final String DROPPED = "access_log_dropped";
    private static final long CLOSE_WAIT_MS = 2_000;
    static final long WRITE_INTERVAL_MS = 50;
    private static final int LINES_BUFFER = 64 * 1024;
    private static final String PROMPT_ATTRIBUTE = "access-log.prompt";

    private final AccessLogSink sink;
    private final Queue<AccessLogEntry> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final int queueSize;
    private final boolean includePrompts;
    private final PluginContext context;
    private final Thread writer;
    private volatile boolean closing;

    AccessLogPlugin(AccessLogSink sink, int queueSize, boolean includePrompts, PluginContext context) {
        this.sink = sink;
        this.queueSize = queueSize;
        this.includePrompts = includePrompts;
        this.context = context;
        context.metrics().describe(DROPPED, MetricType.COUNTER, "Access log lines dropped because the write queue "
                + "was full", "");
        this.writer = Thread.ofPlatform().daemon().name("heimdall-access-log").unstarted(this::drain);
        writer.start();
    }

    @Override
    public Optional<Observer> observer() {
        return Optional.of(this);
    }

    @Override
    public Optional<Hook> hook() {
        return includePrompts ? Optional.of(this) : Optional.empty();
    }

    @Override
    public RequestOutcome onRequest(ChatRequest request, RequestContext ctx) {
        List<Map<String, String>> messages = new ArrayList<>();
        for (ChatMessage m : request.messages()) {
            messages.add(Map.of("role", m.role(), "content", m.text()));
        }
        ctx.attributes().put(PROMPT_ATTRIBUTE, List.copyOf(messages));
        return RequestOutcome.proceed(request);
    }

    @Override
    @SuppressWarnings("unchecked")
    public void requestFinished(RequestSummary summary, RequestContext ctx) {
        Instant end = context.clock().instant();
        Optional<List<Map<String, String>>> prompt = includePrompts
                ? Optional.ofNullable((List<Map<String, String>>) ctx.attributes().get(PROMPT_ATTRIBUTE))
                : Optional.empty();
        AccessLogEntry entry = new AccessLogEntry(end.minus(summary.latency()), ctx.requestId(),
                ctx.parent().map(RequestContext::requestId), ctx.caller().id(), ctx.clientAddress(),
                ctx.headers().getOrDefault("content-length", List.of()), summary, prompt); // names are lower-case
        if (closing || queued.incrementAndGet() > queueSize) {
            if (!closing) {
                queued.decrementAndGet();
            }
            context.metrics().count(DROPPED, Map.of(), 1);
            return;
        }
        queue.add(entry);
    }

    private void drain() {
        List<AccessLogEntry> batch = new ArrayList<>();
        AccessLogEntry.Lines lines = new AccessLogEntry.Lines();
        while (true) {
            boolean last = closing;
            for (AccessLogEntry e = queue.poll(); e != null; e = queue.poll()) {
                queued.decrementAndGet();
                batch.add(e);
            }
            if (!batch.isEmpty()) {
                try {
                    for (AccessLogEntry e : batch) {
                        int start = lines.add(e);
                        sink.write(lines.bytes(), start, lines.size() - start);
                        if (lines.size() > LINES_BUFFER) {
                            lines.reset();
                        }
                    }
                    lines.reset();
                    sink.flush();
                } catch (IOException | RuntimeException e) {
                    context.metrics().count(DROPPED, Map.of(), batch.size());
                    lines = new AccessLogEntry.Lines(); // the generator may be mid-object
                    context.logger().log(System.Logger.Level.WARNING, "Access log write failed: " + e.getMessage());
                }
                batch.clear();
            }
            if (last) {
                break;
            }
            LockSupport.parkNanos(WRITE_INTERVAL_MS * 1_000_000L);
        }
        try {
            sink.close();
        } catch (IOException | RuntimeException e) {
            context.logger().log(System.Logger.Level.WARNING, "Access log close failed: " + e.getMessage());
        }
    }

    /** Waits (bounded) until every queued line is written, then stops the writer and closes the file. */
    @Override
    public void close() {
        closing = true;
        LockSupport.unpark(writer);
        try {
            writer.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
