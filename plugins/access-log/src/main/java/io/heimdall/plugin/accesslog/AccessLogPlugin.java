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
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The plugin instance. On the request path it only copies a few fields into an {@link AccessLogEntry} and offers it
 * to a bounded queue (never blocking); one daemon thread formats each entry as JSON and writes it, flushing whenever
 * the queue runs empty. With {@code include-prompts} it is also a hook that keeps the request's message texts.
 */
final class AccessLogPlugin implements Plugin, Observer, Hook {
    static final String DROPPED = "access_log_dropped";
    private static final long CLOSE_WAIT_MS = 2_000;
    private static final String PROMPT_ATTRIBUTE = "access-log.prompt";

    private final AccessLogSink sink;
    private final BlockingQueue<AccessLogEntry> queue;
    private final boolean includePrompts;
    private final PluginContext context;
    private final Thread writer;
    private volatile boolean closing;

    AccessLogPlugin(AccessLogSink sink, int queueSize, boolean includePrompts, PluginContext context) {
        this.sink = sink;
        this.queue = new ArrayBlockingQueue<>(queueSize);
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
                ctx.header("content-length").flatMap(AccessLogPlugin::parseLong), summary, prompt);
        if (closing || !queue.offer(entry)) {
            context.metrics().count(DROPPED, Map.of(), 1);
        }
    }

    private static Optional<Long> parseLong(String s) {
        try {
            return Optional.of(Long.parseLong(s.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private void drain() {
        List<AccessLogEntry> batch = new ArrayList<>();
        while (true) {
            try {
                AccessLogEntry first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (closing) {
                        break;
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 1024);
                for (AccessLogEntry e : batch) {
                    sink.write(e.toJsonLine());
                }
                batch.clear();
                if (queue.isEmpty()) {
                    sink.flush();
                }
            } catch (InterruptedException e) {
                break;
            } catch (IOException | RuntimeException e) {
                context.metrics().count(DROPPED, Map.of(), batch.size());
                batch.clear();
                context.logger().log(System.Logger.Level.WARNING, "Access log write failed: " + e.getMessage());
            }
        }
        try {
            for (AccessLogEntry e : queue) {
                sink.write(e.toJsonLine());
            }
            queue.clear();
            sink.close();
        } catch (IOException | RuntimeException e) {
            context.logger().log(System.Logger.Level.WARNING, "Access log close failed: " + e.getMessage());
        }
    }

    /** Waits (bounded) until every queued line is written, then stops the writer and closes the file. */
    @Override
    public void close() {
        closing = true;
        try {
            writer.join(CLOSE_WAIT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
