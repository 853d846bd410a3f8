package io.heimdall.provider.vertex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.Embedding;
import io.heimdall.api.http.UpstreamClient;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.model.Usage;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.provider.Capability;
import io.heimdall.api.provider.ChunkSink;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.provider.gemini.wire.Endpoints;
import io.heimdall.provider.gemini.wire.GeminiEngine;
import io.heimdall.provider.gemini.wire.ModelNames;
import io.heimdall.provider.gemini.wire.Vectors;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code vertex} provider: Gemini models at
 * {@code {base}/v1/projects/{project}/locations/{location}/publishers/google/models/{model}:generateContent} (and
 * {@code :streamGenerateContent?alt=sse}) through {@link GeminiEngine}, embeddings with {@code :predict}, models from
 * config and Google's publisher model list ({@link PublisherModels}). Claude models ({@code claude-*}) go to
 * {@code publishers/anthropic/models/{model}:rawPredict} (and {@code :streamRawPredict}) through
 * {@link ClaudeOnVertex}.
 */
final class VertexProvider implements Provider {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final String publisherPath;
    private final GeminiEngine engine;
    private final ClaudeOnVertex claude;
    private final List<String> models;
    private final PublisherModels listing;

    private VertexProvider(String name, String publisherPath, GeminiEngine engine, ClaudeOnVertex claude,
                           List<String> models, PublisherModels listing) {
        this.name = name;
        this.publisherPath = publisherPath;
        this.engine = engine;
        this.claude = claude;
        this.models = models;
        this.listing = listing;
    }

    static VertexProvider create(PluginConfig config, PluginContext context) {
        Optional<Path> file = config.string("credentials-file").filter(s -> !s.isBlank()).map(Path::of);
        String project = config.string("project").filter(s -> !s.isBlank())
                .or(() -> file.flatMap(VertexProvider::projectOf))
                .orElseThrow(() -> new IllegalArgumentException("project is required (or a credentials-file with "
                        + "a project_id)"));
        String location = config.string("location").orElse(VertexProviderFactory.DEFAULT_LOCATION).strip();
        if (!project.matches("[a-z0-9][a-z0-9.:-]{0,62}")) {
            throw new IllegalArgumentException("project is not a valid Google Cloud project id");
        }
        if (!location.matches("[a-z0-9-]{1,40}")) {
            throw new IllegalArgumentException("location is not a valid region name");
        }
        String base = Endpoints.baseUrl(config.string("base-url").filter(s -> !s.isBlank())
                .orElse(location.equals("global") ? "https://aiplatform.googleapis.com"
                        : "https://" + location + "-aiplatform.googleapis.com"));
        String prefix = Endpoints.hasVersion(base) ? "" : "/v1";
        Duration timeout = config.duration("timeout").orElse(Duration.ofSeconds(60));
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        VertexAuth auth = new VertexAuth(context.name(), config.secret("access-token"), file);
        long maxTokens = config.integer("default-max-tokens").orElse(4096L);
        if (maxTokens < 1 || maxTokens > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("default-max-tokens must be a positive integer");
        }
        UpstreamClient http = context.http(base);
        GeminiEngine engine = new GeminiEngine(context.name(), http, context.clock(), timeout, auth, false);
        ClaudeOnVertex claude = new ClaudeOnVertex(context.name(), http, context.clock(), auth, timeout,
                (int) maxTokens);
        // the listing is a v1beta1 path on the same host: without the version a base-url may carry
        String host = base.replaceAll("(?i)/v\\d+[a-z0-9]*$", "");
        GeminiEngine lister = host.equals(base) ? engine
                : new GeminiEngine(context.name(), context.http(host), context.clock(), timeout, auth, false);
        return new VertexProvider(context.name(), prefix + "/projects/" + project + "/locations/" + location
                + "/publishers/", engine, claude, config.strings("models"),
                new PublisherModels(context.name(), lister, context.clock(), context.logger()));
    }

    /** The {@code project_id} of a credentials file, read without any network call. */
    private static Optional<String> projectOf(Path file) {
        try {
            return Optional.ofNullable(JSON.readTree(Files.readAllBytes(file)).path("project_id").textValue());
        } catch (IOException e) {
            throw new IllegalArgumentException("credentials-file cannot be read: " + e.getClass().getSimpleName());
        }
    }

    private String modelPath(String model) {
        String segment = ModelNames.segment(model, name);
        return publisherPath + (ClaudeOnVertex.isClaude(segment) ? "anthropic" : "google") + "/models/" + segment;
    }

    @Override
    public ChatResponse chat(ChatRequest request, ProviderCall call) {
        if (ClaudeOnVertex.isClaude(request.model())) {
            return claude.chat(request, call, modelPath(request.model()));
        }
        return engine.chat(request, call, modelPath(request.model()));
    }

    @Override
    public void stream(ChatRequest request, ProviderCall call, ChunkSink sink) {
        if (ClaudeOnVertex.isClaude(request.model())) {
            claude.stream(request, call, modelPath(request.model()), sink);
            return;
        }
        engine.stream(request, call, modelPath(request.model()), sink);
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, ProviderCall call) {
        if (ClaudeOnVertex.isClaude(request.model())) {
            throw new GatewayException(GatewayError.unsupported(name, "embeddings with Claude models")
                    .withParam("model"));
        }
        ObjectNode body = JSON.createObjectNode();
        ArrayNode instances = body.putArray("instances");
        Optional<String> task = Optional.ofNullable(request.extra().getOrDefault("task_type",
                request.extra().get("taskType"))).map(r -> r.json().replace("\"", ""));
        for (String text : request.input()) {
            ObjectNode instance = instances.addObject();
            instance.put("content", text);
            task.ifPresent(t -> instance.put("task_type", t));
        }
        request.dimensions().ifPresent(d -> body.putObject("parameters").put("outputDimensionality", d));
        JsonNode answer;
        try {
            answer = JSON.readTree(engine.post(modelPath(request.model()) + ":predict", JSON.writeValueAsBytes(body),
                    call));
        } catch (IOException e) {
            throw badAnswer("sent a response that is not valid JSON");
        }
        JsonNode predictions = answer.path("predictions");
        if (predictions.size() != request.input().size()) {
            throw badAnswer("returned " + predictions.size() + " embeddings for " + request.input().size()
                    + " inputs");
        }
        List<Embedding> data = new ArrayList<>();
        long tokens = 0;
        for (int i = 0; i < predictions.size(); i++) {
            JsonNode embeddings = predictions.get(i).path("embeddings");
            data.add(Vectors.embedding(i, embeddings.path("values"), name));
            tokens += embeddings.path("statistics").path("token_count").asLong(0);
        }
        return new EmbeddingResponse(request.model(), data, Usage.of(tokens, 0));
    }

    @Override
    public List<ModelInfo> listModels(ProviderCall call) {
        return listing.list(models, call);
    }

    @Override
    public Set<Capability> capabilities() {
        return ModelNames.ALL;
    }

    @Override
    public Set<Capability> capabilities(String model) {
        return ClaudeOnVertex.isClaude(model) ? ClaudeOnVertex.capabilities(model) : ModelNames.capabilities(model);
    }

    private GatewayException badAnswer(String what) {
        return new GatewayException(GatewayError.of(502, GatewayError.API_ERROR, "Provider '" + name + "' " + what,
                "bad_upstream_response"));
    }

    @Override
    public String toString() {
        return "VertexProvider[" + name + "]";
    }
}
