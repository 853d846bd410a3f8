package io.heimdall.provider.openai;

import io.heimdall.api.GatewayException;
import io.heimdall.api.http.ServerSentEvents;
import io.heimdall.api.http.UpstreamClient;
import io.heimdall.api.http.UpstreamRequest;
import io.heimdall.api.http.UpstreamReads;
import io.heimdall.api.http.UpstreamResponse;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.Secret;
import io.heimdall.api.provider.Capability;
import io.heimdall.api.provider.ChunkSink;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.api.wire.OpenAiWire;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The OpenAI wire provider behind both factories: chat, streaming, embeddings and model listing over the HTTP client
 * and JSON codec the core lends. Stateless apart from its settings, so safe for concurrent use.
 */
final class OpenAiProvider implements Provider {
    /** Default of the {@code timeout} key. */
    static final String DEFAULT_TIMEOUT = "60s";

    /** Largest chat or model-list body read (a longer one is a 502). */
    static final int MAX_BODY = 32 << 20;
    /** Largest embeddings body read: thousands of inputs of thousands of floats as JSON text. */
    static final int MAX_EMBEDDING_BODY = 256 << 20;
    /** How much of an error body is read. */
    static final int MAX_ERROR_BODY = 64 << 10;

    private static final Set<Capability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.of(
            Capability.CHAT, Capability.STREAMING, Capability.TOOLS, Capability.VISION, Capability.JSON_MODE,
            Capability.EMBEDDINGS, Capability.MODEL_LISTING, Capability.REASONING));

    /** The error types of {@link GatewayError}; an upstream's other types are mapped onto them. */
    private static final Set<String> KNOWN_TYPES = Set.of(GatewayError.INVALID_REQUEST, GatewayError.AUTHENTICATION,
            GatewayError.PERMISSION, GatewayError.NOT_FOUND, GatewayError.RATE_LIMIT, GatewayError.API_ERROR,
            GatewayError.TIMEOUT);

    /** Request headers a hook must not set: the HTTP client owns them. */
    private static final Set<String> HOP_BY_HOP = Set.of("host", "content-length", "connection", "transfer-encoding",
            "keep-alive", "upgrade", "te", "trailer", "proxy-authorization", "proxy-connection");

    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final byte[] ERROR_MEMBER = "\"error\"".getBytes(StandardCharsets.US_ASCII);

    private final String name;
    private final UpstreamClient http;
    private final OpenAiWire wire;
    private final Clock clock;
    private final Duration timeout;
    private final Map<String, String> staticHeaders;
    private final boolean keyRequired;
    private final System.Logger log;
    private final Flavor flavor;

    OpenAiProvider(String name, UpstreamClient http, OpenAiWire wire, Clock clock, Duration timeout,
                   Map<String, String> staticHeaders, boolean keyRequired, System.Logger log, Flavor flavor) {
        this.flavor = flavor;
        this.name = name;
        this.http = http;
        this.wire = wire;
        this.clock = clock;
        this.timeout = timeout;
        this.staticHeaders = staticHeaders;
        this.keyRequired = keyRequired;
        this.log = log;
    }

    /**
     * Reads and validates an entry's config and builds the provider. No network call is made.
     *
     * @param openAi      whether this is type {@code openai} (default base URL, organization and project headers)
     * @param keyRequired whether a request without a key is refused before it is sent
     */
    static OpenAiProvider create(PluginConfig config, PluginContext context, boolean openAi, boolean keyRequired) {
        return create(config, context, openAi ? Optional.of(OpenAiProviderFactory.DEFAULT_BASE_URL) : Optional.empty(),
                openAi, keyRequired, Flavor.OPENAI);
    }

    /**
     * Reads and validates an entry's config and builds a provider of a flavor. No network call is made.
     *
     * @param defaultBaseUrl the base URL when config has none
     * @param openAi         whether to read OpenAI's organization and project keys
     * @param keyRequired    whether a request without a credential is refused before it is sent
     * @param flavor         how the service differs from OpenAI
     */
    static OpenAiProvider create(PluginConfig config, PluginContext context, Optional<String> defaultBaseUrl,
                                 boolean openAi, boolean keyRequired, Flavor flavor) {
        String baseUrl = normaliseBaseUrl(config.string("base-url").or(() -> defaultBaseUrl)
                .orElseThrow(() -> new IllegalArgumentException("base-url is required")));
        Duration timeout = config.duration("timeout").orElse(Duration.ofSeconds(60));
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        Map<String, String> headers = new LinkedHashMap<>();
        config.child("headers").ifPresent(child -> {
            for (String header : child.keys()) {
                String value = child.string(header).orElse("");
                if (value.contains("${")) {
                    value = context.resolveSecret(value).reveal();
                }
                checkHeader(header, value, "headers." + header);
                put(headers, header, value);
            }
        });
        if (openAi) {
            config.string("organization").filter(s -> !s.isBlank()).ifPresent(org -> {
                checkHeader("OpenAI-Organization", org, "organization");
                put(headers, "OpenAI-Organization", org.strip());
            });
            config.string("project").filter(s -> !s.isBlank()).ifPresent(project -> {
                checkHeader("OpenAI-Project", project, "project");
                put(headers, "OpenAI-Project", project.strip());
            });
        }
        return new OpenAiProvider(context.name(), context.http(baseUrl), context.openAiWire(), context.clock(),
                timeout, Collections.unmodifiableMap(headers), keyRequired, context.logger(), flavor);
    }

    /** Strips trailing slashes and checks that the URL is absolute http(s) without query or fragment. */
    static String normaliseBaseUrl(String raw) {
        String url = raw.strip();
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("base-url is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("base-url must be an absolute http or https URL"
                    + (uri.getRawUserInfo() == null ? ": " + url : ""));
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("base-url must not have a query or fragment");
        }
        return url;
    }

    private static void checkHeader(String header, String value, String key) {
        if (!TOKEN.matcher(header).matches()) {
            throw new IllegalArgumentException(key + ": not a valid HTTP header name");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException(key + ": header values must not contain line breaks");
            }
        }
    }

    /** Puts a header, replacing one of the same name in any letter case. */
    static void put(Map<String, String> headers, String header, String value) {
        for (Iterator<String> it = headers.keySet().iterator(); it.hasNext(); ) {
            if (it.next().equalsIgnoreCase(header)) {
                it.remove();
            }
        }
        headers.put(header, value);
    }

    @Override
    public ChatResponse chat(ChatRequest request, ProviderCall call) {
        return wire.decodeChatResponse(chatOpenAiJson(request, call));
    }

    /** Every flavor's answers are OpenAI JSON that {@link #chat} decodes as they are (no flavor adapts responses). */
    @Override
    public boolean answersInOpenAiJson() {
        return true;
    }

    @Override
    public byte[] chatOpenAiJson(ChatRequest request, ProviderCall call) {
        ChatRequest upstream = flavor.adapt(request.stream()
                ? request.toBuilder().stream(false).streamOptions(null).build() : request, name);
        UpstreamRequest req = UpstreamRequest.postJson(flavor.chatPath(upstream.model()),
                headers(call, "application/json"),
                wire.encodeChatRequest(upstream), timeout(call));
        try (UpstreamResponse response = http.send(req)) {
            checkStatus(response, call, req);
            return UpstreamReads.body(response, MAX_BODY, name);
        }
    }

    @Override
    public void stream(ChatRequest request, ProviderCall call, ChunkSink sink) {
        ChatRequest upstream = flavor.adapt(request.stream() ? request : request.toBuilder().stream(true).build(),
                name);
        UpstreamRequest req = UpstreamRequest.postJson(flavor.chatPath(upstream.model()),
                headers(call, "text/event-stream"),
                wire.encodeChatRequest(upstream), timeout(call));
        Instant deadline = call.context().deadline();
        try (UpstreamResponse response = http.send(req)) {
            checkStatus(response, call, req);
            ServerSentEvents events = new ServerSentEvents(response.body());
            boolean relay = flavor.chunksAsSent() && sink.takesOpenAiJson();
            boolean finished = false;
            ServerSentEvents.EventView event = events.view();
            while (true) {
                try {
                    if (!UpstreamReads.advance(events, name)) {
                        break;
                    }
                } catch (GatewayException e) {
                    if (finished) {
                        // The answer was complete; only [DONE] (or a usage chunk) was lost with the connection.
                        return;
                    }
                    throw e;
                }
                if (event.isBlank()) {
                    continue;
                }
                if (event.is("[DONE]")) {
                    return;
                }
                if ("error".equals(event.event()) || startsWithErrorMember(event.array(), event.length())) {
                    throw streamError(event.text(), call);
                }
                ChunkSink.JsonChunk relayed = relay ? sink.acceptOpenAiJson(event.array(), event.length())
                        : ChunkSink.JsonChunk.DECODE;
                if (relayed != ChunkSink.JsonChunk.DECODE) {
                    finished |= relayed == ChunkSink.JsonChunk.FINISHED;
                    checkDeadline(finished, deadline);
                    continue;
                }
                String data = event.text();
                ChatChunk chunk;
                try {
                    chunk = wire.decodeChunk(data);
                } catch (GatewayException e) {
                    if (data.contains("\"error\"")) {
                        throw streamError(data, call);
                    }
                    throw e;
                }
                if (chunk.choices().isEmpty() && chunk.usage().isEmpty() && chunk.extra().containsKey("error")) {
                    throw streamError(data, call);
                }
                for (ChatChunk adapted : flavor.adaptChunk(chunk, request)) {
                    for (ChunkChoice choice : adapted.choices()) {
                        if (choice.finishReason().isPresent()) {
                            finished = true;
                        }
                    }
                    sink.accept(adapted);
                }
                checkDeadline(finished, deadline);
            }
            if (finished) {
                // Some compatible servers close after the last chunk without sending [DONE].
                return;
            }
            throw new GatewayException(GatewayError.upstreamUnreachable(name,
                    "the stream ended before the response was complete"));
        }
    }

    /** A stream that has not finished by the request's deadline is an upstream timeout. */
    private void checkDeadline(boolean finished, Instant deadline) {
        if (!finished && clock.instant().isAfter(deadline)) {
            throw new GatewayException(GatewayError.upstreamTimeout(name));
        }
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, ProviderCall call) {
        // Always ask for floats: the core re-encodes base64 for a client that asked for it.
        EmbeddingRequest upstream = flavor.adapt(new EmbeddingRequest(request.model(), request.input(),
                request.singleInput(),
                Optional.of("float"), request.dimensions(), request.user(), request.extra()), name);
        UpstreamRequest req = UpstreamRequest.postJson(flavor.embeddingsPath(upstream.model()),
                headers(call, "application/json"),
                wire.encodeEmbeddingRequest(upstream), timeout(call));
        try (UpstreamResponse response = http.send(req)) {
            checkStatus(response, call, req);
            return wire.decodeEmbeddingResponse(UpstreamReads.body(response, MAX_EMBEDDING_BODY, name));
        }
    }

    @Override
    public List<ModelInfo> listModels(ProviderCall call) {
        if (!flavor.configuredModels().isEmpty()) {
            return flavor.configuredModels();
        }
        UpstreamRequest req = UpstreamRequest.get(flavor.modelsPath(), headers(call, "application/json"),
                timeout(call));
        try (UpstreamResponse response = http.send(req)) {
            checkStatus(response, call, req);
            return wire.decodeModelList(UpstreamReads.body(response, MAX_BODY, name));
        }
    }

    @Override
    public Set<Capability> capabilities() {
        return flavor.capabilities(CAPABILITIES);
    }

    /**
     * The headers of one upstream request: config headers (with organization and project), then the request's
     * upstream headers, then the key chosen for this attempt. Contains the key: never log it.
     */
    Map<String, String> headers(ProviderCall call, String accept) {
        Map<String, String> headers = new LinkedHashMap<>(staticHeaders);
        for (Map.Entry<String, String> e : call.context().upstreamHeaders().entrySet()) {
            if (!HOP_BY_HOP.contains(e.getKey().toLowerCase(Locale.ROOT))) {
                put(headers, e.getKey(), e.getValue());
            }
        }
        Optional<Secret> key = call.key().filter(k -> !k.isEmpty());
        if (!flavor.authorize(headers, key) && keyRequired) {
            throw new GatewayException(GatewayError.of(401, GatewayError.AUTHENTICATION,
                    "Provider '" + name + "' has no API key configured", "missing_api_key"));
        }
        if (headers.keySet().stream().noneMatch("accept"::equalsIgnoreCase)) {
            headers.put("Accept", accept);
        }
        return headers;
    }

    /** The configured timeout, shortened to what is left before the request's deadline. */
    private Duration timeout(ProviderCall call) {
        return UpstreamReads.timeout(timeout, clock.instant(), call.context().deadline(), name);
    }

    private void checkStatus(UpstreamResponse response, ProviderCall call, UpstreamRequest req) {
        int status = response.status();
        if (status >= 200 && status < 300) {
            return;
        }
        byte[] body = UpstreamReads.errorBody(response, MAX_ERROR_BODY);
        GatewayError error;
        if (status >= 400 && status <= 599) {
            try {
                error = wire.decodeError(status, body);
            } catch (RuntimeException e) {
                error = GatewayError.of(status, GatewayError.typeForStatus(status),
                        "Provider '" + name + "' answered HTTP " + status, null);
            }
        } else {
            error = GatewayError.of(502, GatewayError.API_ERROR,
                    "Provider '" + name + "' answered with unexpected HTTP status " + status, "bad_upstream_response");
        }
        error = flavor.adaptError(normalise(error));
        Optional<Duration> retryAfter = RetryAfter.parse(response::header, clock.instant());
        if (retryAfter.isPresent()) {
            error = error.withRetryAfter(retryAfter.get());
        }
        error = scrub(error, call.key());
        if (log.isLoggable(System.Logger.Level.DEBUG)) {
            log.log(System.Logger.Level.DEBUG, "provider {0}: {1} {2} answered {3} ({4})", name, req.method(),
                    req.path(), status, error.type());
        }
        throw new GatewayException(error);
    }

    /** Whether an event's data starts as a JSON object whose first member is {@code "error"}. */
    static boolean startsWithErrorMember(byte[] data, int length) {
        int i = skipSpace(data, 0, length);
        if (i >= length || data[i] != '{') {
            return false;
        }
        i = skipSpace(data, i + 1, length);
        if (length - i < ERROR_MEMBER.length
                || !Arrays.equals(data, i, i + ERROR_MEMBER.length, ERROR_MEMBER, 0, ERROR_MEMBER.length)) {
            return false;
        }
        i = skipSpace(data, i + ERROR_MEMBER.length, length);
        return i < length && data[i] == ':';
    }

    /** The first index at or after {@code i} that is not whitespace (a regex's {@code \s}). */
    private static int skipSpace(byte[] data, int i, int length) {
        while (i < length && (data[i] == ' ' || data[i] >= '\t' && data[i] <= '\r')) {
            i++;
        }
        return i;
    }

    /** Turns an error event of a stream into an exception with a status that fits its type. */
    private GatewayException streamError(String data, ProviderCall call) {
        GatewayError decoded;
        try {
            decoded = wire.decodeError(502, data.getBytes(StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            decoded = GatewayError.of(502, GatewayError.API_ERROR, "Provider '" + name + "' sent an error event",
                    null);
        }
        int status = switch (decoded.type()) {
            case GatewayError.INVALID_REQUEST -> 400;
            case GatewayError.AUTHENTICATION -> 401;
            case GatewayError.PERMISSION -> 403;
            case GatewayError.NOT_FOUND -> 404;
            case GatewayError.RATE_LIMIT, "requests", "tokens", "insufficient_quota" -> 429;
            case GatewayError.TIMEOUT -> 504;
            default -> decoded.code().filter("rate_limit_exceeded"::equals).isPresent() ? 429 : 502;
        };
        GatewayError error = flavor.adaptError(normalise(new GatewayError(status, decoded.type(), decoded.message(),
                decoded.param(), decoded.code(), decoded.retryAfter())));
        return new GatewayException(scrub(error, call.key()));
    }

    /**
     * Keeps an upstream error type that is one of the gateway's types; replaces any other (OpenAI sends
     * {@code requests}, {@code tokens}, {@code insufficient_quota}, {@code server_error}) with the type of the status,
     * keeping the original as the code when the upstream sent none.
     */
    static GatewayError normalise(GatewayError error) {
        if (KNOWN_TYPES.contains(error.type())) {
            return error;
        }
        return new GatewayError(error.status(), GatewayError.typeForStatus(error.status()), error.message(),
                error.param(), error.code().or(() -> Optional.of(error.type()).filter(t -> !t.isBlank())),
                error.retryAfter());
    }

    /** Replaces the key in an upstream's message: some servers echo what they were sent. */
    private static GatewayError scrub(GatewayError error, Optional<Secret> key) {
        if (key.isEmpty() || key.get().isEmpty() || !error.message().contains(key.get().reveal())) {
            return error;
        }
        return new GatewayError(error.status(), error.type(),
                error.message().replace(key.get().reveal(), key.get().masked()), error.param(), error.code(),
                error.retryAfter());
    }

    @Override
    public String toString() {
        return "OpenAiProvider[" + name + "]";
    }
}
