package io.heimdall.provider.mock;

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
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.Tool;
import io.heimdall.api.model.ToolCall;
import io.heimdall.api.model.ToolCallDelta;
import io.heimdall.api.model.ToolChoice;
import io.heimdall.api.model.Usage;
import io.heimdall.api.provider.Capability;
import io.heimdall.api.provider.ChunkSink;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderCall;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The mock provider; see {@link MockProviderFactory} for what it answers. Safe for concurrent use: the only shared
 * state is the request counter of the configured failure mode.
 */
final class MockProvider implements Provider {
    static final int DEFAULT_DIMENSIONS = 64;
    static final int MAX_DIMENSIONS = 8192;
    /** The models it lists. */
    static final List<String> MODELS = List.of("echo", "fail-429", "fail-500", "fail-400", "slow", "fail-mid-stream");
    /** How long model {@code slow} sleeps. */
    static final Duration SLOW = Duration.ofSeconds(2);
    /** Size of a streamed tool-call argument fragment, in chars. */
    static final int ARGUMENT_FRAGMENT = 8;
    /** The {@code created} time of listed models: 2025-01-01T00:00:00Z. */
    static final long MODELS_CREATED = 1_735_689_600L;

    private static final Set<Capability> CAPABILITIES = Collections.unmodifiableSet(EnumSet.allOf(Capability.class));

    private final String name;
    private final Clock clock;
    private final Duration latency;
    private final Duration chunkDelay;
    private final OptionalInt failureStatus;
    private final long failureEvery;
    private final int dimensions;
    private final AtomicLong requests = new AtomicLong();

    MockProvider(String name, Clock clock, Duration latency, Duration chunkDelay, OptionalInt failureStatus,
                 long failureEvery, int dimensions) {
        this.name = name;
        this.clock = clock;
        this.latency = latency;
        this.chunkDelay = chunkDelay;
        this.failureStatus = failureStatus;
        this.failureEvery = failureEvery;
        this.dimensions = dimensions;
    }

    @Override
    public ChatResponse chat(ChatRequest request, ProviderCall call) {
        begin(request.model(), call);
        if (request.model().equals("fail-mid-stream")) {
            throw midStreamFailure();
        }
        String id = completionId();
        long created = clock.millis() / 1000;
        long prompt = promptWords(request);
        Optional<Tool> tool = chooseTool(request);
        if (tool.isPresent()) {
            ToolCall toolCall = toolCall(tool.get(), lastUserText(request));
            ChatMessage message = ChatMessage.assistantToolCalls(Optional.empty(), List.of(toolCall));
            return ChatResponse.of(id, created, request.model(),
                    List.of(Choice.of(0, message, FinishReason.TOOL_CALLS)),
                    Usage.of(prompt, Words.count(toolCall.arguments())));
        }
        String reply = replyText(request);
        long words = Words.count(reply);
        FinishReason finish = FinishReason.STOP;
        Optional<Integer> limit = request.tokenLimit();
        if (limit.isPresent() && limit.get() >= 0 && words > limit.get()) {
            reply = String.join("", Words.chunks(reply).subList(0, limit.get()));
            words = limit.get();
            finish = FinishReason.LENGTH;
        }
        return ChatResponse.of(id, created, request.model(),
                List.of(Choice.of(0, ChatMessage.assistant(reply), finish)), Usage.of(prompt, words));
    }

    @Override
    public void stream(ChatRequest request, ProviderCall call, ChunkSink sink) {
        begin(request.model(), call);
        String id = completionId();
        long created = clock.millis() / 1000;
        String model = request.model();
        long prompt = promptWords(request);
        Optional<Tool> tool = chooseTool(request);
        Emitter out = new Emitter(sink, call, id, created, model);
        long completion;
        FinishReason finish;
        if (tool.isPresent() && !model.equals("fail-mid-stream")) {
            ToolCall toolCall = toolCall(tool.get(), lastUserText(request));
            out.delta(new ChunkDelta(Optional.of("assistant"), Optional.empty(), Optional.empty(), List.of(),
                    Map.of()));
            out.delta(ChunkDelta.toolCalls(List.of(ToolCallDelta.start(0, toolCall.id(), toolCall.name(), ""))));
            String args = toolCall.arguments();
            for (int start = 0; start < args.length(); ) {
                int end = Math.min(args.length(), start + ARGUMENT_FRAGMENT);
                if (end < args.length() && Character.isHighSurrogate(args.charAt(end - 1))) {
                    end++;
                }
                out.delta(ChunkDelta.toolCalls(List.of(ToolCallDelta.arguments(0, args.substring(start, end)))));
                start = end;
            }
            completion = Words.count(args);
            finish = FinishReason.TOOL_CALLS;
        } else {
            List<String> pieces = Words.chunks(replyText(request));
            out.delta(ChunkDelta.assistantStart());
            if (model.equals("fail-mid-stream")) {
                out.delta(ChunkDelta.text(pieces.getFirst()));
                throw midStreamFailure();
            }
            finish = FinishReason.STOP;
            Optional<Integer> limit = request.tokenLimit();
            if (limit.isPresent() && limit.get() >= 0 && pieces.size() > limit.get()) {
                pieces = pieces.subList(0, limit.get());
                finish = FinishReason.LENGTH;
            }
            for (String piece : pieces) {
                out.delta(ChunkDelta.text(piece));
            }
            completion = pieces.size();
        }
        out.chunk(ChatChunk.of(id, created, model, ChunkChoice.of(0, ChunkDelta.EMPTY, finish)));
        if (request.includeUsage()) {
            out.chunk(ChatChunk.usage(id, created, model, Usage.of(prompt, completion)));
        }
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, ProviderCall call) {
        begin(request.model(), call);
        if (request.model().equals("fail-mid-stream")) {
            throw midStreamFailure();
        }
        if (request.input().isEmpty()) {
            throw GatewayException.badRequest("'input' must not be empty", "input");
        }
        int size = request.dimensions().orElse(dimensions);
        if (size < 1 || size > MAX_DIMENSIONS) {
            throw GatewayException.badRequest("'dimensions' must be between 1 and " + MAX_DIMENSIONS, "dimensions");
        }
        List<Embedding> data = new ArrayList<>(request.input().size());
        long words = 0;
        for (int i = 0; i < request.input().size(); i++) {
            String text = request.input().get(i);
            data.add(new Embedding(i, Vectors.embed(text, size)));
            words += Words.count(text);
        }
        return new EmbeddingResponse(request.model(), data, Usage.of(words, 0));
    }

    @Override
    public List<ModelInfo> listModels(ProviderCall call) {
        List<ModelInfo> models = new ArrayList<>(MODELS.size());
        for (String model : MODELS) {
            models.add(new ModelInfo(model, MODELS_CREATED, call.provider()));
        }
        return models;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    /** Latency, configured failures and model-name faults: everything before the first byte. */
    private void begin(String model, ProviderCall call) {
        pause(latency, call);
        if (failureStatus.isPresent() && requests.incrementAndGet() % failureEvery == 0) {
            int status = failureStatus.getAsInt();
            GatewayError error = GatewayError.of(status, GatewayError.typeForStatus(status),
                    "Mock provider '" + name + "' failed as configured (failure-status " + status + ")",
                    "mock_failure");
            throw new GatewayException(status == 429 ? error.withRetryAfter(Duration.ofSeconds(1)) : error);
        }
        switch (model) {
            case "fail-429" -> throw new GatewayException(GatewayError.of(429, GatewayError.RATE_LIMIT,
                    "Mock rate limit: model 'fail-429' always fails", "rate_limit_exceeded")
                    .withRetryAfter(Duration.ofSeconds(1)));
            case "fail-500" -> throw new GatewayException(GatewayError.of(500, GatewayError.API_ERROR,
                    "Mock server error: model 'fail-500' always fails", "server_error"));
            case "fail-400" -> throw new GatewayException(new GatewayError(400, GatewayError.INVALID_REQUEST,
                    "Mock bad request: model 'fail-400' always fails", Optional.of("model"),
                    Optional.of("mock_bad_request"), Optional.empty()));
            case "slow" -> pause(SLOW, call);
            default -> {
                // echo and any other name answer normally
            }
        }
    }

    private static GatewayException midStreamFailure() {
        return new GatewayException(GatewayError.of(502, GatewayError.API_ERROR,
                "Mock stream failure: model 'fail-mid-stream' breaks off", "mock_stream_broken"));
    }

    /** Sleeps, but not past the request's deadline: a sleep that would end after it ends there with a 504. */
    private void pause(Duration duration, ProviderCall call) {
        if (duration.isZero()) {
            return;
        }
        Duration left = Duration.between(clock.instant(), call.context().deadline());
        boolean timesOut = left.compareTo(duration) < 0;
        Duration sleep = timesOut ? (left.isNegative() ? Duration.ZERO : left) : duration;
        try {
            Thread.sleep(sleep);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GatewayException(GatewayError.of(499, GatewayError.API_ERROR, "The request was cancelled",
                    "client_closed"), e);
        }
        if (timesOut) {
            throw new GatewayException(GatewayError.upstreamTimeout(name));
        }
    }

    private static String completionId() {
        return "chatcmpl-mock-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1);
    }

    /** The text of the last user message, or the empty string. */
    static String lastUserText(ChatRequest request) {
        List<ChatMessage> messages = request.messages();
        for (int i = messages.size() - 1; i >= 0; i--) {
            ChatMessage m = messages.get(i);
            if (m.role().equals("user")) {
                return m.text();
            }
        }
        return "";
    }

    private static long promptWords(ChatRequest request) {
        long words = 0;
        for (ChatMessage m : request.messages()) {
            words += Words.count(m.text());
        }
        return words;
    }

    /** The text reply: {@code Echo: <text>}, or a JSON object in JSON mode. */
    static String replyText(ChatRequest request) {
        String text = lastUserText(request);
        if (request.responseFormat().isPresent()) {
            String type = request.responseFormat().get().type();
            if (type.equals("json_object") || type.equals("json_schema")) {
                return "{\"echo\":" + RawJson.string(text).json() + "}";
            }
        }
        return "Echo: " + text;
    }

    /** The tool to call, if any: see {@link MockProviderFactory}. */
    static Optional<Tool> chooseTool(ChatRequest request) {
        List<Tool> tools = request.tools();
        if (tools.isEmpty()) {
            return Optional.empty();
        }
        ToolChoice choice = request.toolChoice().orElse(ToolChoice.mode("auto"));
        switch (choice.mode()) {
            case "none" -> {
                return Optional.empty();
            }
            case "function" -> {
                String wanted = choice.function().orElse("");
                for (Tool t : tools) {
                    if (t.name().equals(wanted)) {
                        return Optional.of(t);
                    }
                }
                throw GatewayException.badRequest("tool_choice names function '" + wanted
                        + "', which is not among the tools", "tool_choice");
            }
            case "required" -> {
                return Optional.of(tools.getFirst());
            }
            default -> {
                List<ChatMessage> messages = request.messages();
                boolean answeredTool = !messages.isEmpty() && messages.getLast().role().equals("tool");
                return answeredTool ? Optional.empty() : Optional.of(tools.getFirst());
            }
        }
    }

    /** The deterministic call of a tool: arguments from the user's text, id from a hash of name and arguments. */
    static ToolCall toolCall(Tool tool, String userText) {
        String arguments = "{\"query\":" + RawJson.string(userText).json() + "}";
        long hash = Vectors.fnv1a(tool.name() + '\u0000' + arguments);
        String id = "call_" + HexFormat.of().toHexDigits(hash);
        return ToolCall.function(id, tool.name(), arguments);
    }

    @Override
    public String toString() {
        return "MockProvider[" + name + "]";
    }

    /** Sends chunks of one stream, sleeping {@code chunk-delay} between two. */
    private final class Emitter {
        private final ChunkSink sink;
        private final ProviderCall call;
        private final String id;
        private final long created;
        private final String model;
        private boolean first = true;

        Emitter(ChunkSink sink, ProviderCall call, String id, long created, String model) {
            this.sink = sink;
            this.call = call;
            this.id = id;
            this.created = created;
            this.model = model;
        }

        void delta(ChunkDelta delta) {
            chunk(ChatChunk.of(id, created, model, ChunkChoice.of(0, delta, null)));
        }

        void chunk(ChatChunk chunk) {
            if (!first) {
                pause(chunkDelay, call);
            }
            first = false;
            sink.accept(chunk);
        }
    }
}
