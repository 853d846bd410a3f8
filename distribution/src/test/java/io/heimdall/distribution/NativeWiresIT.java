package io.heimdall.distribution;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.helpers.ChatCompletionAccumulator;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import com.openai.models.chat.completions.ChatCompletionMessageFunctionToolCall;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import io.heimdall.api.model.Usage;
import io.heimdall.distribution.NativeWires.Target;
import io.heimdall.provider.anthropic.AnthropicMocks;
import io.heimdall.provider.bedrock.BedrockMocks;
import io.heimdall.testkit.MockOpenAiServer;
import io.heimdall.testkit.tck.Reply;
import io.heimdall.testkit.tck.SeenRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Issue 7's "Checked by", end to end through the packaged {@code bin/heimdall}: providers of type anthropic,
 * bedrock, gemini, vertex (Gemini and Claude models, a fixed access token), cohere and azure-openai in front of mock
 * upstreams speaking each native wire (the providers' own test mocks, linked into this module's tests: Anthropic SSE,
 * Bedrock binary event-stream frames with CRCs and a recomputed SigV4 signature, Gemini/Vertex SSE, Cohere v2 SSE,
 * Azure deployment paths with {@code api-key}), driven by the official OpenAI Java SDK. Each native upstream is
 * scripted with what an OpenAI-shaped upstream ({@link MockOpenAiServer}, provider {@code ref}) answered for the same
 * request, and the SDK's view of both answers is compared field by field: chat, streams with usage, streamed tool
 * calls; parallel streamed tool calls (split mid-JSON) against their scripted values. Also Anthropic 529 → Bedrock
 * fallback with one request id seen by both upstreams.
 */
@Timeout(60)
class NativeWiresIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;
    static NativeWires wires;
    static OpenAIClient client;

    static Stream<Target> targets() {
        return wires.targets().stream();
    }

    @BeforeAll
    static void start() throws Exception {
        wires = NativeWires.start(tmp);
        client = OpenAIOkHttpClient.builder().baseUrl(wires.baseUrl() + "/v1").apiKey(NativeWires.CLIENT_KEY)
                .maxRetries(0).timeout(Duration.ofSeconds(20)).responseValidation(true).build();
    }

    @AfterAll
    static void stop() throws Exception {
        if (client != null) {
            client.close();
        }
        if (wires != null) {
            wires.close();
        }
    }

    private static void reset() {
        wires.reset();
    }

    // ------------------------------------------------------------------------------------------------ chat

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void chatMatchesTheOpenAiShapedAnswer(Target target) {
        reset();
        ChatCompletion expected = client.chat().completions().create(SdkGateway.chat(NativeWires.REFERENCE,
                "Hello through every wire"));
        CompletionUsage usage = expected.usage().orElseThrow();
        String text = expected.choices().getFirst().message().content().orElseThrow();
        target.upstream().ifPresent(u -> u.enqueue(new Reply.Text(List.of(text), "stop",
                Usage.of(usage.promptTokens(), usage.completionTokens()))));

        ChatCompletion actual = client.chat().completions().create(SdkGateway.chat(target.model(),
                "Hello through every wire"));

        ChatCompletion.Choice want = expected.choices().getFirst();
        ChatCompletion.Choice got = actual.choices().getFirst();
        assertAll(target.model(),
                () -> assertEquals(1, actual.choices().size()),
                () -> assertEquals(want.index(), got.index()),
                () -> assertEquals(want.message().content(), got.message().content()),
                () -> assertEquals(want.message()._role(), got.message()._role()),
                () -> assertEquals(want.message().toolCalls().map(List::size).orElse(0),
                        got.message().toolCalls().map(List::size).orElse(0)),
                () -> assertEquals(want.finishReason(), got.finishReason()),
                () -> assertEquals(expected._object_(), actual._object_()),
                () -> assertFalse(actual.id().isEmpty()),
                () -> assertEquals(usage.promptTokens(), actual.usage().orElseThrow().promptTokens()),
                () -> assertEquals(usage.completionTokens(), actual.usage().orElseThrow().completionTokens()),
                () -> assertEquals(usage.totalTokens(), actual.usage().orElseThrow().totalTokens()));
        assertNativeRequest(target, false, "Hello through every wire");
    }

    // ------------------------------------------------------------------------------------------------ streams

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void streamMatchesTheOpenAiShapedStream(Target target) {
        reset();
        ChatCompletionCreateParams.Builder params = ChatCompletionCreateParams.builder()
                .addUserMessage("stream these five words please")
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build());
        Streamed expected = Streamed.of(client, params.model(NativeWires.REFERENCE).build());
        target.upstream().ifPresent(u -> u.enqueue(new Reply.Text(expected.contentDeltas(), "stop",
                expected.usage())));

        Streamed actual = Streamed.of(client, params.model(target.model()).build());

        assertAll(target.model(),
                () -> assertEquals(expected.contentDeltas(), actual.contentDeltas(), "each content delta"),
                () -> assertEquals(expected.finishReasons(), actual.finishReasons()),
                () -> assertEquals(expected.usage(), actual.usage()),
                () -> assertEquals(1, actual.usageChunks(), "one usage chunk"),
                () -> actual.assertWellFormed());
        assertNativeRequest(target, true, "stream these five words please");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void streamedToolCallMatchesTheOpenAiShapedStream(Target target) throws Exception {
        reset();
        ChatCompletionCreateParams.Builder params = withLookupTool("Weather in Bergen and Tromsø, \"quoted\"?");
        Streamed expected = Streamed.of(client, params.model(NativeWires.REFERENCE).build());
        ChatCompletionMessageFunctionToolCall want = expected.completion().choices().getFirst().message().toolCalls()
                .orElseThrow().getFirst().asFunction();
        target.upstream().ifPresent(u -> u.enqueue(new Reply.ToolCalls("", List.of(new Reply.ToolCalls.Call(
                want.id(), want.function().name(), expected.argumentFragments())), expected.usage())));

        Streamed actual = Streamed.of(client, params.model(target.model()).build());

        ChatCompletion.Choice choice = actual.completion().choices().getFirst();
        List<ChatCompletionMessageFunctionToolCall> calls = choice.message().toolCalls().orElseThrow().stream()
                .map(c -> c.asFunction()).toList();
        assertEquals(1, calls.size(), target.model());
        ChatCompletionMessageFunctionToolCall got = calls.getFirst();
        assertAll(target.model(),
                () -> assertEquals(want.function().name(), got.function().name()),
                () -> assertEquals(JSON.readTree(want.function().arguments()),
                        JSON.readTree(got.function().arguments())),
                () -> assertEquals(target.sameToolCallId() ? want.id() : got.id(), got.id(), "tool call id"),
                () -> assertFalse(got.id().isEmpty()),
                () -> assertEquals(expected.finishReasons(), actual.finishReasons()),
                () -> assertEquals(expected.completion().choices().getFirst().message().content(),
                        choice.message().content()),
                () -> assertEquals(expected.usage(), actual.usage()),
                () -> actual.assertWellFormed());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("targets")
    void parallelStreamedToolCallsKeepTheirIndexIdNameAndArguments(Target target) throws Exception {
        if (target.upstream().isEmpty()) {
            return; // the Azure mock calls one tool; its wire is OpenAI's, checked above
        }
        reset();
        target.upstream().get().enqueue(new Reply.ToolCalls("", List.of(
                new Reply.ToolCalls.Call("call_par_1", "lookup", List.of("{\"query\":", "\"Ber", "gen\"}")),
                new Reply.ToolCalls.Call("call_par_2", "lookup", List.of("{\"query\":\"Troms", "ø\"}"))),
                Usage.of(21, 9)));

        Streamed actual = Streamed.of(client, withLookupTool("Bergen and Tromsø").model(target.model()).build());

        List<ChatCompletionMessageFunctionToolCall> calls = actual.completion().choices().getFirst().message()
                .toolCalls().orElseThrow().stream().map(c -> c.asFunction()).toList();
        assertEquals(2, calls.size(), target.model());
        assertAll(target.model(),
                () -> assertEquals(JSON.readTree("{\"query\":\"Bergen\"}"),
                        JSON.readTree(calls.get(0).function().arguments())),
                () -> assertEquals(JSON.readTree("{\"query\":\"Tromsø\"}"),
                        JSON.readTree(calls.get(1).function().arguments())),
                () -> assertEquals(List.of("lookup", "lookup"), calls.stream().map(c -> c.function().name()).toList()),
                () -> assertEquals(target.sameToolCallId() ? List.of("call_par_1", "call_par_2")
                        : calls.stream().map(c -> c.id()).toList(), calls.stream().map(c -> c.id()).toList()),
                () -> assertEquals(2, calls.stream().map(c -> c.id()).distinct().count(), "distinct ids"),
                () -> assertEquals(List.of("tool_calls"), actual.finishReasons()),
                () -> assertEquals(Usage.of(21, 9), actual.usage()),
                () -> assertEquals(Optional.empty(), actual.completion().choices().getFirst().message().content()),
                () -> actual.assertWellFormed());
    }

    // ------------------------------------------------------------------------------------------------ fallback

    @Test
    void anthropicOverloadedFallsBackToBedrockWithTheSameRequestId() {
        reset();
        wires.anthropic.enqueue(new Reply.Failure(Reply.Kind.OVERLOADED, "Overloaded", Optional.empty()));
        wires.bedrock.enqueue(Reply.text("served by bedrock"));
        ChatCompletion answer = client.chat().completions().create(ChatCompletionCreateParams.builder()
                .model("claude-with-fallback").addUserMessage("fall back please")
                .putAdditionalHeader("x-request-id", "e2e-fallback-529").build());
        assertEquals(Optional.of("served by bedrock"), answer.choices().getFirst().message().content());
        SeenRequest first = wires.anthropic.requests().getFirst();
        SeenRequest second = wires.bedrock.requests().getFirst();
        assertAll(
                () -> assertEquals(1, wires.anthropic.requests().size(), "no retry of the overloaded target"),
                () -> assertEquals(Optional.of("e2e-fallback-529"), first.header("x-request-id")),
                () -> assertEquals(Optional.of("e2e-fallback-529"), second.header("x-request-id")),
                () -> assertEquals("anthropic.claude-3-haiku-20240307-v1:0", second.model()),
                () -> assertEquals(List.of(), BedrockMocks.signatureProblems(wires.bedrock)));
    }

    // ------------------------------------------------------------------------------------------------ models

    @Test
    void theModelListAsksEachNativeListingApiOnceAndFallsBackToConfig() {
        reset();
        AnthropicMocks.models(wires.anthropic, List.of("claude-sonnet-4-5", "claude-haiku-4-5"));
        BedrockMocks.listing(wires.bedrock, """
                {"modelSummaries": [
                  {"modelArn": "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0",
                   "modelId": "anthropic.claude-3-haiku-20240307-v1:0", "modelName": "Claude 3 Haiku",
                   "providerName": "Anthropic", "inputModalities": ["TEXT", "IMAGE"], "outputModalities": ["TEXT"],
                   "responseStreamingSupported": true, "inferenceTypesSupported": ["ON_DEMAND"],
                   "modelLifecycle": {"status": "ACTIVE"}},
                  {"modelArn": "arn:aws:bedrock:us-east-1::foundation-model/stability.sd3-large-v1:0",
                   "modelId": "stability.sd3-large-v1:0", "modelName": "SD3 Large", "providerName": "Stability AI",
                   "inputModalities": ["TEXT"], "outputModalities": ["IMAGE"], "inferenceTypesSupported": ["ON_DEMAND"],
                   "modelLifecycle": {"status": "ACTIVE"}}]}""");
        List<String> first = client.models().list().data().stream().map(m -> m.id()).toList();
        List<String> second = client.models().list().data().stream().map(m -> m.id()).toList();
        assertAll(
                () -> assertTrue(first.containsAll(List.of("anthropic/claude-sonnet-4-5", "anthropic/claude-haiku-4-5",
                        "bedrock/anthropic.claude-3-haiku-20240307-v1:0", "gemini/gemini-2.5-flash",
                        "vertex/gemini-2.0-flash", "vertex/text-embedding-005",
                        "vertex-claude/claude-sonnet-4-5@20250929", "cohere/command-a-03-2025")), first.toString()),
                () -> assertFalse(first.contains("bedrock/stability.sd3-large-v1:0"), "image models are not listed"),
                () -> assertEquals(first, second),
                () -> assertEquals(1, BedrockMocks.listings(wires.bedrock), "ListFoundationModels is cached"),
                () -> assertEquals(List.of(), BedrockMocks.signatureProblems(wires.bedrock)));
        // Claude on Vertex's mock has no publisher model list: the configured models, and one warning
        String log = wires.output();
        assertEquals(1, log.split("Provider 'vertex-claude' could not list its models", -1).length - 1, log);
        assertFalse(log.contains(NativeWires.AWS_SECRET) || log.contains(NativeWires.VERTEX_TOKEN),
                "no secret in the log");
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private static void assertNativeRequest(Target target, boolean stream, String text) {
        wires.assertNativeRequest(target, 1, 0, stream, text);
    }

    private static ChatCompletionCreateParams.Builder withLookupTool(String text) {
        FunctionParameters parameters = FunctionParameters.builder()
                .putAdditionalProperty("type", JsonValue.from("object"))
                .putAdditionalProperty("properties", JsonValue.from(Map.of("query", Map.of("type", "string"))))
                .putAdditionalProperty("required", JsonValue.from(List.of("query")))
                .build();
        return ChatCompletionCreateParams.builder()
                .addUserMessage(text)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build())
                .addTool(ChatCompletionFunctionTool.builder().function(FunctionDefinition.builder()
                        .name("lookup").description("Looks something up").parameters(parameters).build()).build());
    }

    /** A stream as the SDK saw it, chunk by chunk and accumulated. */
    record Streamed(List<ChatCompletionChunk> chunks, ChatCompletion completion) {
        static Streamed of(OpenAIClient client, ChatCompletionCreateParams params) {
            ChatCompletionAccumulator accumulator = ChatCompletionAccumulator.create();
            List<ChatCompletionChunk> chunks = new ArrayList<>();
            try (StreamResponse<ChatCompletionChunk> stream = client.chat().completions().createStreaming(params)) {
                stream.stream().forEach(c -> {
                    chunks.add(c);
                    accumulator.accumulate(c);
                });
            }
            return new Streamed(List.copyOf(chunks), accumulator.chatCompletion());
        }

        List<String> contentDeltas() {
            return chunks.stream().flatMap(c -> c.choices().stream()).flatMap(ch -> ch.delta().content().stream())
                    .filter(s -> !s.isEmpty()).toList();
        }

        List<String> argumentFragments() {
            return toolDeltas().stream().flatMap(t -> t.function().flatMap(f -> f.arguments()).stream())
                    .filter(s -> !s.isEmpty()).toList();
        }

        List<ChatCompletionChunk.Choice.Delta.ToolCall> toolDeltas() {
            return chunks.stream().flatMap(c -> c.choices().stream())
                    .flatMap(ch -> ch.delta().toolCalls().orElse(List.of()).stream()).toList();
        }

        List<String> finishReasons() {
            return chunks.stream().flatMap(c -> c.choices().stream()).flatMap(ch -> ch.finishReason().stream())
                    .map(f -> f.asString()).toList();
        }

        long usageChunks() {
            return chunks.stream().filter(c -> c.usage().isPresent()).count();
        }

        Usage usage() {
            CompletionUsage u = chunks.stream().flatMap(c -> c.usage().stream()).reduce((a, b) -> b).orElseThrow();
            assertEquals(u.promptTokens() + u.completionTokens(), u.totalTokens(), u.toString());
            return Usage.of(u.promptTokens(), u.completionTokens());
        }

        /**
         * Role on the first chunk, one id for the whole stream, the usage chunk last and without choices, tool-call
         * deltas with a stable index and their id and name on the first delta only.
         */
        void assertWellFormed() {
            assertTrue(chunks.getFirst().choices().getFirst().delta().role().isPresent(), "role on the first chunk");
            assertEquals(1, chunks.stream().map(ChatCompletionChunk::id).distinct().count(), "one stream id");
            assertTrue(chunks.getLast().choices().isEmpty() && chunks.getLast().usage().isPresent(), "usage last");
            List<ChatCompletionChunk.Choice.Delta.ToolCall> tools = toolDeltas();
            if (!tools.isEmpty()) {
                for (long index : tools.stream().map(t -> t.index()).distinct().toList()) {
                    List<ChatCompletionChunk.Choice.Delta.ToolCall> of = tools.stream()
                            .filter(t -> t.index() == index).toList();
                    assertTrue(of.getFirst().id().isPresent() && of.getFirst().function().flatMap(f -> f.name())
                            .isPresent(), "id and name on the first delta of call " + index);
                    assertTrue(of.stream().skip(1).allMatch(t -> t.id().isEmpty()), "the id once, call " + index);
                }
                assertEquals(List.of(), tools.stream().map(t -> t.index()).distinct().filter(i -> i < 0 || i > 1)
                        .toList(), "indexes 0 and 1 only");
            }
        }
    }
}
