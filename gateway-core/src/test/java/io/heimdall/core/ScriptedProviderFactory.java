package io.heimdall.core;

import io.heimdall.api.GatewayException;
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
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.model.Usage;
import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.provider.ChunkSink;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.api.provider.ProviderFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A provider for core tests, driven by the model name: {@code ok} answers "<label>: <last user text>", {@code fail-429}
 * and {@code fail-500} and {@code fail-400} fail, {@code stream-break} streams one chunk then fails. Records every call.
 */
final class ScriptedProviderFactory implements ProviderFactory {
    record Call(String provider, String model, Optional<String> key, Map<String, String> upstreamHeaders) {
    }

    static final ConcurrentLinkedQueue<Call> CALLS = new ConcurrentLinkedQueue<>();

    @Override
    public String id() {
        return "scripted";
    }

    @Override
    public ConfigSpec configSpec() {
        return ConfigSpec.builder()
                .optional("label", ConfigType.STRING, "scripted", "prefix of every answer")
                .optional("delay", ConfigType.DURATION, "0ms", "sleep before answering")
                .optional("models-status", ConfigType.INTEGER, "0", "if not 0, listing models fails with it")
                .build();
    }

    @Override
    public Provider create(PluginConfig config, PluginContext context) {
        String label = config.string("label").orElseThrow();
        Duration delay = config.duration("delay").orElseThrow();
        int modelsStatus = config.integer("models-status").orElseThrow().intValue();
        return new Provider() {
            private void record(ChatRequest request, ProviderCall call) {
                CALLS.add(new Call(call.provider(), request.model(), call.key().map(k -> k.reveal()),
                        call.context().upstreamHeaders()));
                if (!delay.isZero()) {
                    try {
                        Thread.sleep(delay);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                switch (request.model()) {
                    case "fail-429" -> throw new GatewayException(GatewayError.of(429, GatewayError.RATE_LIMIT,
                            "Rate limit reached for requests", "rate_limit_exceeded")
                            .withRetryAfter(Duration.ofSeconds(7)));
                    case "fail-500" -> throw new GatewayException(GatewayError.of(500, GatewayError.API_ERROR,
                            "The server had an error", null));
                    case "fail-400" -> throw new GatewayException(GatewayError.invalidRequest(
                            "Invalid value for 'temperature'", "temperature"));
                    default -> {
                    }
                }
            }

            private String answer(ChatRequest request) {
                List<ChatMessage> m = request.messages();
                return label + ": " + m.getLast().text();
            }

            @Override
            public ChatResponse chat(ChatRequest request, ProviderCall call) {
                record(request, call);
                return ChatResponse.of("chatcmpl-1", 1700000000L, request.model(), List.of(
                        Choice.of(0, ChatMessage.assistant(answer(request)), FinishReason.STOP)), Usage.of(3, 2));
            }

            @Override
            public void stream(ChatRequest request, ProviderCall call, ChunkSink sink) {
                record(request, call);
                String id = "chatcmpl-s";
                sink.accept(ChatChunk.of(id, 1, request.model(), ChunkChoice.of(0, ChunkDelta.assistantStart(),
                        null)));
                if (request.model().equals("stream-break")) {
                    throw new GatewayException(GatewayError.of(502, GatewayError.API_ERROR, "upstream broke",
                            "upstream_unreachable"));
                }
                for (String word : answer(request).split(" ")) {
                    sink.accept(ChatChunk.of(id, 1, request.model(), ChunkChoice.of(0, ChunkDelta.text(word + " "),
                            null)));
                }
                sink.accept(ChatChunk.of(id, 1, request.model(), ChunkChoice.of(0, ChunkDelta.EMPTY,
                        FinishReason.STOP)));
                if (request.includeUsage()) {
                    sink.accept(ChatChunk.usage(id, 1, request.model(), Usage.of(3, 2)));
                }
            }

            @Override
            public java.util.Set<io.heimdall.api.provider.Capability> capabilities() {
                return java.util.EnumSet.allOf(io.heimdall.api.provider.Capability.class);
            }

            /** Models named {@code plain...} offer chat and streaming only. */
            @Override
            public java.util.Set<io.heimdall.api.provider.Capability> capabilities(String model) {
                return model.startsWith("plain") ? java.util.EnumSet.of(io.heimdall.api.provider.Capability.CHAT,
                        io.heimdall.api.provider.Capability.STREAMING) : capabilities();
            }

            @Override
            public EmbeddingResponse embed(EmbeddingRequest request, ProviderCall call) {
                List<Embedding> data = new java.util.ArrayList<>();
                for (int i = 0; i < request.input().size(); i++) {
                    data.add(new Embedding(i, new float[]{i, 0.5f, -1f}));
                }
                return new EmbeddingResponse(request.model(), data, Usage.of(request.input().size(), 0));
            }

            @Override
            public List<ModelInfo> listModels(ProviderCall call) {
                if (modelsStatus != 0) {
                    throw new GatewayException(GatewayError.of(modelsStatus, GatewayError.API_ERROR, "down"));
                }
                return List.of(new ModelInfo("ok", 0, "test"));
            }
        };
    }
}
