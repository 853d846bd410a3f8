package io.heimdall.provider.cohere;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.GatewayException;
import io.heimdall.api.http.ServerSentEvents;
import io.heimdall.api.http.UpstreamClient;
import io.heimdall.api.http.UpstreamRequest;
import io.heimdall.api.http.UpstreamReads;
import io.heimdall.api.http.UpstreamResponse;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
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

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The Cohere provider: canonical requests to {@code POST /v2/chat} (JSON or typed SSE events), {@code POST /v2/embed}
 * and {@code GET /v1/models}, over the HTTP client the core lends. Stateless apart from its settings.
 */
final class CohereProvider implements Provider {
    private static final int MAX_BODY = 32 << 20;
    private static final int MAX_EMBEDDING_BODY = 256 << 20;
    private static final int MAX_ERROR_BODY = 64 << 10;
    private static final Set<String> HOP_BY_HOP = Set.of("host", "content-length", "connection", "transfer-encoding",
            "keep-alive", "upgrade", "te", "trailer", "proxy-authorization", "proxy-connection", "authorization");
    private static final Set<Capability> BASE = Set.copyOf(EnumSet.of(Capability.CHAT, Capability.STREAMING,
            Capability.TOOLS, Capability.JSON_MODE, Capability.EMBEDDINGS, Capability.MODEL_LISTING));

    private final String name;
    private final UpstreamClient http;
    private final Clock clock;
    private final Duration timeout;
    private final String embedInputType;
    private final Optional<String> clientName;
    private final ObjectMapper json = new ObjectMapper();
    private final CohereRequests requests = new CohereRequests(json);

    private CohereProvider(String name, UpstreamClient http, Clock clock, Duration timeout, String embedInputType,
                           Optional<String> clientName) {
        this.name = name;
        this.http = http;
        this.clock = clock;
        this.timeout = timeout;
        this.embedInputType = embedInputType;
        this.clientName = clientName;
    }

    /** Reads and validates an entry's config. No network call is made. */
    static CohereProvider create(PluginConfig config, PluginContext context) {
        String base = config.string("base-url").orElse(CohereProviderFactory.DEFAULT_BASE_URL).strip();
        while (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(base);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("base-url is not a valid URL");
        }
        if (uri.getHost() == null || !List.of("http", "https").contains(String.valueOf(uri.getScheme()))
                || uri.getRawQuery() != null) {
            throw new IllegalArgumentException("base-url must be an absolute http or https URL without query");
        }
        Duration timeout = config.duration("timeout").orElse(Duration.ofSeconds(60));
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        Optional<String> clientName = config.string("client-name").map(String::strip).filter(s -> !s.isEmpty());
        clientName.ifPresent(n -> {
            if (n.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
                throw new IllegalArgumentException("client-name must not contain control characters");
            }
        });
        return new CohereProvider(context.name(), context.http(base), context.clock(), timeout,
                config.string("embed-input-type").orElse("search_document"), clientName);
    }

    @Override
    public Set<Capability> capabilities() {
        return BASE;
    }

    @Override
    public Set<Capability> capabilities(String model) {
        String m = model.toLowerCase(Locale.ROOT);
        Set<Capability> caps = EnumSet.copyOf(BASE);
        if (m.contains("vision")) {
            caps.add(Capability.VISION);
        }
        if (m.contains("reasoning")) {
            caps.add(Capability.REASONING);
        }
        return Set.copyOf(caps);
    }

    @Override
    public ChatResponse chat(ChatRequest request, ProviderCall call) {
        UpstreamRequest req = UpstreamRequest.postJson("/v2/chat", headers(call, "application/json"),
                requests.chat(request, false, name), timeout(call));
        try (UpstreamResponse response = http.send(req)) {
            check(response, call);
            JsonNode root = parse(UpstreamReads.body(response, MAX_BODY, name));
            return CohereResponses.chat(root, request.model(), clock.instant().getEpochSecond());
        }
    }

    @Override
    public void stream(ChatRequest request, ProviderCall call, ChunkSink sink) {
        UpstreamRequest req = UpstreamRequest.postJson("/v2/chat", headers(call, "text/event-stream"),
                requests.chat(request, true, name), timeout(call));
        try (UpstreamResponse response = http.send(req)) {
            check(response, call);
            CohereStream translator = new CohereStream(request.model(), clock.instant().getEpochSecond(),
                    request.includeUsage(), name);
            ServerSentEvents events = new ServerSentEvents(response.body());
            while (true) {
                Optional<ServerSentEvents.Event> next = UpstreamReads.next(events, name);
                if (next.isEmpty()) {
                    break;
                }
                String data = next.get().data();
                if (data.isBlank() || data.strip().equals("[DONE]")) {
                    continue;
                }
                JsonNode node = parse(data.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                String type = node.path("type").asText(Optional.ofNullable(next.get().event()).orElse(""));
                for (ChatChunk chunk : translator.onEvent(type, node)) {
                    sink.accept(chunk);
                }
                if (translator.finished()) {
                    return;
                }
                if (clock.instant().isAfter(call.context().deadline())) {
                    throw new GatewayException(GatewayError.upstreamTimeout(name));
                }
            }
            throw new GatewayException(GatewayError.upstreamUnreachable(name,
                    "the stream ended before the response was complete"));
        }
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, ProviderCall call) {
        UpstreamRequest req = UpstreamRequest.postJson("/v2/embed", headers(call, "application/json"),
                requests.embed(request, embedInputType), timeout(call));
        try (UpstreamResponse response = http.send(req)) {
            check(response, call);
            JsonNode root = parse(UpstreamReads.body(response, MAX_EMBEDDING_BODY, name));
            return CohereResponses.embeddings(root, request.model());
        }
    }

    @Override
    public List<ModelInfo> listModels(ProviderCall call) {
        UpstreamRequest req = UpstreamRequest.get("/v1/models?page_size=1000", headers(call, "application/json"),
                timeout(call));
        try (UpstreamResponse response = http.send(req)) {
            check(response, call);
            return CohereResponses.models(parse(UpstreamReads.body(response, MAX_BODY, name)));
        }
    }

    /** The headers of one upstream request; contains the key: never log it. */
    private Map<String, String> headers(ProviderCall call, String accept) {
        Map<String, String> headers = new LinkedHashMap<>();
        call.context().upstreamHeaders().forEach((k, v) -> {
            if (!HOP_BY_HOP.contains(k.toLowerCase(Locale.ROOT))) {
                headers.put(k, v);
            }
        });
        Secret key = call.key().filter(k -> !k.isEmpty()).orElseThrow(() -> new GatewayException(GatewayError.of(
                401, GatewayError.AUTHENTICATION, "Provider '" + name + "' has no API key configured",
                "missing_api_key")));
        headers.put("Authorization", "Bearer " + key.reveal());
        headers.put("Accept", accept);
        clientName.ifPresent(n -> headers.put("X-Client-Name", n));
        return headers;
    }

    private Duration timeout(ProviderCall call) {
        return UpstreamReads.timeout(timeout, clock.instant(), call.context().deadline(), name);
    }

    private void check(UpstreamResponse response, ProviderCall call) {
        int status = response.status();
        if (status >= 200 && status < 300) {
            return;
        }
        byte[] body = UpstreamReads.errorBody(response, MAX_ERROR_BODY);
        GatewayError error = CohereErrors.of(status, body, response.header("retry-after"), clock.instant(), name,
                json);
        Optional<Secret> key = call.key();
        if (key.isPresent() && !key.get().isEmpty() && error.message().contains(key.get().reveal())) {
            error = error.withMessage(error.message().replace(key.get().reveal(), key.get().masked()));
        }
        throw new GatewayException(error);
    }

    private JsonNode parse(byte[] body) {
        try {
            JsonNode node = json.readTree(body);
            if (node == null || !node.isObject()) {
                throw new IOException("not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new GatewayException(GatewayError.of(502, GatewayError.API_ERROR,
                    "Provider '" + name + "' (cohere) sent a body that is not valid JSON", "bad_upstream_response"));
        }
    }

    @Override
    public String toString() {
        return "CohereProvider[" + name + "]";
    }
}
