package io.heimdall.provider.anthropic.messages;

import io.heimdall.api.GatewayException;
import io.heimdall.api.http.ServerSentEvents;
import io.heimdall.api.http.UpstreamClient;
import io.heimdall.api.http.UpstreamRequest;
import io.heimdall.api.http.UpstreamResponse;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.plugin.Secret;
import io.heimdall.api.provider.ChunkSink;
import io.heimdall.api.provider.ProviderCall;

import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeoutException;

/**
 * One Messages API call over a lent HTTP client, whatever the URL and auth: sends the request, maps an error status
 * (with {@code retry-after}) through {@link MessagesErrors}, decodes a whole Message or pumps a stream through a
 * {@link MessagesStreamTranslator} event by event, stops at the request's deadline, and replaces every secret of the
 * call's key in error messages. Safe for concurrent use.
 */
public final class MessagesExchange {
    /** Largest response body read (a longer one is a 502). */
    public static final int MAX_BODY = 32 << 20;
    private static final int MAX_ERROR_BODY = 64 << 10;

    private final String provider;
    private final UpstreamClient http;
    private final Clock clock;

    /**
     * An exchange for one provider.
     *
     * @param provider the configured provider name
     * @param http     the client the core lent for the provider's base URL
     * @param clock    the clock, for {@code created}, deadlines and retry-after dates
     */
    public MessagesExchange(String provider, UpstreamClient http, Clock clock) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.http = Objects.requireNonNull(http, "http");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Sends a non-streamed request and decodes the Message.
     *
     * @param upstream the HTTP request carrying an {@link EncodedRequest}'s body
     * @param encoded  the encoded request (for its JSON tool)
     * @param request  the canonical request (for its model)
     * @param call     the attempt (for the secrets to scrub)
     */
    public ChatResponse chat(UpstreamRequest upstream, EncodedRequest encoded, ChatRequest request,
                             ProviderCall call) {
        byte[] body = send(upstream, call, MAX_BODY);
        return MessagesResponseDecoder.decode(body, provider, request.model(), clock.instant().getEpochSecond(),
                encoded.jsonTool());
    }

    /**
     * Sends a streamed request and pushes each translated chunk into {@code sink} as its event arrives.
     *
     * @throws GatewayException for an error status or event (after the chunks before it), a broken or truncated
     *                          stream (502), or the deadline (504)
     */
    public void stream(UpstreamRequest upstream, EncodedRequest encoded, ChatRequest request, ProviderCall call,
                       ChunkSink sink) {
        Instant deadline = call.context().deadline();
        MessagesStreamTranslator translator = new MessagesStreamTranslator(provider, request.model(),
                clock.instant().getEpochSecond(), request.includeUsage(), encoded.jsonTool(), sink);
        try (UpstreamResponse response = http.send(upstream)) {
            check(response, call);
            ServerSentEvents events = new ServerSentEvents(response.body());
            while (!translator.stopped()) {
                Optional<ServerSentEvents.Event> next;
                try {
                    next = events.next();
                } catch (GatewayException e) {
                    throw scrub(e, call);
                } catch (RuntimeException e) {
                    if (translator.finished()) {
                        translator.endAfterFinish();
                        return;
                    }
                    throw readFailure(e);
                }
                if (next.isEmpty()) {
                    if (translator.finished()) {
                        translator.endAfterFinish();
                        return;
                    }
                    throw new GatewayException(GatewayError.upstreamUnreachable(provider,
                            "the stream ended before the response was complete"));
                }
                try {
                    translator.accept(next.get().event(), next.get().data());
                } catch (GatewayException e) {
                    throw scrub(e, call);
                }
                if (!translator.stopped() && clock.instant().isAfter(deadline)) {
                    throw new GatewayException(GatewayError.upstreamTimeout(provider));
                }
            }
        }
    }

    /**
     * Sends a request and reads the whole body of a 2xx answer (for {@code GET /v1/models} and the like).
     *
     * @throws GatewayException the mapped error for any other status
     */
    public byte[] send(UpstreamRequest upstream, ProviderCall call, int limit) {
        try (UpstreamResponse response = http.send(upstream)) {
            check(response, call);
            byte[] body;
            try {
                body = response.readBody(limit + 1);
            } catch (GatewayException e) {
                throw e;
            } catch (RuntimeException e) {
                throw readFailure(e);
            }
            if (body.length > limit) {
                throw Json.badUpstream(provider, "a response larger than " + (limit >> 20) + " MB");
            }
            return body;
        }
    }

    /** The configured timeout, shortened to what is left before the call's deadline; 504 if none is left. */
    public Duration timeout(Duration configured, ProviderCall call) {
        Duration left = Duration.between(clock.instant(), call.context().deadline());
        if (left.isNegative() || left.isZero()) {
            throw new GatewayException(GatewayError.upstreamTimeout(provider));
        }
        return left.compareTo(configured) < 0 ? left : configured;
    }

    private void check(UpstreamResponse response, ProviderCall call) {
        int status = response.status();
        if (status >= 200 && status < 300) {
            return;
        }
        byte[] body;
        try {
            body = response.readBody(MAX_ERROR_BODY);
        } catch (RuntimeException e) {
            body = new byte[0];
        }
        if (status < 400 || status > 599) {
            throw new GatewayException(GatewayError.of(502, GatewayError.API_ERROR, "Provider '" + provider
                    + "' answered with unexpected HTTP status " + status, "bad_upstream_response"));
        }
        Optional<Duration> retryAfter = RetryAfter.parse(response::header, clock.instant());
        throw new GatewayException(scrub(MessagesErrors.fromResponse(status, body, retryAfter, provider), call));
    }

    private GatewayException scrub(GatewayException e, ProviderCall call) {
        GatewayError scrubbed = scrub(e.error(), call);
        return scrubbed == e.error() ? e : new GatewayException(scrubbed);
    }

    /** Replaces every secret of the call's key in the message: some upstreams echo what they were sent. */
    static GatewayError scrub(GatewayError error, ProviderCall call) {
        List<Secret> secrets = new ArrayList<>(call.apiKey().map(k -> k.fields().values()).orElse(List.of()));
        call.key().ifPresent(secrets::add);
        String message = error.message();
        for (Secret s : secrets) {
            if (!s.isEmpty() && message.contains(s.reveal())) {
                message = message.replace(s.reveal(), s.masked());
            }
        }
        return message.equals(error.message()) ? error : error.withMessage(message);
    }

    private GatewayException readFailure(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof TimeoutException) {
                return new GatewayException(GatewayError.upstreamTimeout(provider), e);
            }
        }
        return new GatewayException(GatewayError.upstreamUnreachable(provider,
                "the connection broke while reading the response"), e);
    }
}
