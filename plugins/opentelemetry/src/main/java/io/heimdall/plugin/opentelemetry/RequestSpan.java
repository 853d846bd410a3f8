package io.heimdall.plugin.opentelemetry;

import io.heimdall.api.observe.RequestSummary;
import io.heimdall.api.route.Attempt;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.trace.data.SpanData;

import java.util.List;
import java.util.function.BiConsumer;

/**
 * The SERVER span of one client request, and the CLIENT spans of its upstream attempts. Attempts may start and end on
 * other threads than the request's (hedging): the attempt list and the fields an attempt's end writes are guarded by
 * this object's lock; {@link #finish} seals the span (attempts reported later are ignored, attempts still open end
 * with the request), after which it is only read, by the export thread. Its attempts are a chain
 * ({@link AttemptSpan#next}) and the span is itself a link of the export queue's ({@link #queued}): no list or queue
 * node per request waits for export beside it.
 */
final class RequestSpan extends SpanRecord {
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
    /** The span's name, made on first use (on export; the marshaler asks twice). */
    private String name;
    /** The next span in the export queue (written before the span is published to it, read by its thread). */
    RequestSpan queued;

    RequestSpan(Scope scope, long traceHigh, long traceLow, long spanId, boolean sampled, TraceState traceState,
                SpanContext parent, long startNanos, String operation, String requestId, String caller,
                String requestModel, boolean stream) {
        super(scope, traceHigh, traceLow, spanId, sampled, traceState, parent, startNanos);
        this.operation = operation;
        this.requestId = requestId;
        this.caller = caller;
        this.requestModel = requestModel.isEmpty() ? null : requestModel;
        this.stream = stream;
    }

    @Override
    public SpanKind getKind() {
        return SpanKind.SERVER;
    }

    /** {@code <operation> <model>}, or the operation alone when the request named no model. */
    @Override
    public String getName() {
        String made = name;
        if (made == null) {
            name = made = requestModel == null ? operation : operation + " " + requestModel;
        }
        return made;
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

    /** How many spans {@link #addTo} adds: this one and its attempts'. */
    int spanCount() {
        return 1 + attemptSpans;
    }

    /** Adds this span and its attempt spans to an export batch (the attempts first, as they ended first). */
    void addTo(List<SpanData> batch) {
        for (AttemptSpan a = firstAttempt; a != null; a = a.next) {
            batch.add(a);
        }
        batch.add(this);
    }

    @Override
    void attributes(BiConsumer<? super AttributeKey<?>, ? super Object> each) {
        each.accept(GenAi.OPERATION, operation);
        each.accept(GenAi.REQUEST_ID, requestId);
        each.accept(GenAi.CALLER, caller);
        put(each, GenAi.REQUEST_MODEL, requestModel);
        if (stream) {
            each.accept(GenAi.STREAM, true);
        }
        if (maxTokens != NONE) {
            each.accept(GenAi.MAX_TOKENS, maxTokens);
        }
        if (temperature != null) {
            each.accept(GenAi.TEMPERATURE, temperature);
        }
        if (topP != null) {
            each.accept(GenAi.TOP_P, topP);
        }
        put(each, GenAi.INPUT_MESSAGES, inputMessages);
        put(each, GenAi.RESPONSE_MODEL, responseModel);
        put(each, GenAi.RESPONSE_ID, responseId);
        if (finishReasons != null) {
            each.accept(GenAi.FINISH_REASONS, finishReasons);
        }
        put(each, GenAi.OUTPUT_MESSAGES, outputMessages);
        each.accept(GenAi.ATTEMPTS, (long) attemptCount);
        each.accept(GenAi.CACHE_HIT, cacheHit);
        put(each, GenAi.SERVED_BY, servedBy);
    }
}
