package io.heimdall.plugin.opentelemetry;

import io.heimdall.api.RequestContext;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.hook.HookOutcome;
import io.heimdall.api.hook.RequestOutcome;
import io.heimdall.api.metrics.MetricType;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.Choice;
import io.heimdall.api.observe.AttemptStart;
import io.heimdall.api.observe.Observer;
import io.heimdall.api.observe.RequestSummary;
import io.heimdall.api.observe.ResponseInfo;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.route.Attempt;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.opentelemetry.sdk.trace.samplers.SamplingDecision;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The plugin instance: an observer that opens a SERVER span per client request (its parent is the client's
 * {@code traceparent}, or the parent request's span for a child request) and a CLIENT span per upstream attempt (its
 * own {@code traceparent} is sent upstream), and a hook that adds what only the canonical request holds (max tokens,
 * temperature, and with {@code capture-content} the texts, then of the response too); the response's model, id and
 * finish reasons come with the request's summary. The API's
 * types carry the trace context (W3C propagation, ids, sampling by the SDK's sampler); the spans themselves are plain
 * {@link SpanRecord}s, queued when the request ends and exported in batches by the SDK's OTLP exporter on the
 * {@link SpanQueue}'s own thread: a slow or unreachable collector costs requests nothing (spans beyond the queue are
 * dropped and counted, as are those of failed exports).
 */
final class OpenTelemetryPlugin implements Plugin, Observer {
    static final String DROPPED = "opentelemetry_spans_dropped";
    static final String FAILED = "opentelemetry_spans_export_failed";
    private static final String REQUEST_SPAN = "opentelemetry.request-span";
    private static final String SCOPE = "io.heimdall.plugin.opentelemetry";
    /** Spans per export: big enough that an export's fixed costs (HTTP round trip, marshaler set-up) stay small. */
    static final int EXPORT_BATCH = 512;
    private static final long ANCHOR_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final TextMapPropagator PROPAGATOR = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<RequestContext> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(RequestContext carrier) {
            return carrier.headers().keySet();
        }

        @Override
        public String get(RequestContext carrier, String key) {
            if (carrier == null) {
                return null;
            }
            List<String> values = carrier.headers().get(key); // the propagator's names are lower-case, as the map's
            return values == null || values.isEmpty() ? null : values.getFirst();
        }
    };

    private final SpanRecord.Scope scope;
    /** Empty when every new trace is sampled (ratio 1): no sampler call, no trace id string per request. */
    private final Optional<Sampler> rootSampler;
    private final SpanQueue spans;
    private final boolean captureContent;
    private final Hook hook;
    private final PluginContext context;
    private volatile long offset;
    private volatile long anchoredAt;

    OpenTelemetryPlugin(TracingSettings settings, PluginContext context) {
        this.context = context;
        this.captureContent = settings.captureContent();
        this.hook = captureContent ? new ContentCapture() : new RequestAttributes();
        anchor(System.nanoTime());
        var resource = Resource.getDefault().toBuilder().put("service.name", settings.serviceName());
        settings.resourceAttributes().forEach(resource::put);
        this.scope = SpanRecord.Scope.of(resource.build(), SCOPE);
        this.rootSampler = settings.samplingRatio() >= 1.0 ? Optional.empty()
                : Optional.of(Sampler.traceIdRatioBased(settings.samplingRatio()));
        context.metrics().describe(DROPPED, MetricType.COUNTER, "Spans dropped because the export queue was full", "");
        context.metrics().describe(FAILED, MetricType.COUNTER,
                "Spans lost because their export failed (collector unreachable, or it refused them)", "");
        this.spans = new SpanQueue(exporter(settings), settings.maxQueueSize(), EXPORT_BATCH, settings.scheduleDelay(),
                settings.exportTimeout(), n -> context.metrics().count(DROPPED, Map.of(), n),
                n -> context.metrics().count(FAILED, Map.of(), n));
    }

    /**
     * The SDK's OTLP/HTTP exporter (protobuf, reusable marshalers) for any {@code http://} or {@code https://}
     * collector, sending through {@link ApacheHttpSenderProvider}: the only sender its component loader offers.
     */
    static SpanExporter exporter(TracingSettings settings) {
        ComponentLoader classes = ComponentLoader.forClassLoader(OpenTelemetryPlugin.class.getClassLoader());
        return OtlpHttpSpanExporter.builder()
                .setEndpoint(settings.tracesUrl())
                .setHeaders(settings::headers)
                .setTimeout(settings.exportTimeout())
                .setComponentLoader(new ComponentLoader() {
                    @Override
                    @SuppressWarnings("unchecked")
                    public <T> Iterable<T> load(Class<T> spi) {
                        return spi == HttpSenderProvider.class
                                ? List.of((T) new ApacheHttpSenderProvider()) : classes.load(spi);
                    }
                })
                .setMemoryMode(MemoryMode.REUSABLE_DATA)
                .build();
    }

    @Override
    public Optional<Observer> observer() {
        return Optional.of(this);
    }

    @Override
    public Optional<Hook> hook() {
        return Optional.of(hook);
    }

    /**
     * Records what only the canonical request holds. It does not override {@code onResponse}: what the span needs of
     * the answer comes with the request's summary, and answers stay free to be relayed untouched.
     */
    private class RequestAttributes implements Hook {
        @Override
        public RequestOutcome onRequest(ChatRequest request, RequestContext ctx) {
            span(ctx).filter(SpanRecord::sampled).ifPresent(s -> {
                request.maxCompletionTokens().or(request::maxTokens).ifPresent(n -> s.maxTokens = n);
                s.temperature = request.temperature().orElse(null);
                s.topP = request.topP().orElse(null);
                if (captureContent) {
                    s.inputMessages = GenAi.messagesJson(request.messages());
                }
            });
            return RequestOutcome.proceed(request);
        }
    }

    /** With {@code capture-content}: the completion texts too, which only the response object holds. */
    private final class ContentCapture extends RequestAttributes {
        @Override
        public HookOutcome<ChatResponse> onResponse(ChatRequest request, ChatResponse response, RequestContext ctx) {
            span(ctx).filter(SpanRecord::sampled).ifPresent(s -> s.outputMessages = GenAi.messagesJson(
                    response.choices().stream().map(Choice::message).toList()));
            return HookOutcome.proceed(response);
        }
    }

    /**
     * Now in epoch nanoseconds: {@link System#nanoTime} (an intrinsic) plus an offset read from the plugin's clock at
     * most once a second, as the SDK's anchored clock does (a {@link java.time.Clock#instant} per span cost more than
     * the rest of the span's bookkeeping).
     */
    private long now() {
        long nano = System.nanoTime();
        if (nano - anchoredAt > ANCHOR_NANOS) {
            anchor(nano);
        }
        return nano + offset;
    }

    private void anchor(long nano) {
        var i = context.clock().instant();
        offset = TimeUnit.SECONDS.toNanos(i.getEpochSecond()) + i.getNano() - nano;
        anchoredAt = nano;
    }

    private static String operationName(String operation) {
        return operation.startsWith("chat") ? "chat" : operation;
    }

    /**
     * Opens the request's span: the parent's trace (or a new one), a new span id, and sampled as the SDK's
     * parent-based sampler decides (a valid parent's flag, else the configured ratio on the trace id).
     */
    @Override
    public void requestStarted(String operation, String model, RequestContext ctx) {
        Optional<RequestSpan> parentRequest = ctx.parent().flatMap(OpenTelemetryPlugin::span);
        SpanContext parent = parentRequest.<SpanContext>map(RequestSpan::context)
                .orElseGet(() -> Span.fromContext(PROPAGATOR.extract(Context.root(), ctx, HEADERS)).getSpanContext());
        String op = operationName(operation);
        long high;
        long low;
        boolean sampled;
        if (parentRequest.isPresent()) {
            high = parentRequest.get().traceHigh;
            low = parentRequest.get().traceLow;
            sampled = parent.isSampled();
        } else if (parent.isValid()) {
            String traceId = parent.getTraceId();
            high = HexIds.parse(traceId, 0);
            low = HexIds.parse(traceId, 16);
            sampled = parent.isSampled();
        } else {
            high = ThreadLocalRandom.current().nextLong();
            low = HexIds.randomId();
            sampled = rootSampler.isEmpty() || rootSampler.get().shouldSample(Context.root(), HexIds.hex(high, low),
                    op, SpanKind.SERVER, Attributes.empty(), List.of()).getDecision()
                    == SamplingDecision.RECORD_AND_SAMPLE;
        }
        ctx.attributes().put(REQUEST_SPAN, new RequestSpan(scope, high, low, HexIds.randomId(), sampled,
                parent.getTraceState(), parent, now(), op, ctx.requestId(), ctx.caller().id(), model,
                operation.equals("chat.stream")));
    }

    @Override
    public void attemptStarted(AttemptStart start) {
        Optional<RequestSpan> found = span(start.context());
        if (found.isEmpty()) {
            return;
        }
        RequestSpan request = found.get();
        AttemptSpan sent = new AttemptSpan(scope, HexIds.randomId(), request, now(), request.operation, start.target(),
                start.number());
        request.add(sent);
        if (sent.getTraceState().isEmpty()) {
            // what the W3C propagator writes, without its thread-local buffer (new for each request's virtual thread)
            start.setUpstreamHeader("traceparent", HexIds.traceparent(sent.traceHigh, sent.traceLow, sent.spanId,
                    sent.sampled()));
        } else {
            PROPAGATOR.inject(Context.root().with(Span.wrap(sent)), start, AttemptStart::setUpstreamHeader);
        }
    }

    @Override
    public void attemptFinished(Attempt attempt, RequestContext ctx) {
        span(ctx).ifPresent(s -> s.finish(attempt));
    }

    @Override
    public void requestFinished(RequestSummary summary, RequestContext ctx) {
        Optional<RequestSpan> found = span(ctx);
        if (found.isEmpty()) {
            return;
        }
        RequestSpan s = found.get();
        ResponseInfo answer = summary.response();
        if (s.sampled() && answer.id().isPresent()) {
            s.responseModel = answer.model().orElse(null);
            s.responseId = answer.id().get();
            s.finishReasons = answer.finishReasons();
        }
        s.finish(summary);
        if (s.sampled()) {
            spans.add(s);
        }
    }

    private static Optional<RequestSpan> span(RequestContext ctx) {
        return ctx.attributes().get(REQUEST_SPAN) instanceof RequestSpan s ? Optional.of(s) : Optional.empty();
    }

    /** Exports what is queued (bounded wait) and stops the export thread. */
    @Override
    public void close() {
        spans.close();
    }
}
