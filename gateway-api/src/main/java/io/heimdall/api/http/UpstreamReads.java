package io.heimdall.api.http;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.GatewayError;

import java.net.SocketTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * Calling an upstream and reading its answer the way every provider must: a timeout capped by the request's deadline,
 * a body read with a size cap (a longer one is a 502
 * {@code bad_upstream_response}), stream events read one by one, and a broken read turned into the gateway's error —
 * a timeout (504) when the cause is one, else "upstream unreachable" (502). Errors name the configured provider only.
 */
public final class UpstreamReads {
    private UpstreamReads() {
    }

    /**
     * The timeout of one upstream request: the configured one, shortened to what is left before the client request's
     * deadline.
     *
     * @throws GatewayException 504 when the deadline has passed
     */
    public static Duration timeout(Duration configured, Instant now, Instant deadline, String provider) {
        Duration left = Duration.between(now, deadline);
        if (left.isNegative() || left.isZero()) {
            throw new GatewayException(GatewayError.upstreamTimeout(provider));
        }
        return left.compareTo(configured) < 0 ? left : configured;
    }

    /**
     * The whole body, at most {@code limit} bytes.
     *
     * @param provider the configured provider name, for error messages
     * @throws GatewayException 502 when the body is longer, or as {@link #failure} says when the read breaks
     */
    public static byte[] body(UpstreamResponse response, int limit, String provider) {
        byte[] body;
        try {
            body = response.readBody(limit + 1);
        } catch (GatewayException e) {
            throw e;
        } catch (RuntimeException e) {
            throw failure(e, provider);
        }
        if (body.length > limit) {
            throw new GatewayException(GatewayError.of(502, GatewayError.API_ERROR,
                    "Provider '" + provider + "' sent a response larger than " + (limit >> 20) + " MB",
                    "bad_upstream_response"));
        }
        return body;
    }

    /** The body of an error response, at most {@code limit} bytes; empty when it cannot be read. */
    public static byte[] errorBody(UpstreamResponse response, int limit) {
        try {
            return response.readBody(limit);
        } catch (RuntimeException e) {
            return new byte[0];
        }
    }

    /** The next event of a stream, or empty at its end; a broken read as {@link #failure} says. */
    public static Optional<ServerSentEvents.Event> next(ServerSentEvents events, String provider) {
        return nextBytes(events, provider).map(e -> new ServerSentEvents.Event(e.event(), e.text()));
    }

    /** As {@link #next}, with the event's data as the bytes that came. */
    public static Optional<ServerSentEvents.EventBytes> nextBytes(ServerSentEvents events, String provider) {
        if (!advance(events, provider)) {
            return Optional.empty();
        }
        ServerSentEvents.EventView view = events.view();
        return Optional.of(new ServerSentEvents.EventBytes(view.event(),
                java.util.Arrays.copyOf(view.array(), view.length())));
    }

    /** As {@link #nextBytes}, reading into the reader's own array ({@link ServerSentEvents#advance}): false at the end. */
    public static boolean advance(ServerSentEvents events, String provider) {
        try {
            return events.advance();
        } catch (GatewayException e) {
            throw e;
        } catch (RuntimeException e) {
            throw failure(e, provider);
        }
    }

    /**
     * A read that broke: a 502 {@code bad_upstream_response} for an event over {@link ServerSentEvents#MAX_EVENT_BYTES},
     * a 504 timeout when any cause is a timeout, else a 502 "upstream unreachable".
     */
    public static GatewayException failure(RuntimeException e, String provider) {
        if (e.getCause() instanceof ServerSentEvents.EventTooLargeException tooLarge) {
            return new GatewayException(GatewayError.of(502, GatewayError.API_ERROR,
                    "Provider '" + provider + "' sent " + tooLarge.getMessage(), "bad_upstream_response"), e);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof TimeoutException
                    || t.getClass().getSimpleName().contains("Timeout")) {
                return new GatewayException(GatewayError.upstreamTimeout(provider), e);
            }
        }
        return new GatewayException(GatewayError.upstreamUnreachable(provider,
                "the connection broke while reading the response"), e);
    }
}
