package io.heimdall.plugin.opentelemetry;

import io.heimdall.api.route.Attempt;
import io.heimdall.api.route.Target;
import java.util.Locale;

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

    AttemptSpan(long spanId, RequestSpan request, long startNanos, String operation, Target target,
                int number) {
        super(request.traceHigh, request.traceLow, spanId, request.sampled(), request.getTraceState(), request,
                startNanos);
        this.operation = operation;
        this.target = target;
        this.number = number;
    }

    @Override
    int kind() {
        return Otlp.KIND_CLIENT;
    }

    /** {@code <operation> <upstream model>}. */
    @Override
    void name(ProtoBuffer b) {
        b.utf8(operation);
        b.raw((byte) ' ');
        b.utf8(target.model());
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
    void attributes(Otlp.Attributes out) {
        out.string(GenAi.OPERATION, operation);
        out.string(GenAi.PROVIDER, target.provider());
        out.string(GenAi.SYSTEM, target.provider());
        out.string(GenAi.REQUEST_MODEL, target.model());
        out.string(GenAi.KEY_NAME, target.keyName());
        out.integer(GenAi.ATTEMPT, number);
        if (reported) {
            out.integer(GenAi.RETRY, retry);
        }
        out.string(GenAi.SERVER_ADDRESS, serverAddress);
        if (serverPort >= 0) {
            out.integer(GenAi.SERVER_PORT, serverPort);
        }
        out.string(GenAi.FAULT, fault);
    }
}
