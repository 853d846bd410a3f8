package io.heimdall.plugin.opentelemetry;

import io.heimdall.api.observe.RequestSummary;
import io.heimdall.api.route.Attempt;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceState;

import java.util.List;

/**
 * The SERVER span of one client request, and the CLIENT spans of its upstream attempts. Attempts may start and end on
 * other threads than the request's (hedging): the attempt list and the fields an attempt's end writes are guarded by
 * this object's lock; {@link #finish} seals the span (attempts reported later are ignored, attempts still open end
 * with the request), after which it is only read, to be {@linkplain #encode encoded} with its attempts on the request's
 * thread. Its attempts are a chain ({@link AttemptSpan#next}): no list per request.
 */
final class RequestSpan extends SpanRecord {
    /**
     * Room per span in a request's buffer: a chat request's span and its attempt's take about 1 KB together, so two
     * spans fit without the buffer growing.
     */
    private static final int ENCODED_SIZE = 640;
    final String operation;
    private final String requestId;
    private final String caller;
    private final String requestModel;
    private final boolean stream;
    long maxTokens = NONE;
    Double temperature;
    Double topP;
    String inputMessages;
    String responseModel;
    String responseId;
    List<String> finishReasons;
    String outputMessages;
    private int attemptCount;
    private boolean cacheHit;
    private String servedBy;
    private AttemptSpan firstAttempt;
    private AttemptSpan lastAttempt;
    private int attemptSpans;
    private boolean sealed;

    RequestSpan(long traceHigh, long traceLow, long spanId, boolean sampled, TraceState traceState,
                SpanContext parent, long startNanos, String operation, String requestId, String caller,
                String requestModel, boolean stream) {
        super(traceHigh, traceLow, spanId, sampled, traceState, parent, startNanos);
        this.operation = operation;
        this.requestId = requestId;
        this.caller = caller;
        this.requestModel = requestModel.isEmpty() ? null : requestModel;
        this.stream = stream;
    }

    @Override
    int kind() {
        return Otlp.KIND_SERVER;
    }

    /** {@code <operation> <model>}, or the operation alone when the request named no model. */
    @Override
    void name(ProtoBuffer b) {
        b.utf8(operation);
        if (requestModel != null) {
            b.raw((byte) ' ');
            b.utf8(requestModel);
        }
    }

    /** Adds a started attempt (ignored once the request has ended). */
    synchronized void add(AttemptSpan attempt) {
        if (!sealed) {
            if (lastAttempt == null) {
                firstAttempt = attempt;
            } else {
                lastAttempt.next = attempt;
            }
            lastAttempt = attempt;
            attemptSpans++;
        }
    }

    /** Ends the open attempt span of {@code attempt}'s number with what it reports; false if there is none. */
    synchronized boolean finish(Attempt attempt) {
        if (sealed) {
            return false;
        }
        for (AttemptSpan a = firstAttempt; a != null; a = a.next) {
            if (a.number == attempt.number() && !a.ended) {
                a.finish(attempt);
                return true;
            }
        }
        return false;
    }

    /** Ends the request span with its summary; attempt spans still open end with it. */
    synchronized void finish(RequestSummary summary) {
        status = summary.status();
        attemptCount = summary.attempts();
        cacheHit = summary.cached();
        servedBy = summary.servedBy().orElse(null);
        summary.usage().ifPresent(this::usage);
        summary.timeToFirstToken().ifPresent(this::firstToken);
        summary.error().ifPresent(e -> error(e.code().orElse(e.type()), e.status() + " " + e.type()));
        endNanos = startNanos + summary.latency().toNanos();
        for (AttemptSpan a = firstAttempt; a != null; a = a.next) {
            if (!a.ended) {
                a.endNanos = endNanos;
                a.ended = true;
            }
        }
        sealed = true;
    }

    /**
     * This sealed span and its attempt spans (the attempts first, as they ended first) encoded as OTLP
     * {@code ScopeSpans.spans} fields, ready to be sent in any export.
     */
    EncodedSpans encode() {
        ProtoBuffer b = new ProtoBuffer(ENCODED_SIZE * (1 + attemptSpans));
        for (AttemptSpan a = firstAttempt; a != null; a = a.next) {
            a.encode(b);
        }
        encode(b);
        return new EncodedSpans(b.array(), b.length(), 1 + attemptSpans);
    }

    @Override
    void attributes(Otlp.Attributes out) {
        out.string(GenAi.OPERATION, operation);
        out.string(GenAi.REQUEST_ID, requestId);
        out.string(GenAi.CALLER, caller);
        out.string(GenAi.REQUEST_MODEL, requestModel);
        if (stream) {
            out.bool(GenAi.STREAM, true);
        }
        if (maxTokens != NONE) {
            out.integer(GenAi.MAX_TOKENS, maxTokens);
        }
        if (temperature != null) {
            out.decimal(GenAi.TEMPERATURE, temperature);
        }
        if (topP != null) {
            out.decimal(GenAi.TOP_P, topP);
        }
        out.string(GenAi.INPUT_MESSAGES, inputMessages);
        out.string(GenAi.RESPONSE_MODEL, responseModel);
        out.string(GenAi.RESPONSE_ID, responseId);
        if (finishReasons != null) {
            out.strings(GenAi.FINISH_REASONS, finishReasons);
        }
        out.string(GenAi.OUTPUT_MESSAGES, outputMessages);
        out.integer(GenAi.ATTEMPTS, attemptCount);
        out.bool(GenAi.CACHE_HIT, cacheHit);
        out.string(GenAi.SERVED_BY, servedBy);
    }
}
