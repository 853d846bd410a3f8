package io.heimdall.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.GatewayException;
import io.heimdall.api.http.UpstreamRequest;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.Secret;
import io.heimdall.api.provider.Capability;
import io.heimdall.api.provider.ChunkSink;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.provider.anthropic.messages.EncodedRequest;
import io.heimdall.provider.anthropic.messages.MessagesExchange;
import io.heimdall.provider.anthropic.messages.MessagesOptions;
import io.heimdall.provider.anthropic.messages.MessagesRequestEncoder;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Anthropic provider: {@code POST /v1/messages} (whole or streamed) and {@code GET /v1/models}, the translation
 * done by {@code io.heimdall.provider.anthropic.messages}. Stateless apart from its settings; safe for concurrent use.
 */
final class AnthropicProvider implements Provider {
    /** Models without image input: Claude 2 and Claude Instant. */
    private static final Pattern NO_VISION = Pattern.compile("^claude-(2|instant)");
    /** Models without extended thinking: Claude 2, Instant, 3 and 3.5 (3.7 and 4+ have it). */
    private static final Pattern NO_THINKING = Pattern.compile("^claude-(2|instant|3-(?!7)|3\\.(?!7))");
    private static final Set<Capability> ALL = Collections.unmodifiableSet(EnumSet.of(Capability.CHAT,
            Capability.STREAMING, Capability.TOOLS, Capability.VISION, Capability.JSON_MODE,
            Capability.MODEL_LISTING, Capability.REASONING));
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_PAGES = 20;

    private final String name;
    private final MessagesExchange exchange;
    private final MessagesOptions options;
    private final Duration timeout;
    private final Map<String, String> staticHeaders;
    private final List<String> models;

    private AnthropicProvider(String name, MessagesExchange exchange, MessagesOptions options, Duration timeout,
                              Map<String, String> staticHeaders, List<String> models) {
        this.name = name;
        this.exchange = exchange;
        this.options = options;
        this.timeout = timeout;
        this.staticHeaders = staticHeaders;
        this.models = models;
    }

    /** Reads and validates an entry's config and builds the provider; no network call is made. */
    static AnthropicProvider create(PluginConfig config, PluginContext context) {
        String baseUrl = baseUrl(config.string("base-url").orElse(AnthropicProviderFactory.DEFAULT_BASE_URL));
        Duration timeout = config.duration("timeout").orElse(Duration.ofSeconds(120));
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
                headers.put(header, value);
            }
        });
        String version = config.string("anthropic-version").orElse(AnthropicProviderFactory.DEFAULT_VERSION);
        checkHeader("anthropic-version", version, "anthropic-version");
        headers.put("anthropic-version", version);
        List<String> betas = config.strings("anthropic-beta").stream().map(String::strip)
                .filter(s -> !s.isEmpty()).toList();
        if (!betas.isEmpty()) {
            checkHeader("anthropic-beta", String.join(",", betas), "anthropic-beta");
            headers.put("anthropic-beta", String.join(",", betas));
        }
        int maxTokens = Math.toIntExact(config.integer("default-max-tokens").orElse(4096L));
        return new AnthropicProvider(context.name(), new MessagesExchange(context.name(), context.http(baseUrl),
                context.clock()), MessagesOptions.anthropic(context.name(), maxTokens), timeout,
                Collections.unmodifiableMap(headers), List.copyOf(config.strings("models")));
    }

    /** Strips trailing slashes and a trailing {@code /v1}; checks the URL is absolute http(s). */
    static String baseUrl(String raw) {
        String url = raw.strip();
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        if (url.endsWith("/v1")) {
            url = url.substring(0, url.length() - 3);
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("base-url is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new IllegalArgumentException("base-url must be an absolute http or https URL");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("base-url must not have user info, a query or a fragment");
        }
        return url;
    }

    private static void checkHeader(String header, String value, String key) {
        if (!TOKEN.matcher(header).matches()) {
            throw new IllegalArgumentException(key + ": not a valid HTTP header name");
        }
        if (value.chars().anyMatch(c -> c == '\r' || c == '\n' || c == 0)) {
            throw new IllegalArgumentException(key + ": header values must not contain line breaks");
        }
    }

    @Override
    public ChatResponse chat(ChatRequest request, ProviderCall call) {
        EncodedRequest encoded = MessagesRequestEncoder.encode(request, false, options);
        UpstreamRequest req = UpstreamRequest.postJson("/v1/messages", headers(call, "application/json"),
                encoded.body(), exchange.timeout(timeout, call));
        return exchange.chat(req, encoded, request, call);
    }

    @Override
    public void stream(ChatRequest request, ProviderCall call, ChunkSink sink) {
        EncodedRequest encoded = MessagesRequestEncoder.encode(request, true, options);
        UpstreamRequest req = UpstreamRequest.postJson("/v1/messages", headers(call, "text/event-stream"),
                encoded.body(), exchange.timeout(timeout, call));
        exchange.stream(req, encoded, request, call, sink);
    }

    @Override
    public List<ModelInfo> listModels(ProviderCall call) {
        if (!models.isEmpty()) {
            return models.stream().map(m -> new ModelInfo(m, 0, "anthropic")).toList();
        }
        List<ModelInfo> out = new ArrayList<>();
        Optional<String> after = Optional.empty();
        for (int page = 0; page < MAX_PAGES; page++) {
            String path = "/v1/models?limit=1000" + after.map(a -> "&after_id="
                    + URLEncoder.encode(a, StandardCharsets.UTF_8)).orElse("");
            byte[] body = exchange.send(UpstreamRequest.get(path, headers(call, "application/json"),
                    exchange.timeout(timeout, call)), call, MessagesExchange.MAX_BODY);
            JsonNode root;
            try {
                root = MAPPER.readTree(body);
            } catch (IOException e) {
                root = null;
            }
            if (root == null || !root.path("data").isArray()) {
                throw new GatewayException(GatewayError.of(502, GatewayError.API_ERROR,
                        "Provider '" + name + "' sent a model list that is not a list", "bad_upstream_response"));
            }
            for (JsonNode m : root.get("data")) {
                if (m.hasNonNull("id")) {
                    out.add(new ModelInfo(m.get("id").asText(), created(m.path("created_at").asText("")),
                            "anthropic"));
                }
            }
            if (!root.path("has_more").asBoolean(false) || !root.hasNonNull("last_id")) {
                break;
            }
            after = Optional.of(root.get("last_id").asText());
        }
        return out;
    }

    private static long created(String rfc3339) {
        try {
            return Instant.parse(rfc3339).getEpochSecond();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }

    @Override
    public Set<Capability> capabilities() {
        return ALL;
    }

    /**
     * Claude 3 and later take images; Claude 3.7 and 4+ think. Unknown names (new models, aliases) get everything:
     * the API itself refuses what a model cannot do.
     */
    @Override
    public Set<Capability> capabilities(String model) {
        String m = model.toLowerCase(Locale.ROOT);
        if (!NO_VISION.matcher(m).find() && !NO_THINKING.matcher(m).find()) {
            return ALL;
        }
        EnumSet<Capability> set = EnumSet.copyOf(ALL);
        if (NO_VISION.matcher(m).find()) {
            set.remove(Capability.VISION);
        }
        if (NO_THINKING.matcher(m).find()) {
            set.remove(Capability.REASONING);
        }
        return Collections.unmodifiableSet(set);
    }

    /** The headers of one request: config headers, version and beta, then the key. Contains the key: never log. */
    private Map<String, String> headers(ProviderCall call, String accept) {
        Map<String, String> headers = new LinkedHashMap<>(staticHeaders);
        Optional<Secret> key = call.key().filter(k -> !k.isEmpty());
        if (key.isEmpty()) {
            throw new GatewayException(GatewayError.of(401, GatewayError.AUTHENTICATION,
                    "Provider '" + name + "' has no API key configured", "missing_api_key"));
        }
        headers.put("x-api-key", key.get().reveal());
        headers.putIfAbsent("accept", accept);
        return headers;
    }

    @Override
    public String toString() {
        return "AnthropicProvider[" + name + "]";
    }
}
