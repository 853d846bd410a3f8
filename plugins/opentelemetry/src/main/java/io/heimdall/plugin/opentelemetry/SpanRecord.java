package io.heimdall.plugin.opentelemetry;

import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;

/**
 * A span recorded in plain fields on the request path and encoded there, once it has ended, straight into OTLP
 * protobuf ({@link #encode}): no attribute map, no lock per attribute, no span processor, and nothing but the encoded
 * bytes waits for export. It is also its own {@link SpanContext} (ids kept as numbers, their hex strings made only if
 * the propagator asks), the parent of its attempts and the source of the {@code traceparent} they send upstream.
 * Fields are written before the span is encoded and not after, so they need no synchronization of their own.
 */
abstract class SpanRecord implements SpanContext {
    /** Unset: no time to first token or token count was recorded. */
    static final long NONE = -1;

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

    SpanRecord(long traceHigh, long traceLow, long spanId, boolean sampled, TraceState traceState,
               SpanContext parent, long startNanos) {
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

    /** The span's kind: {@link Otlp#KIND_SERVER} or {@link Otlp#KIND_CLIENT}. */
    abstract int kind();

    /** Writes the span's name ({@code <operation> <model>}) as the value of a string field already begun. */
    abstract void name(ProtoBuffer b);

    /** Writes this span kind's own attributes (those of {@link #encode} before the common ones). */
    abstract void attributes(Otlp.Attributes out);

    /**
     * Appends this span to {@code b} as one {@code ScopeSpans.spans} field: ids, parent, name, kind, times, the
     * attributes, the {@code gen_ai.first_token} event, the error status and the flags, as the SDK's marshaler writes
     * them.
     */
    final void encode(ProtoBuffer b) {
        int span = b.beginWide(Otlp.SPANS);
        b.tag(Otlp.TRACE_ID, ProtoBuffer.LEN);
        b.varint(16);
        b.bigEndian(traceHigh);
        b.bigEndian(traceLow);
        b.tag(Otlp.SPAN_ID, ProtoBuffer.LEN);
        b.varint(8);
        b.bigEndian(spanId);
        if (!traceState.isEmpty()) {
            b.stringField(Otlp.TRACE_STATE, w3c(traceState));
        }
        if (parent.isValid()) {
            b.tag(Otlp.PARENT_SPAN_ID, ProtoBuffer.LEN);
            b.varint(8);
            b.bigEndian(parent instanceof SpanRecord local ? local.spanId : HexIds.parse(parent.getSpanId(), 0));
        }
        int name = b.begin(Otlp.NAME);
        name(b);
        b.end(name);
        b.varintField(Otlp.KIND, kind());
        b.fixed64Field(Otlp.START_TIME, startNanos);
        b.fixed64Field(Otlp.END_TIME, endNanos);
        Otlp.Attributes out = new Otlp.Attributes(b, Otlp.SPAN_ATTRIBUTES);
        attributes(out);
        if (status != 0) {
            out.integer(GenAi.HTTP_STATUS, status);
        }
        if (inputTokens != NONE) {
            out.integer(GenAi.INPUT_TOKENS, inputTokens);
        }
        if (outputTokens != NONE) {
            out.integer(GenAi.OUTPUT_TOKENS, outputTokens);
        }
        if (timeToFirstTokenNanos != NONE) {
            out.decimal(GenAi.TIME_TO_FIRST_CHUNK, timeToFirstTokenNanos / 1e9);
        }
        out.string(GenAi.ERROR_TYPE, errorType);
        if (timeToFirstTokenNanos != NONE) {
            int event = b.begin(Otlp.EVENTS);
            b.fixed64Field(Otlp.EVENT_TIME, startNanos + timeToFirstTokenNanos);
            b.stringField(Otlp.EVENT_NAME, GenAi.FIRST_TOKEN_EVENT);
            new Otlp.Attributes(b, Otlp.EVENT_ATTRIBUTES).decimal(GenAi.SECONDS, timeToFirstTokenNanos / 1e9);
            b.end(event);
        }
        if (errorDescription != null) {
            int s = b.begin(Otlp.STATUS);
            b.stringField(Otlp.STATUS_MESSAGE, errorDescription);
            b.varintField(Otlp.STATUS_CODE, Otlp.STATUS_ERROR);
            b.end(s);
        }
        b.tag(Otlp.FLAGS, ProtoBuffer.I32);
        b.fixed32((sampled ? 1 : 0) | Otlp.HAS_IS_REMOTE | (parent.isRemote() ? Otlp.IS_REMOTE : 0));
        b.endWide(span);
    }

    /** A trace state in its W3C header form, as the SDK's marshaler writes it: comma-separated {@code key=value}s. */
    private static String w3c(TraceState state) {
        StringBuilder text = new StringBuilder();
        state.forEach((k, v) -> text.append(text.isEmpty() ? "" : ",").append(k).append('=').append(v));
        return text.toString();
    }

    // ---- SpanContext ----

    @Override
    public final String getTraceId() {
        return HexIds.hex(traceHigh, traceLow);
    }

    @Override
    public final String getSpanId() {
        return HexIds.hex(spanId);
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
}
