package io.heimdall.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.Embedding;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.model.Usage;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.Secret;
import io.heimdall.api.provider.Capability;
import io.heimdall.api.provider.ChunkSink;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.provider.gemini.wire.Endpoints;
import io.heimdall.provider.gemini.wire.GeminiEngine;
import io.heimdall.provider.gemini.wire.ModelNames;
import io.heimdall.provider.gemini.wire.Vectors;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code gemini} provider: chat and streaming through {@link GeminiEngine} at
 * {@code {base}/v1beta/models/{model}:generateContent}, embeddings with {@code :embedContent} (one input) or
 * {@code :batchEmbedContents}, models from {@code GET /v1beta/models}. The key goes in {@code x-goog-api-key}.
 */
final class GeminiProvider implements Provider {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_MODEL_PAGES = 20;
    private final String name;
    private final String prefix;
    private final GeminiEngine engine;

    private GeminiProvider(String name, String prefix, GeminiEngine engine) {
        this.name = name;
        this.prefix = prefix;
        this.engine = engine;
    }

    static GeminiProvider create(PluginConfig config, PluginContext context) {
        String base = Endpoints.baseUrl(config.string("base-url").orElse(GeminiProviderFactory.DEFAULT_BASE_URL));
        String version = config.string("api-version").orElse(GeminiProviderFactory.DEFAULT_API_VERSION).strip();
        if (!version.matches("v\\d+[a-z0-9]*")) {
            throw new IllegalArgumentException("api-version must look like v1beta or v1");
        }
        String prefix = Endpoints.hasVersion(base) ? "" : "/" + version;
        Duration timeout = config.duration("timeout").orElse(Duration.ofSeconds(60));
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        String name = context.name();
        GeminiEngine engine = new GeminiEngine(name, context.http(base), context.clock(), timeout,
                call -> Map.of("x-goog-api-key", call.key().filter(k -> !k.isEmpty()).map(Secret::reveal)
                        .orElseThrow(() -> new GatewayException(GatewayError.of(401, GatewayError.AUTHENTICATION,
                                "Provider '" + name + "' has no API key configured", "missing_api_key")))));
        return new GeminiProvider(name, prefix, engine);
    }

    private String modelPath(String model) {
        String m = model.startsWith("models/") ? model.substring("models/".length()) : model;
        return prefix + "/models/" + ModelNames.segment(m, name);
    }

    @Override
    public ChatResponse chat(ChatRequest request, ProviderCall call) {
        return engine.chat(request, call, modelPath(request.model()));
    }

    @Override
    public void stream(ChatRequest request, ProviderCall call, ChunkSink sink) {
        engine.stream(request, call, modelPath(request.model()), sink);
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, ProviderCall call) {
        String path = modelPath(request.model());
        String bare = path.substring(path.lastIndexOf('/') + 1);
        boolean single = request.input().size() == 1;
        ObjectNode body = JSON.createObjectNode();
        if (single) {
            embedContent(body, request, request.input().getFirst());
        } else {
            ArrayNode requests = body.putArray("requests");
            for (String text : request.input()) {
                ObjectNode r = requests.addObject();
                r.put("model", "models/" + bare);
                embedContent(r, request, text);
            }
        }
        JsonNode answer = parse(engine.post(path + (single ? ":embedContent" : ":batchEmbedContents"),
                write(body), call));
        List<JsonNode> vectors = new ArrayList<>();
        if (single) {
            vectors.add(answer.path("embedding"));
        } else {
            answer.path("embeddings").forEach(vectors::add);
        }
        if (vectors.size() != request.input().size()) {
            throw badAnswer("returned " + vectors.size() + " embeddings for " + request.input().size() + " inputs");
        }
        List<Embedding> data = new ArrayList<>();
        for (int i = 0; i < vectors.size(); i++) {
            data.add(Vectors.embedding(i, vectors.get(i).path("values"), name));
        }
        long tokens = answer.path("usageMetadata").path("promptTokenCount").asLong(0);
        return new EmbeddingResponse(request.model(), data, Usage.of(tokens, 0));
    }

    private static void embedContent(ObjectNode target, EmbeddingRequest request, String text) {
        target.putObject("content").putArray("parts").addObject().put("text", text);
        request.dimensions().ifPresent(d -> target.put("outputDimensionality", d));
        Optional.ofNullable(request.extra().getOrDefault("task_type", request.extra().get("taskType")))
                .ifPresent(t -> target.set("taskType", JSON.valueToTree(t.json().replace("\"", ""))));
    }

    @Override
    public List<ModelInfo> listModels(ProviderCall call) {
        List<ModelInfo> models = new ArrayList<>();
        String token = "";
        for (int page = 0; page < MAX_MODEL_PAGES; page++) {
            String path = prefix + "/models?pageSize=1000" + (token.isEmpty() ? ""
                    : "&pageToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
            JsonNode answer = parse(engine.get(path, call));
            for (JsonNode m : answer.path("models")) {
                String id = m.path("name").asText("");
                if (id.startsWith("models/")) {
                    id = id.substring("models/".length());
                }
                if (!id.isEmpty()) {
                    models.add(new ModelInfo(id, 0, "google"));
                }
            }
            token = answer.path("nextPageToken").asText("");
            if (token.isEmpty()) {
                break;
            }
        }
        return models;
    }

    @Override
    public Set<Capability> capabilities() {
        return ModelNames.ALL;
    }

    @Override
    public Set<Capability> capabilities(String model) {
        return ModelNames.capabilities(model);
    }

    private JsonNode parse(byte[] body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw badAnswer("sent a response that is not valid JSON");
        }
    }

    private static byte[] write(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private GatewayException badAnswer(String what) {
        return new GatewayException(GatewayError.of(502, GatewayError.API_ERROR, "Provider '" + name + "' " + what,
                "bad_upstream_response"));
    }

    @Override
    public String toString() {
        return "GeminiProvider[" + name + "]";
    }
}
