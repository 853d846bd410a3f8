package io.heimdall.plugin.opentelemetry;

import io.heimdall.api.route.Attempt;
import io.heimdall.api.route.Target;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;

import java.util.Locale;
import java.util.function.BiConsumer;

/**
 * The CLIENT span of one upstream attempt, a child of its request's span (attempts are siblings). Started and ended
 * under its {@link RequestSpan}'s lock.
 */
final class AttemptSpan extends SpanRecord {
    final int number;
    /** The request's next attempt span. */
    AttemptSpan next;
    private final String operation;
    private final Target target;
    boolean ended;
    private boolean reported;
    private int retry;
    private String serverAddress;
    private int serverPort = -1;
    private String fault;
    /** The span's name, made on first use (on export; the marshaler asks twice). */
    private String name;

    AttemptSpan(Scope scope, long spanId, RequestSpan request, long startNanos, String operation, Target target,
                int number) {
        super(scope, request.traceHigh, request.traceLow, spanId, request.sampled(), request.getTraceState(), request,
                startNanos);
        this.operation = operation;
        this.target = target;
        this.number = number;
    }

    @Override
    public SpanKind getKind() {
        return SpanKind.CLIENT;
    }

    /** {@code <operation> <upstream model>}. */
    @Override
    public String getName() {
        String made = name;
        if (made == null) {
            name = made = operation + " " + target.model();
        }
        return made;
    }

    /** Ends the span with what the attempt reports. */
    void finish(Attempt attempt) {
        retry = attempt.retry();
        status = attempt.status();
        serverAddress = attempt.serverAddress().orElse(null);
        serverPort = attempt.serverPort().orElse(-1);
        attempt.usage().ifPresent(this::usage);
        attempt.timeToFirstToken().ifPresent(this::firstToken);
        if (!attempt.succeeded()) {
            fault = attempt.fault().name().toLowerCase(Locale.ROOT);
            String type = attempt.error().map(e -> e.type()).orElse(fault);
            error(type, attempt.error().map(e -> e.status() + " " + e.type()).orElse(type));
        }
        endNanos = startNanos + attempt.latency().toNanos();
        ended = true;
        reported = true;
    }

    @Override
    void attributes(BiConsumer<? super AttributeKey<?>, ? super Object> each) {
        each.accept(GenAi.OPERATION, operation);
        each.accept(GenAi.PROVIDER, target.provider());
        each.accept(GenAi.SYSTEM, target.provider());
        each.accept(GenAi.REQUEST_MODEL, target.model());
        put(each, GenAi.KEY_NAME, target.keyName());
        each.accept(GenAi.ATTEMPT, (long) number);
        if (reported) {
            each.accept(GenAi.RETRY, (long) retry);
        }
        put(each, GenAi.SERVER_ADDRESS, serverAddress);
        if (serverPort >= 0) {
            each.accept(GenAi.SERVER_PORT, (long) serverPort);
        }
        put(each, GenAi.FAULT, fault);
    }
}
