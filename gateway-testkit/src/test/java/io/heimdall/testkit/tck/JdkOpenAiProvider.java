package io.heimdall.testkit.tck;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heimdall.api.GatewayException;
import io.heimdall.api.http.ServerSentEvents;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.Choice;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.ChunkDelta;
import io.heimdall.api.model.Embedding;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.MessageContent;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.model.Tool;
import io.heimdall.api.model.ToolCall;
import io.heimdall.api.model.ToolCallDelta;
import io.heimdall.api.model.Usage;
import io.heimdall.api.provider.Capability;
import io.heimdall.api.provider.ChunkSink;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderCall;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A small OpenAI-wire provider on the JDK HTTP client, used to check that {@link OpenAiWireProviderContract} can be
 * passed (and so that the mock and the contract agree). Not a production provider: no pooling tuning, no extras.
 */
final class JdkOpenAiProvider implements Provider {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final Set<String> CANONICAL_TYPES = Set.of(GatewayError.INVALID_REQUEST,
            GatewayError.AUTHENTICATION, GatewayError.PERMISSION, GatewayError.NOT_FOUND, GatewayError.RATE_LIMIT,
            GatewayError.API_ERROR, GatewayError.TIMEOUT);

    private final String baseUrl;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    JdkOpenAiProvider(String baseUrl) {
        this.baseUrl = baseUrl;
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of(Capability.CHAT, Capability.STREAMING, Capability.TOOLS, Capability.EMBEDDINGS,
                Capability.MODEL_LISTING);
    }

    @Override
    public ChatResponse chat(ChatRequest request, ProviderCall call) {
        HttpResponse<byte[]> res = send(call, "POST", "/chat/completions", encode(request),
                HttpResponse.BodyHandlers.ofByteArray());
        if (res.statusCode() != 200) {
            throw upstreamError(res.statusCode(), res.body(), res.headers());
        }
        JsonNode root = parse(call, res.body());
        List<Choice> choices = new ArrayList<>();
        for (JsonNode c : root.path("choices")) {
            JsonNode m = c.path("message");
            List<ToolCall> calls = new ArrayList<>();
            for (JsonNode tc : m.path("tool_calls")) {
                calls.add(new ToolCall(tc.path("id").asText(), tc.path("type").asText("function"),
                        tc.path("function").path("name").asText(), tc.path("function").path("arguments").asText()));
            }
            Optional<MessageContent> content = m.path("content").isTextual()
                    ? Optional.of(MessageContent.of(m.path("content").asText())) : Optional.empty();
            ChatMessage message = new ChatMessage(m.path("role").asText("assistant"), content, Optional.empty(),
                    calls, Optional.empty(), text(m, "refusal"), Map.of());
            choices.add(new Choice(c.path("index").asInt(), message, text(c, "finish_reason").map(FinishReason::of),
                    Optional.empty()));
        }
        return new ChatResponse(root.path("id").asText(), root.path("created").asLong(), root.path("model").asText(),
                choices, usage(root.path("usage")), text(root, "system_fingerprint"), text(root, "service_tier"),
                Map.of());
    }

    @Override
    public void stream(ChatRequest request, ProviderCall call, ChunkSink sink) {
        HttpResponse<InputStream> res = send(call, "POST", "/chat/completions", encode(request),
                HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = res.body(); ServerSentEvents events = new ServerSentEvents(body)) {
            if (res.statusCode() != 200) {
                throw upstreamError(res.statusCode(), body.readNBytes(64 * 1024), res.headers());
            }
            Optional<ServerSentEvents.Event> event;
            while ((event = events.next()).isPresent()) {
                String data = event.get().data();
                if (data.equals("[DONE]")) {
                    return;
                }
                JsonNode root = parse(call, data.getBytes(StandardCharsets.UTF_8));
                if (root.has("error")) {
                    JsonNode e = root.path("error");
                    throw new GatewayException(new GatewayError(502, GatewayError.API_ERROR,
                            e.path("message").asText("upstream stream failed"), text(e, "param"), text(e, "code"),
                            Optional.empty()));
                }
                sink.accept(chunk(root));
            }
            throw new GatewayException(GatewayError.upstreamUnreachable(call.provider(), "the stream ended early"));
        } catch (UncheckedIOException | IOException e) {
            throw new GatewayException(GatewayError.upstreamUnreachable(call.provider(), "the stream broke"), e);
        }
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, ProviderCall call) {
        ObjectNode body = MAPPER.createObjectNode();
        body.put("model", request.model());
        ArrayNode input = body.putArray("input");
        request.input().forEach(input::add);
        body.put("encoding_format", "base64");
        request.dimensions().ifPresent(d -> body.put("dimensions", d));
        HttpResponse<byte[]> res = send(call, "POST", "/embeddings", bytes(body),
                HttpResponse.BodyHandlers.ofByteArray());
        if (res.statusCode() != 200) {
            throw upstreamError(res.statusCode(), res.body(), res.headers());
        }
        JsonNode root = parse(call, res.body());
        List<Embedding> data = new ArrayList<>();
        for (JsonNode e : root.path("data")) {
            JsonNode v = e.path("embedding");
            float[] vector;
            if (v.isTextual()) {
                ByteBuffer bb = ByteBuffer.wrap(Base64.getDecoder().decode(v.asText())).order(ByteOrder.LITTLE_ENDIAN);
                vector = new float[bb.remaining() / 4];
                bb.asFloatBuffer().get(vector);
            } else {
                vector = new float[v.size()];
                for (int i = 0; i < vector.length; i++) {
                    vector[i] = (float) v.get(i).asDouble();
                }
            }
            data.add(new Embedding(e.path("index").asInt(), vector));
        }
        return new EmbeddingResponse(root.path("model").asText(), data, usage(root.path("usage")).orElseThrow());
    }

    @Override
    public List<ModelInfo> listModels(ProviderCall call) {
        HttpResponse<byte[]> res = send(call, "GET", "/models", null, HttpResponse.BodyHandlers.ofByteArray());
        if (res.statusCode() != 200) {
            throw upstreamError(res.statusCode(), res.body(), res.headers());
        }
        List<ModelInfo> models = new ArrayList<>();
        for (JsonNode m : parse(call, res.body()).path("data")) {
            models.add(new ModelInfo(m.path("id").asText(), m.path("created").asLong(), m.path("owned_by").asText()));
        }
        return models;
    }

    @Override
    public void close() {
        http.close();
    }

    // ------------------------------------------------------------------ wire

    private <T> HttpResponse<T> send(ProviderCall call, String method, String path, byte[] body,
                                     HttpResponse.BodyHandler<T> handler) {
        Duration left = Duration.between(Instant.now(), call.context().deadline());
        if (left.isNegative() || left.isZero()) {
            throw new GatewayException(GatewayError.upstreamTimeout(call.provider()));
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + path)).timeout(left);
        if (body == null) {
            b.GET();
        } else {
            b.method(method, HttpRequest.BodyPublishers.ofByteArray(body)).header("Content-Type", "application/json");
        }
        call.key().ifPresent(k -> b.header("Authorization", "Bearer " + k.reveal()));
        call.context().upstreamHeaders().forEach(b::header);
        try {
            return http.send(b.build(), handler);
        } catch (HttpTimeoutException e) {
            throw new GatewayException(GatewayError.upstreamTimeout(call.provider()), e);
        } catch (IOException e) {
            throw new GatewayException(GatewayError.upstreamUnreachable(call.provider(), e.getClass().getSimpleName()),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException(GatewayError.upstreamUnreachable(call.provider(), "interrupted"), e);
        }
    }

    private static JsonNode parse(ProviderCall call, byte[] body) {
        try {
            return MAPPER.readTree(body);
        } catch (IOException e) {
            throw new GatewayException(GatewayError.of(502, GatewayError.API_ERROR, "Provider '" + call.provider()
                    + "' sent a response that is not valid JSON", "bad_upstream_response"), e);
        }
    }

    private static GatewayException upstreamError(int status, byte[] body, java.net.http.HttpHeaders headers) {
        String type = GatewayError.typeForStatus(status);
        String message = "Upstream answered " + status;
        Optional<String> param = Optional.empty();
        Optional<String> code = Optional.empty();
        try {
            JsonNode e = MAPPER.readTree(body).path("error");
            if (e.isObject()) {
                message = e.path("message").asText(message);
                String upstreamType = e.path("type").asText("");
                if (status != 429 && CANONICAL_TYPES.contains(upstreamType)) {
                    type = upstreamType;
                }
                param = text(e, "param");
                code = text(e, "code");
            }
        } catch (IOException ignored) {
            // not JSON: keep the generic message
        }
        Optional<Duration> retryAfter = headers.firstValue("retry-after").flatMap(v -> {
            try {
                return Optional.of(Duration.ofSeconds(Long.parseLong(v.trim())));
            } catch (NumberFormatException nfe) {
                return Optional.empty();
            }
        });
        return new GatewayException(new GatewayError(status, type, message, param, code, retryAfter));
    }

    private static byte[] encode(ChatRequest request) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("model", request.model());
        ArrayNode messages = root.putArray("messages");
        for (ChatMessage m : request.messages()) {
            ObjectNode n = messages.addObject();
            n.put("role", m.role());
            if (m.content().isPresent()) {
                n.put("content", m.text());
            } else {
                n.putNull("content");
            }
            if (!m.toolCalls().isEmpty()) {
                ArrayNode calls = n.putArray("tool_calls");
                for (ToolCall tc : m.toolCalls()) {
                    ObjectNode c = calls.addObject();
                    c.put("id", tc.id());
                    c.put("type", tc.type());
                    c.putObject("function").put("name", tc.name()).put("arguments", tc.arguments());
                }
            }
            m.toolCallId().ifPresent(id -> n.put("tool_call_id", id));
        }
        if (request.stream()) {
            root.put("stream", true);
            request.streamOptions().ifPresent(o -> root.putObject("stream_options")
                    .put("include_usage", o.includeUsage()));
        }
        if (!request.tools().isEmpty()) {
            ArrayNode tools = root.putArray("tools");
            for (Tool t : request.tools()) {
                ObjectNode f = tools.addObject().put("type", t.type()).putObject("function");
                f.put("name", t.name());
                t.description().ifPresent(d -> f.put("description", d));
                t.parameters().ifPresent(p -> {
                    try {
                        f.set("parameters", MAPPER.readTree(p.json()));
                    } catch (JsonProcessingException e) {
                        throw GatewayException.badRequest("tool parameters are not JSON", "tools");
                    }
                });
            }
        }
        request.toolChoice().ifPresent(tc -> {
            if (tc.mode().equals("function")) {
                root.putObject("tool_choice").put("type", "function").putObject("function")
                        .put("name", tc.function().orElseThrow());
            } else {
                root.put("tool_choice", tc.mode());
            }
        });
        request.temperature().ifPresent(t -> root.put("temperature", t));
        request.topP().ifPresent(t -> root.put("top_p", t));
        request.maxTokens().ifPresent(t -> root.put("max_tokens", t));
        if (!request.stop().isEmpty()) {
            request.stop().forEach(root.putArray("stop")::add);
        }
        return bytes(root);
    }

    private static byte[] bytes(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ChatChunk chunk(JsonNode root) {
        List<ChunkChoice> choices = new ArrayList<>();
        for (JsonNode c : root.path("choices")) {
            JsonNode d = c.path("delta");
            List<ToolCallDelta> calls = new ArrayList<>();
            for (JsonNode tc : d.path("tool_calls")) {
                calls.add(new ToolCallDelta(tc.path("index").asInt(), text(tc, "id"), text(tc, "type"),
                        text(tc.path("function"), "name"), text(tc.path("function"), "arguments")));
            }
            ChunkDelta delta = new ChunkDelta(text(d, "role"), text(d, "content"), text(d, "refusal"), calls,
                    Map.of());
            choices.add(new ChunkChoice(c.path("index").asInt(), delta,
                    text(c, "finish_reason").map(FinishReason::of), Optional.empty()));
        }
        return new ChatChunk(root.path("id").asText(), root.path("created").asLong(), root.path("model").asText(),
                choices, usage(root.path("usage")), text(root, "system_fingerprint"), Map.of());
    }

    private static Optional<Usage> usage(JsonNode u) {
        if (!u.isObject()) {
            return Optional.empty();
        }
        return Optional.of(new Usage(u.path("prompt_tokens").asLong(), u.path("completion_tokens").asLong(),
                u.path("total_tokens").asLong(), Map.of()));
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isTextual() ? Optional.of(v.asText()) : Optional.empty();
    }
}
