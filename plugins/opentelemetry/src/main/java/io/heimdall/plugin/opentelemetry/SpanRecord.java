package io.heimdall.plugin.opentelemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationLibraryInfo;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.data.StatusData;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * A span recorded in plain fields on the request path and handed to the SDK's OTLP exporter as {@link SpanData}: the
 * request thread only stores strings and numbers (no attribute map, no lock per attribute, no span processor); the
 * export thread reads them through this object, which is also its own {@link Attributes} view ({@link #forEach} walks
 * the fields, which is all the exporter's marshaler asks of attributes) and its own {@link SpanContext} (ids kept as
 * numbers, their hex strings made on export: a span waiting for export is a few objects for a young collection to
 * copy, not a dozen). Fields are written before the span is queued for export and only read after, so they need no
 * synchronization of their own.
 */
abstract class SpanRecord implements SpanData, Attributes, SpanContext {
    /** What every span of one plugin instance shares: the resource and the instrumentation scope. */
    record Scope(Resource resource, InstrumentationScopeInfo scope, InstrumentationLibraryInfo library) {
        static Scope of(Resource resource, String name) {
            return new Scope(resource, InstrumentationScopeInfo.create(name), InstrumentationLibraryInfo.create(name,
                    null));
        }
    }

    /** Unset: no time to first token or token count was recorded. */
    static final long NONE = -1;
    private static final AttributeKey<Double> SECONDS = AttributeKey.doubleKey("seconds");

    private final Scope scope;
    final long traceHigh;
    final long traceLow;
    final long spanId;
    private final boolean sampled;
    private final TraceState traceState;
    private final SpanContext parent;
    final long startNanos;
    long endNanos;
    long timeToFirstTokenNanos = NONE;
    String errorType;
    String errorDescription;
    long inputTokens = NONE;
    long outputTokens = NONE;
    int status;
    private int size = -1;
    /**
     * The ids' hex strings, made on first use and kept: the exporter's marshaler asks for each id in its size pass and
     * again in its write pass (and the attempt spans for their parent's). First used on the export thread (on the
     * request path only for a {@code tracestate} to propagate), so they do not wait for export with the span.
     * Written without synchronization: a string is safely published, and two threads at worst make it twice.
     */
    private String traceIdHex;
    private String spanIdHex;

    SpanRecord(Scope scope, long traceHigh, long traceLow, long spanId, boolean sampled, TraceState traceState,
               SpanContext parent, long startNanos) {
        this.scope = scope;
        this.traceHigh = traceHigh;
        this.traceLow = traceLow;
        this.spanId = spanId;
        this.sampled = sampled;
        this.traceState = traceState;
        this.parent = parent;
        this.startNanos = startNanos;
        this.endNanos = startNanos;
    }

    /** Whether this span is recorded and exported (its trace is sampled). */
    final boolean sampled() {
        return sampled;
    }

    /** The span's own context (this object): what goes upstream in {@code traceparent}, and a child's parent. */
    final SpanContext context() {
        return this;
    }

    /** Records a time to first token: an attribute and a {@code gen_ai.first_token} event. */
    final void firstToken(java.time.Duration ttft) {
        timeToFirstTokenNanos = ttft.toNanos();
    }

    /** Records the usage's token counts. */
    final void usage(io.heimdall.api.model.Usage u) {
        inputTokens = u.promptTokens();
        outputTokens = u.completionTokens();
    }

    /** Records a failure: {@code error.type} and the span's ERROR status with {@code description}. */
    final void error(String type, String description) {
        errorType = type;
        errorDescription = description;
    }

    /** Calls {@code each} with this span kind's own attributes (those of {@link #forEach} before the common ones). */
    abstract void attributes(BiConsumer<? super AttributeKey<?>, ? super Object> each);

    // ---- SpanContext ----

    @Override
    public final String getTraceId() {
        if (parent instanceof SpanRecord local) {
            return local.getTraceId(); // a local parent's trace is this span's: one string for the request's spans
        }
        String hex = traceIdHex;
        if (hex == null) {
            traceIdHex = hex = HexIds.hex(traceHigh, traceLow);
        }
        return hex;
    }

    @Override
    public final String getSpanId() {
        String hex = spanIdHex;
        if (hex == null) {
            spanIdHex = hex = HexIds.hex(spanId);
        }
        return hex;
    }

    @Override
    public final TraceFlags getTraceFlags() {
        return sampled ? TraceFlags.getSampled() : TraceFlags.getDefault();
    }

    @Override
    public final TraceState getTraceState() {
        return traceState;
    }

    @Override
    public final boolean isSampled() {
        return sampled;
    }

    @Override
    public final boolean isValid() {
        return true; // ids are random and non-zero
    }

    @Override
    public final boolean isRemote() {
        return false;
    }

    // ---- SpanData (read on the export thread) ----

    @Override
    public final SpanContext getSpanContext() {
        return this;
    }

    @Override
    public final SpanContext getParentSpanContext() {
        return parent;
    }

    @Override
    public final StatusData getStatus() {
        return errorDescription == null ? StatusData.unset() : StatusData.create(StatusCode.ERROR, errorDescription);
    }

    @Override
    public final long getStartEpochNanos() {
        return startNanos;
    }

    @Override
    public final Attributes getAttributes() {
        return this;
    }

    @Override
    public final List<EventData> getEvents() {
        return timeToFirstTokenNanos == NONE ? List.of() : List.of(EventData.create(startNanos + timeToFirstTokenNanos,
                GenAi.FIRST_TOKEN_EVENT, Attributes.of(SECONDS, timeToFirstTokenNanos / 1e9)));
    }

    @Override
    public final List<LinkData> getLinks() {
        return List.of();
    }

    @Override
    public final long getEndEpochNanos() {
        return endNanos;
    }

    @Override
    public final boolean hasEnded() {
        return true;
    }

    @Override
    public final int getTotalRecordedEvents() {
        return timeToFirstTokenNanos == NONE ? 0 : 1;
    }

    @Override
    public final int getTotalRecordedLinks() {
        return 0;
    }

    @Override
    public final int getTotalAttributeCount() {
        return size();
    }

    @Override
    @SuppressWarnings("deprecation")
    public final InstrumentationLibraryInfo getInstrumentationLibraryInfo() {
        return scope.library();
    }

    @Override
    public final InstrumentationScopeInfo getInstrumentationScopeInfo() {
        return scope.scope();
    }

    @Override
    public final Resource getResource() {
        return scope.resource();
    }

    // ---- Attributes (a view of the fields, read on the export thread) ----

    @Override
    public final void forEach(BiConsumer<? super AttributeKey<?>, ? super Object> each) {
        attributes(each);
        if (status != 0) {
            each.accept(GenAi.HTTP_STATUS, (long) status);
        }
        if (inputTokens != NONE) {
            each.accept(GenAi.INPUT_TOKENS, inputTokens);
        }
        if (outputTokens != NONE) {
            each.accept(GenAi.OUTPUT_TOKENS, outputTokens);
        }
        if (timeToFirstTokenNanos != NONE) {
            each.accept(GenAi.TIME_TO_FIRST_CHUNK, timeToFirstTokenNanos / 1e9);
        }
        if (errorType != null) {
            each.accept(GenAi.ERROR_TYPE, errorType);
        }
    }

    @Override
    public final int size() {
        if (size < 0) {
            int[] n = {0};
            forEach((k, v) -> n[0]++);
            size = n[0];
        }
        return size;
    }

    @Override
    public final boolean isEmpty() {
        return size() == 0;
    }

    @Override
    @SuppressWarnings("unchecked")
    public final <T> T get(AttributeKey<T> key) {
        Object[] found = {null};
        forEach((k, v) -> {
            if (k.equals(key)) {
                found[0] = v;
            }
        });
        return (T) found[0];
    }

    @Override
    public final Map<AttributeKey<?>, Object> asMap() {
        Map<AttributeKey<?>, Object> map = new LinkedHashMap<>();
        forEach(map::put);
        return map;
    }

    @Override
    @SuppressWarnings("unchecked")
    public final AttributesBuilder toBuilder() {
        AttributesBuilder builder = Attributes.builder();
        forEach((k, v) -> builder.put((AttributeKey<Object>) k, v));
        return builder;
    }

    @Override
    public String toString() {
        return "SpanRecord[" + getName() + " " + getTraceId() + "/" + getSpanId() + " " + asMap() + "]";
    }

    /** Adds a string attribute when it has a value. */
    static void put(BiConsumer<? super AttributeKey<?>, ? super Object> each, AttributeKey<String> key, String value) {
        if (value != null) {
            each.accept(key, value);
        }
    }
}
