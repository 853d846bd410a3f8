package io.heimdall.plugin.mcp;

import io.heimdall.api.GatewayException;
import io.heimdall.api.RequestContext;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.ChunkDelta;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.StreamOptions;
import io.heimdall.api.model.ToolCall;
import io.heimdall.api.model.ToolCallDelta;
import io.heimdall.api.model.ToolChoice;
import io.heimdall.api.plugin.GatewayClient;
import io.heimdall.api.provider.ChunkSink;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Agent mode for one request: calls the model (a child request through {@link GatewayClient#stream}), and while it
 * asks only for auto-execute tools, runs them (in parallel) and calls it again with the results, up to a depth and a
 * deadline. Text the model writes flows to the client as it arrives; the last turn ends the stream. When the model
 * asks for a tool that is not auto-execute (or one of the client's own tools), the turn's tool calls go back to the
 * client as ordinary tool calls, unexecuted.
 */
final class AgentLoop {
    private final GatewayClient gateway;
    private final ToolRunner runner;
    private final Set<String> auto;
    private final int maxDepth;
    private final Duration timeout;

    AgentLoop(GatewayClient gateway, ToolRunner runner, List<ToolCatalog.Entry> visible, int maxDepth,
              Duration timeout) {
        this.gateway = gateway;
        this.runner = runner;
        this.auto = visible.stream().filter(ToolCatalog.Entry::autoExecute).map(ToolCatalog.Entry::name)
                .collect(Collectors.toUnmodifiableSet());
        this.maxDepth = maxDepth;
        this.timeout = timeout;
    }

    /** Runs the loop, writing the answer's chunks into {@code sink}. */
    void run(ChatRequest request, RequestContext context, ChunkSink sink) {
        Instant deadline = Instant.now().plus(timeout);
        if (context.deadline().isBefore(deadline)) {
            deadline = context.deadline();
        }
        List<ChatMessage> messages = new ArrayList<>(request.messages());
        // a whole (non-streamed) answer carries usage, as the model's own would
        boolean usage = request.includeUsage() || !request.stream();
        Turn turn = new Turn(sink, usage);
        for (int depth = 0; ; depth++) {
            if (Instant.now().isAfter(deadline)) {
                throw new GatewayException(GatewayError.of(504, GatewayError.TIMEOUT, "The agent loop ran out of "
                        + "time after " + depth + " tool rounds", "agent_timeout"));
            }
            boolean last = depth >= maxDepth;
            ChatRequest.Builder b = request.toBuilder().messages(messages).stream(true);
            if (usage) {
                b.streamOptions(new StreamOptions(true, Map.of()));
            }
            if (last) {
                b.toolChoice(ToolChoice.mode("none"));
            }
            turn.reset();
            gateway.stream(b.build(), context, turn);
            List<ToolCall> calls = turn.calls();
            if (calls.isEmpty() || last) {
                turn.finish();
                return;
            }
            if (!calls.stream().allMatch(c -> auto.contains(c.name()))) {
                turn.returnCalls(calls);
                return;
            }
            messages.add(ChatMessage.assistantToolCalls(Optional.of(turn.text()).filter(t -> !t.isEmpty()), calls));
            messages.addAll(runAll(calls, context, deadline));
        }
    }

    /** Runs the calls in parallel; a failed call's message says why, so the model can react. */
    private List<ChatMessage> runAll(List<ToolCall> calls, RequestContext context, Instant deadline) {
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> futures = new ArrayList<>();
            for (ToolCall call : calls) {
                futures.add(pool.submit(() -> {
                    try {
                        return runner.run(call.name(), call.arguments(), context).text();
                    } catch (GatewayException e) {
                        return "Error: " + e.error().message();
                    }
                }));
            }
            List<ChatMessage> out = new ArrayList<>();
            for (int i = 0; i < calls.size(); i++) {
                long left = Duration.between(Instant.now(), deadline).toMillis();
                String text;
                try {
                    text = futures.get(i).get(Math.max(left, 1), TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException e) {
                    futures.forEach(f -> f.cancel(true));
                    throw new GatewayException(GatewayError.of(504, GatewayError.TIMEOUT,
                            "The agent loop ran out of time waiting for tool '" + calls.get(i).name() + "'",
                            "agent_timeout"));
                } catch (java.util.concurrent.ExecutionException e) {
                    text = "Error: " + e.getCause().getMessage();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    futures.forEach(f -> f.cancel(true));
                    throw new GatewayException(GatewayError.of(499, GatewayError.API_ERROR, "interrupted"));
                }
                out.add(ChatMessage.tool(calls.get(i).id(), text));
            }
            return out;
        }
    }

    /**
     * One model turn: forwards text as it arrives (under one completion id for the whole answer), gathers tool-call
     * fragments, and holds the finish reason and usage until the loop knows whether this turn is the last.
     */
    private static final class Turn implements ChunkSink {
        private final ChunkSink client;
        private final boolean includeUsage;
        private final StringBuilder text = new StringBuilder();
        private final Map<Integer, String[]> calls = new TreeMap<>();
        private String id;
        private long created;
        private String model = "";
        private boolean started;
        private Optional<FinishReason> finish = Optional.empty();
        private ChatChunk usage;

        Turn(ChunkSink client, boolean includeUsage) {
            this.client = client;
            this.includeUsage = includeUsage;
        }

        void reset() {
            text.setLength(0);
            calls.clear();
            finish = Optional.empty();
            usage = null;
        }

        @Override
        public void accept(ChatChunk chunk) {
            if (id == null) {
                id = chunk.id();
                created = chunk.created();
            }
            model = chunk.model();
            if (chunk.choices().isEmpty()) {
                if (chunk.usage().isPresent()) {
                    usage = chunk;
                }
                return;
            }
            ChunkChoice choice = chunk.choices().getFirst();
            ChunkDelta d = choice.delta();
            for (ToolCallDelta t : d.toolCalls()) {
                String[] c = calls.computeIfAbsent(t.index(), i -> new String[] {"", "", ""});
                t.id().ifPresent(v -> c[0] = v);
                t.name().ifPresent(v -> c[1] = c[1] + v);
                t.arguments().ifPresent(v -> c[2] = c[2] + v);
            }
            if (choice.finishReason().isPresent()) {
                finish = choice.finishReason();
            }
            boolean hasText = d.content().filter(s -> !s.isEmpty()).isPresent()
                    || d.reasoningContent().filter(s -> !s.isEmpty()).isPresent() || d.refusal().isPresent();
            if (hasText) {
                d.content().ifPresent(text::append);
                ChunkDelta out = d.toBuilder().toolCalls(List.of()).role(started ? null : "assistant").build();
                send(out, null);
            }
        }

        List<ToolCall> calls() {
            List<ToolCall> out = new ArrayList<>();
            calls.forEach((i, c) -> out.add(ToolCall.function(c[0].isEmpty() ? "call_" + i : c[0], c[1], c[2])));
            return out;
        }

        String text() {
            return text.toString();
        }

        /** Ends the answer with this turn's finish reason. */
        void finish() {
            send(started ? ChunkDelta.EMPTY : ChunkDelta.assistantStart(), finish.orElse(FinishReason.STOP));
            if (includeUsage && usage != null) {
                client.accept(ChatChunk.usage(id, created, model, usage.usage().orElseThrow()));
            }
        }

        /** Ends the answer with the tool calls for the client to run. */
        void returnCalls(List<ToolCall> list) {
            List<ToolCallDelta> deltas = new ArrayList<>();
            for (int i = 0; i < list.size(); i++) {
                ToolCall c = list.get(i);
                deltas.add(ToolCallDelta.start(i, c.id(), c.name(), c.arguments()));
            }
            ChunkDelta d = ChunkDelta.toolCalls(deltas);
            send(started ? d : d.toBuilder().role("assistant").build(), null);
            send(ChunkDelta.EMPTY, FinishReason.TOOL_CALLS);
            if (includeUsage && usage != null) {
                client.accept(ChatChunk.usage(id, created, model, usage.usage().orElseThrow()));
            }
        }

        private void send(ChunkDelta delta, FinishReason reason) {
            started = true;
            client.accept(ChatChunk.of(id == null ? "chatcmpl-mcp" : id, created, model,
                    ChunkChoice.of(0, delta, reason)));
        }
    }
}
