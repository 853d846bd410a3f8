package io.heimdall.provider.vertex;

import io.heimdall.api.http.UpstreamClient;
import io.heimdall.api.http.UpstreamRequest;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.provider.Capability;
import io.heimdall.api.provider.ChunkSink;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.provider.anthropic.messages.EncodedRequest;
import io.heimdall.provider.anthropic.messages.MessagesExchange;
import io.heimdall.provider.anthropic.messages.MessagesOptions;
import io.heimdall.provider.anthropic.messages.MessagesRequestEncoder;

import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Claude models on Vertex AI: {@code POST .../publishers/anthropic/models/{model}:rawPredict} (whole answers) and
 * {@code :streamRawPredict} (SSE), the body an Anthropic Messages request with {@code anthropic_version:
 * vertex-2023-10-16} and no {@code model}, translated by {@code io.heimdall.provider.anthropic.messages}; the same
 * Google bearer token as the Gemini path. Safe for concurrent use.
 */
final class ClaudeOnVertex {
    /** Models without image input: Claude 2 and Claude Instant. */
    private static final Pattern NO_VISION = Pattern.compile("^claude-(2|instant)");
    /** Models without extended thinking: Claude 2, Instant, 3 and 3.5 (3.7 and 4+ have it). */
    private static final Pattern NO_THINKING = Pattern.compile("^claude-(2|instant|3-(?!7)|3\\.(?!7))");
    private static final Set<Capability> ALL = Collections.unmodifiableSet(EnumSet.of(Capability.CHAT,
            Capability.STREAMING, Capability.TOOLS, Capability.VISION, Capability.JSON_MODE,
            Capability.MODEL_LISTING, Capability.REASONING));

    private final MessagesExchange exchange;
    private final MessagesOptions options;
    private final VertexAuth auth;
    private final Duration timeout;

    ClaudeOnVertex(String provider, UpstreamClient http, Clock clock, VertexAuth auth, Duration timeout,
                   int defaultMaxTokens) {
        this.exchange = new MessagesExchange(provider, http, clock);
        this.options = MessagesOptions.vertex(provider, defaultMaxTokens);
        this.auth = auth;
        this.timeout = timeout;
    }

    /** Whether a model name is a Claude model (served by this class, not by the Gemini engine). */
    static boolean isClaude(String model) {
        return model.toLowerCase(Locale.ROOT).startsWith("claude");
    }

    /** A whole answer from {@code {modelPath}:rawPredict}. */
    ChatResponse chat(ChatRequest request, ProviderCall call, String modelPath) {
        EncodedRequest encoded = MessagesRequestEncoder.encode(request, false, options);
        UpstreamRequest http = UpstreamRequest.postJson(modelPath + ":rawPredict", headers(call, "application/json"),
                encoded.body(), exchange.timeout(timeout, call));
        return exchange.chat(http, encoded, request, call);
    }

    /** A streamed answer from {@code {modelPath}:streamRawPredict}, each event translated as it arrives. */
    void stream(ChatRequest request, ProviderCall call, String modelPath, ChunkSink sink) {
        EncodedRequest encoded = MessagesRequestEncoder.encode(request, true, options);
        UpstreamRequest http = UpstreamRequest.postJson(modelPath + ":streamRawPredict",
                headers(call, "text/event-stream"), encoded.body(), exchange.timeout(timeout, call));
        exchange.stream(http, encoded, request, call, sink);
    }

    private Map<String, String> headers(ProviderCall call, String accept) {
        Map<String, String> headers = new LinkedHashMap<>(auth.headers(call));
        headers.put("accept", accept);
        return headers;
    }

    /**
     * The Anthropic capabilities of a Claude model: Claude 3 and later take images; Claude 3.7 and 4+ think; no
     * embeddings.
     */
    static Set<Capability> capabilities(String model) {
        String m = model.toLowerCase(Locale.ROOT);
        EnumSet<Capability> set = EnumSet.copyOf(ALL);
        if (NO_VISION.matcher(m).find()) {
            set.remove(Capability.VISION);
        }
        if (NO_THINKING.matcher(m).find()) {
            set.remove(Capability.REASONING);
        }
        return Collections.unmodifiableSet(set);
    }
}
