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
import java.util.concurrent.locks.LockSupport;

/**
 * The plugin instance. On the request path it formats the request's line into a {@link LineBuffer} (never waking a
 * thread: a wake-up per request cost more than the rest of the plugin); one daemon thread takes the filled buffers every
 * {@value #WRITE_INTERVAL_MS} ms and writes and flushes their lines in as few writes as the sink's rotation allows.
 * With {@code include-prompts} it is also a hook that keeps the request's message texts.
 */
final class AccessLogPlugin implements Plugin, Observer, Hook {
    static final String DROPPED = "access_log_dropped";
    private static final long CLOSE_WAIT_MS = 2_000;
    static final long WRITE_INTERVAL_MS = 50;
    private static final String PROMPT_ATTRIBUTE = "access-log.prompt";

    private final AccessLogSink sink;
    private final LineBuffer lines;
    private final boolean includePrompts;
    private final PluginContext context;
    private final Thread writer;
    private volatile boolean closing;

    AccessLogPlugin(AccessLogSink sink, int queueSize, boolean includePrompts, PluginContext context) {
        this.sink = sink;
        this.lines = new LineBuffer(queueSize);
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
                ctx.parent().map(RequestContext::requestId), ctx.caller().id(), ctx.clientAddress(), summary, prompt);
        boolean added;
        try {
            added = !closing && lines.append(entry);
        } catch (RuntimeException e) {
            added = false;
            context.logger().log(System.Logger.Level.WARNING, "Access log line not formatted: " + e);
        }
        if (!added) {
            context.metrics().count(DROPPED, Map.of(), 1);
        }
    }

    private void drain() {
        while (true) {
            boolean last = closing;
            for (LineBuffer.Lines batch : lines.take()) {
                if (batch.lines() > 0) {
                    write(batch);
                    batch.clear();
                }
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

    /** Writes a batch's lines and flushes; a failure drops (and counts) the batch's lines. */
    private void write(LineBuffer.Lines batch) {
        try {
            sink.writeLines(batch);
            sink.flush();
        } catch (IOException | RuntimeException e) {
            context.metrics().count(DROPPED, Map.of(), batch.lines());
            context.logger().log(System.Logger.Level.WARNING, "Access log write failed: " + e.getMessage());
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
