package io.heimdall.plugin.opentelemetry;

import io.heimdall.api.RequestContext;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.hook.HookOutcome;
import io.heimdall.api.hook.RequestOutcome;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.Choice;
import io.heimdall.api.observe.AttemptStart;
import io.heimdall.api.observe.Observer;
import io.heimdall.api.observe.RequestSummary;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.route.Attempt;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.common.ComponentLoader;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.export.HttpSenderProvider;
import io.opentelemetry.sdk.common.export.MemoryMode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The plugin instance: an observer that opens a SERVER span per client request (its parent is the client's
 * {@code traceparent}, or the parent request's span for a child request) and a CLIENT span per upstream attempt (its
 * own {@code traceparent} is sent upstream), and a hook that adds what only the canonical request and response hold
 * (max tokens, temperature, response model, finish reasons, and with {@code capture-content} the texts). Spans are
 * exported by the SDK's {@link BatchSpanProcessor} on its own thread: a slow or unreachable collector costs requests
 * nothing (spans beyond the queue are dropped).
 */
final class OpenTelemetryPlugin implements Plugin, Observer, Hook {
    private static final String REQUEST_SPAN = "opentelemetry.request-span";
    private static final TextMapPropagator PROPAGATOR = W3CTraceContextPropagator.getInstance();
    private static final TextMapGetter<RequestContext> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(RequestContext carrier) {
            return carrier.headers().keySet();
        }

        @Override
        public String get(RequestContext carrier, String key) {
            return carrier == null ? null : carrier.header(key).orElse(null);
        }
    };

    private final SdkTracerProvider provider;
    private final Tracer tracer;
    private final boolean captureContent;
    private final PluginContext context;

    /**
     * A started span, its start time in epoch nanoseconds, its GenAI operation name and (for a request span) the
     * attempt spans still open.
     */
    private record Started(Span span, long startNanos, String operation, OpenAttempts attempts) {
    }

    /** The open attempt spans of one request, by attempt number (few, mostly one: a list, not a hash map). */
    private static final class OpenAttempts {
        private record Open(int number, Started started) {
        }

        private final List<Open> open = new ArrayList<>(2);

        synchronized void put(int number, Started started) {
            open.add(new Open(number, started));
        }

        synchronized Optional<Started> remove(int number) {
            for (int i = 0; i < open.size(); i++) {
                if (open.get(i).number() == number) {
                    return Optional.of(open.remove(i).started());
                }
            }
            return Optional.empty();
        }

        synchronized List<Started> removeAll() {
            if (open.isEmpty()) {
                return List.of();
            }
            List<Started> left = new ArrayList<>(open.size());
            for (Open o : open) {
                left.add(o.started());
            }
            open.clear();
            return left;
        }
    }

    OpenTelemetryPlugin(TracingSettings settings, PluginContext context) {
        this.context = context;
        this.captureContent = settings.captureContent();
        SpanExporter exporter = exporter(settings);
        var resource = Resource.getDefault().toBuilder().put("service.name", settings.serviceName());
        settings.resourceAttributes().forEach(resource::put);
        this.provider = SdkTracerProvider.builder()
                .setResource(resource.build())
                .setIdGenerator(new HexIds())
                .setSampler(Sampler.parentBased(settings.samplingRatio() >= 1.0 ? Sampler.alwaysOn()
                        : Sampler.traceIdRatioBased(settings.samplingRatio())))
                .addSpanProcessor(BatchSpanProcessor.builder(exporter)
                        .setScheduleDelay(settings.scheduleDelay())
                        .setMaxQueueSize(settings.maxQueueSize())
                        .setExporterTimeout(settings.exportTimeout())
                        .build())
                .build();
        this.tracer = provider.get("io.heimdall.plugin.opentelemetry");
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
        return Optional.of(this);
    }

    private long now() {
        var i = context.clock().instant();
        return TimeUnit.SECONDS.toNanos(i.getEpochSecond()) + i.getNano();
    }

    private static String operationName(String operation) {
        return operation.startsWith("chat") ? "chat" : operation;
    }

    @Override
    public void requestStarted(String operation, String model, RequestContext ctx) {
        Context parent = ctx.parent()
                .flatMap(p -> span(p, REQUEST_SPAN).map(s -> Context.root().with(s.span())))
                .orElseGet(() -> PROPAGATOR.extract(Context.root(), ctx, HEADERS));
        long start = now();
        String op = operationName(operation);
        var builder = tracer.spanBuilder(model.isEmpty() ? op : op + " " + model).setParent(parent)
                .setSpanKind(SpanKind.SERVER).setStartTimestamp(start, TimeUnit.NANOSECONDS)
                .setAttribute(GenAi.OPERATION, op)
                .setAttribute(GenAi.REQUEST_ID, ctx.requestId())
                .setAttribute(GenAi.CALLER, ctx.caller().id());
        if (!model.isEmpty()) {
            builder.setAttribute(GenAi.REQUEST_MODEL, model);
        }
        if (operation.equals("chat.stream")) {
            builder.setAttribute(GenAi.STREAM, true);
        }
        ctx.attributes().put(REQUEST_SPAN, new Started(builder.startSpan(), start, op, new OpenAttempts()));
    }

    @Override
    public RequestOutcome onRequest(ChatRequest request, RequestContext ctx) {
        span(ctx, REQUEST_SPAN).map(Started::span).filter(Span::isRecording).ifPresent(s -> {
            request.maxCompletionTokens().or(request::maxTokens)
                    .ifPresent(n -> s.setAttribute(GenAi.MAX_TOKENS, (long) n));
            request.temperature().ifPresent(t -> s.setAttribute(GenAi.TEMPERATURE, t));
            request.topP().ifPresent(t -> s.setAttribute(GenAi.TOP_P, t));
            if (captureContent) {
                s.setAttribute(GenAi.INPUT_MESSAGES, GenAi.messagesJson(request.messages()));
            }
        });
        return RequestOutcome.proceed(request);
    }

    @Override
    public HookOutcome<ChatResponse> onResponse(ChatRequest request, ChatResponse response, RequestContext ctx) {
        span(ctx, REQUEST_SPAN).map(Started::span).filter(Span::isRecording).ifPresent(s -> {
            s.setAttribute(GenAi.RESPONSE_MODEL, response.model());
            s.setAttribute(GenAi.RESPONSE_ID, response.id());
            List<String> reasons = new ArrayList<>();
            for (Choice c : response.choices()) {
                c.finishReason().ifPresent(r -> reasons.add(r.value()));
            }
            s.setAttribute(GenAi.FINISH_REASONS, reasons);
            if (captureContent) {
                s.setAttribute(GenAi.OUTPUT_MESSAGES, GenAi.messagesJson(response.choices().stream()
                        .map(Choice::message).toList()));
            }
        });
        return HookOutcome.proceed(response);
    }

    @Override
    public void attemptStarted(AttemptStart start) {
        RequestContext ctx = start.context();
        Optional<Started> request = span(ctx, REQUEST_SPAN);
        if (request.isEmpty()) {
            return;
        }
        long startNanos = now();
        String op = request.get().operation();
        Span span = tracer.spanBuilder(op + " " + start.target().model())
                .setParent(Context.root().with(request.get().span()))
                .setSpanKind(SpanKind.CLIENT).setStartTimestamp(startNanos, TimeUnit.NANOSECONDS)
                .setAttribute(GenAi.OPERATION, op)
                .setAttribute(GenAi.PROVIDER, start.target().provider())
                .setAttribute(GenAi.SYSTEM, start.target().provider())
                .setAttribute(GenAi.REQUEST_MODEL, start.target().model())
                .setAttribute(GenAi.KEY_NAME, start.target().keyName())
                .setAttribute(GenAi.ATTEMPT, (long) start.number())
                .startSpan();
        request.get().attempts().put(start.number(), new Started(span, startNanos, op, request.get().attempts()));
        SpanContext sent = span.getSpanContext();
        if (sent.getTraceState().isEmpty()) {
            // what the W3C propagator writes, without its thread-local buffer (new for each request's virtual thread)
            start.setUpstreamHeader("traceparent", "00-" + sent.getTraceId() + "-" + sent.getSpanId() + "-"
                    + sent.getTraceFlags().asHex());
        } else {
            PROPAGATOR.inject(Context.root().with(span), start, AttemptStart::setUpstreamHeader);
        }
    }

    @Override
    public void attemptFinished(Attempt attempt, RequestContext ctx) {
        Optional<Started> request = span(ctx, REQUEST_SPAN);
        Optional<Started> open = request.isEmpty() ? Optional.empty() : request.get().attempts().remove(attempt.number());
        if (open.isEmpty()) {
            return;
        }
        Started started = open.get();
        Span s = started.span();
        s.setAttribute(GenAi.RETRY, (long) attempt.retry());
        s.setAttribute(GenAi.HTTP_STATUS, (long) attempt.status());
        attempt.serverAddress().ifPresent(host -> s.setAttribute(GenAi.SERVER_ADDRESS, host));
        attempt.serverPort().ifPresent(port -> s.setAttribute(GenAi.SERVER_PORT, (long) port));
        attempt.usage().ifPresent(u -> {
            s.setAttribute(GenAi.INPUT_TOKENS, u.promptTokens());
            s.setAttribute(GenAi.OUTPUT_TOKENS, u.completionTokens());
        });
        attempt.timeToFirstToken().ifPresent(t -> firstToken(s, started.startNanos(), t));
        if (!attempt.succeeded()) {
            String type = attempt.error().map(e -> e.type()).orElse(attempt.fault().name().toLowerCase(Locale.ROOT));
            s.setAttribute(GenAi.ERROR_TYPE, type);
            s.setAttribute(GenAi.FAULT, attempt.fault().name().toLowerCase(Locale.ROOT));
            s.setStatus(StatusCode.ERROR, attempt.error().map(e -> e.status() + " " + e.type()).orElse(type));
        }
        s.end(started.startNanos() + attempt.latency().toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void requestFinished(RequestSummary summary, RequestContext ctx) {
        Optional<Started> started = span(ctx, REQUEST_SPAN);
        if (started.isEmpty()) {
            return;
        }
        Span s = started.get().span();
        s.setAttribute(GenAi.HTTP_STATUS, (long) summary.status());
        s.setAttribute(GenAi.ATTEMPTS, (long) summary.attempts());
        s.setAttribute(GenAi.CACHE_HIT, summary.cached());
        summary.servedBy().ifPresent(v -> s.setAttribute(GenAi.SERVED_BY, v));
        summary.usage().ifPresent(u -> {
            s.setAttribute(GenAi.INPUT_TOKENS, u.promptTokens());
            s.setAttribute(GenAi.OUTPUT_TOKENS, u.completionTokens());
        });
        summary.timeToFirstToken().ifPresent(t -> firstToken(s, started.get().startNanos(), t));
        summary.error().ifPresent(e -> {
            s.setAttribute(GenAi.ERROR_TYPE, e.code().orElse(e.type()));
            s.setStatus(StatusCode.ERROR, e.status() + " " + e.type());
        });
        // leftover attempt spans (an attempt the core never reported) end with the request
        started.get().attempts().removeAll().forEach(a -> a.span().end());
        s.end(started.get().startNanos() + summary.latency().toNanos(), TimeUnit.NANOSECONDS);
    }

    private static void firstToken(Span s, long startNanos, Duration ttft) {
        s.setAttribute(GenAi.TIME_TO_FIRST_CHUNK, ttft.toNanos() / 1e9);
        s.addEvent(GenAi.FIRST_TOKEN_EVENT, Attributes.of(AttributeKey.doubleKey("seconds"), ttft.toNanos() / 1e9),
                startNanos + ttft.toNanos(), TimeUnit.NANOSECONDS);
    }

    private static Optional<Started> span(RequestContext ctx, String key) {
        return ctx.attributes().get(key) instanceof Started s ? Optional.of(s) : Optional.empty();
    }

    /** Exports what is queued (bounded wait) and stops the exporter thread. */
    @Override
    public void close() {
        provider.shutdown().join(5, TimeUnit.SECONDS);
    }
}
