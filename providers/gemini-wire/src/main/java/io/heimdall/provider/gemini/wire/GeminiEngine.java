package io.heimdall.provider.gemini.wire;

import com.fasterxml.jackson.databind.JsonNode;
import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.http.ServerSentEvents;
import io.heimdall.api.http.UpstreamClient;
import io.heimdall.api.http.UpstreamRequest;
import io.heimdall.api.http.UpstreamResponse;
import io.heimdall.api.provider.ChunkSink;
import io.heimdall.api.provider.ProviderCall;

import java.net.SocketTimeoutException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * Talks to one Gemini-format endpoint (Google AI Studio or Vertex AI): sends canonical chat requests as
 * {@code :generateContent} / {@code :streamGenerateContent?alt=sse}, translates answers, streams (chunk by chunk, no
 * buffering) and Google error bodies back, and never shows a credential in an error. The caller supplies the model's
 * path and the auth headers, which is all that differs between the two. Safe for concurrent use.
 */
public final class GeminiEngine {
    /** Largest response body read. */
    static final int MAX_BODY = 64 << 20;
    private static final int MAX_ERROR_BODY = 64 << 10;

    /** The credential headers of one attempt (an API key header, or an OAuth bearer token). */
    @FunctionalInterface
    public interface Auth {
        /**
         * The headers carrying the credential for this attempt; they are never logged nor shown in an error.
         *
         * @throws GatewayException 401 when no credential is available
         */
        Map<String, String> headers(ProviderCall call);
    }

    private final String name;
    private final UpstreamClient http;
    private final Clock clock;
    private final Duration timeout;
    private final Auth auth;
    private final boolean callIds;

    /**
     * Creates an engine.
     *
     * @param name    the configured provider name, for messages
     * @param http    the pooled client for the endpoint's base URL
     * @param clock   the gateway clock
     * @param timeout how long to wait for response headers and between reads (capped by each request's deadline)
     * @param auth    the credential headers per attempt
     */
    public GeminiEngine(String name, UpstreamClient http, Clock clock, Duration timeout, Auth auth) {
        this(name, http, clock, timeout, auth, true);
    }

    /**
     * Creates an engine.
     *
     * @param callIds whether function calls and responses may carry an {@code id} back upstream: the Gemini Developer
     *                API has the field, Vertex AI v1 does not (and rejects it), so there calls match by name only
     */
    public GeminiEngine(String name, UpstreamClient http, Clock clock, Duration timeout, Auth auth, boolean callIds) {
        this.name = name;
        this.http = http;
        this.clock = clock;
        this.timeout = timeout;
        this.auth = auth;
        this.callIds = callIds;
    }

    /**
     * Answers a chat request with {@code POST {modelPath}:generateContent}.
     *
     * @param modelPath the model's path, for example {@code /v1beta/models/gemini-2.5-flash}
     */
    public ChatResponse chat(ChatRequest request, ProviderCall call, String modelPath) {
        byte[] body = Json.bytes(GeminiRequests.encode(request, name, callIds));
        byte[] answer = post(modelPath + ":generateContent", body, call);
        return GeminiResponses.decode(Json.upstream(answer, name), request.model(), name, newId(),
                clock.instant().getEpochSecond());
    }

    /**
     * Streams a chat request with {@code POST {modelPath}:streamGenerateContent?alt=sse}, pushing each chunk into the
     * sink as its event arrives.
     */
    public void stream(ChatRequest request, ProviderCall call, String modelPath, ChunkSink sink) {
        byte[] body = Json.bytes(GeminiRequests.encode(request, name, callIds));
        Map<String, String> headers = headers(call, "text/event-stream");
        UpstreamRequest req = UpstreamRequest.postJson(modelPath + ":streamGenerateContent?alt=sse", headers, body,
                timeout(call));
        GeminiStream translator = new GeminiStream(request, newId(), clock.instant().getEpochSecond());
        try (UpstreamResponse response = http.send(req)) {
            check(response, headers);
            ServerSentEvents events = new ServerSentEvents(response.body());
            while (true) {
                Optional<ServerSentEvents.Event> next = read(events);
                if (next.isEmpty()) {
                    break;
                }
                String data = next.get().data().strip();
                if (data.isEmpty() || data.equals("[DONE]")) {
                    continue;
                }
                JsonNode event = Json.parse(data).orElseThrow(() -> new GatewayException(GatewayError.of(502,
                        GatewayError.API_ERROR, "Provider '" + name + "' sent a stream event that is not JSON",
                        "bad_upstream_response")));
                JsonNode error = GeminiErrors.errorNode(event);
                if (error.isObject()) {
                    throw new GatewayException(scrub(GeminiErrors.fromErrorObject(error, 502, name), headers));
                }
                for (ChatChunk chunk : translator.onEvent(event, name)) {
                    sink.accept(chunk);
                }
            }
        }
        if (!translator.finished()) {
            throw new GatewayException(GatewayError.upstreamUnreachable(name,
                    "the stream ended before the response was complete"));
        }
        translator.usageChunk().ifPresent(sink::accept);
    }

    /**
     * Sends a JSON POST and returns the body of a 2xx answer.
     *
     * @throws GatewayException the mapped Google error for any other status
     */
    public byte[] post(String path, byte[] json, ProviderCall call) {
        Map<String, String> headers = headers(call, "application/json");
        return send(UpstreamRequest.postJson(path, headers, json, timeout(call)), headers);
    }

    /** Sends a GET and returns the body of a 2xx answer. */
    public byte[] get(String path, ProviderCall call) {
        Map<String, String> headers = headers(call, "application/json");
        return send(UpstreamRequest.get(path, headers, timeout(call)), headers);
    }

    private byte[] send(UpstreamRequest req, Map<String, String> headers) {
        try (UpstreamResponse response = http.send(req)) {
            check(response, headers);
            byte[] body;
            try {
                body = response.readBody(MAX_BODY + 1);
            } catch (GatewayException e) {
                throw e;
            } catch (RuntimeException e) {
                throw readFailure(e);
            }
            if (body.length > MAX_BODY) {
                throw new GatewayException(GatewayError.of(502, GatewayError.API_ERROR, "Provider '" + name
                        + "' sent a response larger than " + (MAX_BODY >> 20) + " MB", "bad_upstream_response"));
            }
            return body;
        }
    }

    private Map<String, String> headers(ProviderCall call, String accept) {
        Map<String, String> headers = new LinkedHashMap<>(auth.headers(call));
        headers.put("Accept", accept);
        return headers;
    }

    private void check(UpstreamResponse response, Map<String, String> headers) {
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
        GatewayError error = GeminiErrors.fromHttp(status, body, response.header("retry-after"), name,
                clock.instant());
        throw new GatewayException(scrub(error, headers));
    }

    /** Replaces any credential the upstream echoed in its message. */
    private static GatewayError scrub(GatewayError error, Map<String, String> headers) {
        String message = error.message();
        List<String> secrets = new ArrayList<>();
        for (String value : headers.values()) {
            secrets.add(value);
            if (value.startsWith("Bearer ")) {
                secrets.add(value.substring(7));
            }
        }
        for (String s : secrets) {
            if (s.length() >= 4 && !s.contains("/") && message.contains(s)) {
                message = message.replace(s, "****");
            }
        }
        return message.equals(error.message()) ? error : error.withMessage(message);
    }

    private Duration timeout(ProviderCall call) {
        Duration left = Duration.between(clock.instant(), call.context().deadline());
        if (left.isNegative() || left.isZero()) {
            throw new GatewayException(GatewayError.upstreamTimeout(name));
        }
        return left.compareTo(timeout) < 0 ? left : timeout;
    }

    private Optional<ServerSentEvents.Event> read(ServerSentEvents events) {
        try {
            return events.next();
        } catch (GatewayException e) {
            throw e;
        } catch (RuntimeException e) {
            throw readFailure(e);
        }
    }

    private GatewayException readFailure(RuntimeException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof TimeoutException) {
                return new GatewayException(GatewayError.upstreamTimeout(name), e);
            }
        }
        return new GatewayException(GatewayError.upstreamUnreachable(name,
                "the connection broke while reading the response"), e);
    }

    private static String newId() {
        return "chatcmpl-" + UUID.randomUUID().toString().replace("-", "");
    }

    @Override
    public String toString() {
        return "GeminiEngine[" + name + "]";
    }
}
