package io.heimdall.provider.openai;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.StreamOptions;
import io.heimdall.api.model.Tool;
import io.heimdall.api.model.ToolCall;
import io.heimdall.api.model.ToolCallDelta;
import io.heimdall.api.model.ToolChoice;
import io.heimdall.api.plugin.Secret;
import io.heimdall.api.provider.ApiKey;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.core.StandaloneContext;
import io.heimdall.testkit.TestRequestContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Type {@code mistral} against {@link MistralUpstream}: what Mistral rejects is rewritten, its answers read back. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(20)
class MistralTest {
    private static final Secret KEY = Secret.of("mistral-key-0123456789SECRET");
    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\"}}}";

    private RawServer server;
    private Provider mistral;

    @BeforeAll
    void start() throws IOException {
        server = new RawServer(MistralUpstream::answer);
        MistralProviderFactory f = new MistralProviderFactory();
        mistral = f.create(StandaloneContext.config("providers.mistral", Map.of("base-url", server.baseUrl()),
                f.configSpec()), StandaloneContext.create("mistral"));
    }

    @AfterAll
    void stop() throws IOException {
        mistral.close();
        server.close();
    }

    @BeforeEach
    void reset() {
        server.drain();
    }

    private static ProviderCall call() {
        return new ProviderCall("mistral", Optional.of(ApiKey.of("mistral#0", KEY)), new TestRequestContext(), 1);
    }

    /** What an OpenAI client typically sends, including the fields Mistral forbids. */
    private static ChatRequest openAiStyle(String text) {
        return ChatRequest.builder().model("mistral-small-latest")
                .addMessage(ChatMessage.builder("user").content(text).name("alice").build())
                .seed(42L).user("u-1").maxCompletionTokens(64).extra("safe_prompt", new RawJson("true")).build();
    }

    @Test
    void openAiFieldsAreRewrittenSoMistralAcceptsThem() throws InterruptedException {
        ChatResponse response = mistral.chat(openAiStyle("bonjour"), call());
        assertEquals("Echo: bonjour", response.choices().getFirst().message().text());
        RawServer.Received sent = server.take();
        assertEquals("/v1/chat/completions", sent.path());
        assertEquals("Bearer " + KEY.reveal(), sent.headers().get("authorization"));
        assertTrue(sent.body().contains("\"random_seed\":42"), sent.body());
        assertTrue(sent.body().contains("\"max_tokens\":64"), sent.body());
        assertTrue(sent.body().contains("\"safe_prompt\":true"), "Mistral fields pass through: " + sent.body());
        assertEquals(12, response.usage().orElseThrow().promptTokens());
    }

    @Test
    void requiredToolChoiceIsAnyAndToolCallsComeBackWithMistralIds() throws InterruptedException {
        ChatRequest request = openAiStyle("weather?").toBuilder()
                .tools(List.of(Tool.function("lookup", "Looks up", new RawJson(SCHEMA))))
                .toolChoice(ToolChoice.mode("required")).build();
        ChatResponse response = mistral.chat(request, call());
        ToolCall tc = response.choices().getFirst().message().toolCalls().getFirst();
        assertEquals("D681PevKs", tc.id());
        assertEquals("lookup", tc.name());
        assertEquals("{\"query\": \"weather\"}", tc.arguments());
        assertEquals(Optional.of(FinishReason.TOOL_CALLS), response.choices().getFirst().finishReason());
        assertTrue(server.take().body().contains("\"tool_choice\":\"any\""));
    }

    @Test
    void openAiToolCallIdsAreMappedConsistentlyToNineCharacters() throws InterruptedException {
        String openAiId = "call_Xk2mQ9wq1c0YtTQGaT8bnm4p";
        ChatRequest request = ChatRequest.builder().model("mistral-small-latest")
                .tools(List.of(Tool.function("lookup", "Looks up", new RawJson(SCHEMA))))
                .addMessage(ChatMessage.user("weather?"))
                .addMessage(ChatMessage.assistantToolCalls(Optional.empty(),
                        List.of(ToolCall.function(openAiId, "lookup", "{\"query\":\"weather\"}"))))
                .addMessage(ChatMessage.tool(openAiId, "sunny"))
                .addMessage(ChatMessage.builder("assistant").content("It is sunny.").build())
                .addMessage(ChatMessage.user("thanks"))
                .build();
        ChatResponse response = mistral.chat(request, call());
        assertEquals("Echo: thanks", response.choices().getFirst().message().text());
        String body = server.take().body();
        String mapped = MistralFlavor.toolCallId(openAiId);
        assertTrue(mapped.matches("[A-Za-z0-9]{9}"), mapped);
        assertTrue(body.contains("\"id\":\"" + mapped + "\""), body);
        assertTrue(body.contains("\"tool_call_id\":\"" + mapped + "\""), body);
        assertFalse(body.contains(openAiId));
        assertEquals("D681PevKs", MistralFlavor.toolCallId("D681PevKs"), "Mistral's own ids are kept");
    }

    @Test
    void streamedUsageBecomesItsOwnChunkWhenAsked() {
        List<ChatChunk> chunks = new ArrayList<>();
        mistral.stream(openAiStyle("one two three").toBuilder().stream(true)
                .streamOptions(new StreamOptions(true, Map.of())).build(), call(), chunks::add);
        StringBuilder text = new StringBuilder();
        chunks.forEach(c -> c.choices().forEach(ch -> ch.delta().content().ifPresent(text::append)));
        assertEquals("Echo: one two three", text.toString());
        assertEquals(Optional.of("assistant"), chunks.getFirst().choices().getFirst().delta().role());
        ChatChunk last = chunks.getLast();
        assertTrue(last.choices().isEmpty(), "usage chunk has no choices");
        assertEquals(15, last.usage().orElseThrow().totalTokens());
        ChatChunk finish = chunks.get(chunks.size() - 2);
        assertEquals(Optional.of(FinishReason.STOP), finish.choices().getFirst().finishReason());
        assertTrue(finish.usage().isEmpty());
    }

    @Test
    void streamedUsageIsDroppedWhenNotAsked() {
        List<ChatChunk> chunks = new ArrayList<>();
        mistral.stream(openAiStyle("hi").toBuilder().stream(true).build(), call(), chunks::add);
        assertTrue(chunks.stream().allMatch(c -> c.usage().isEmpty()));
        assertEquals(Optional.of(FinishReason.STOP), chunks.getLast().choices().getFirst().finishReason());
    }

    @Test
    void aWholeToolCallInOneDeltaStreamsAsOneStartingFragment() {
        List<ChatChunk> chunks = new ArrayList<>();
        mistral.stream(openAiStyle("weather?").toBuilder().stream(true)
                .tools(List.of(Tool.function("lookup", "Looks up", new RawJson(SCHEMA)))).build(), call(),
                chunks::add);
        List<ToolCallDelta> deltas = new ArrayList<>();
        chunks.forEach(c -> c.choices().forEach(ch -> deltas.addAll(ch.delta().toolCalls())));
        assertEquals(1, deltas.size());
        assertEquals(0, deltas.getFirst().index());
        assertEquals(Optional.of("D681PevKs"), deltas.getFirst().id());
        assertEquals(Optional.of("lookup"), deltas.getFirst().name());
        assertEquals(Optional.of(FinishReason.TOOL_CALLS), chunks.getLast().choices().getFirst().finishReason());
    }

    @Test
    void validationErrorsAre400WithMistralsMessage() {
        ChatRequest dropped = openAiStyle("x").toBuilder().extra("logit_bias", new RawJson("{}"))
                .extra("service_tier", RawJson.string("auto")).build();
        mistral.chat(dropped, call());
        // A field the flavor does not know to drop still reaches Mistral and is refused with a 422:
        ChatRequest unknown = openAiStyle("x").toBuilder().extra("modalities", new RawJson("[\"text\"]")).build();
        GatewayException e = assertThrows(GatewayException.class, () -> mistral.chat(unknown, call()));
        GatewayError error = e.error();
        assertEquals(400, error.status(), "a 422 is a 400");
        assertEquals(GatewayError.INVALID_REQUEST, error.type());
        assertTrue(error.message().contains("Extra inputs are not permitted"), error.message());
        assertFalse(e.getMessage().contains(KEY.reveal()));
    }

    @Test
    void contextTooLongIsContextLengthExceeded() throws IOException {
        try (RawServer tooLong = new RawServer(r -> RawServer.Reply.json(400, "{\"object\":\"error\",\"message\":"
                + "\"Prompt contains 40000 tokens and 0 draft tokens, too large for model with 32768 maximum context "
                + "length\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":null}"))) {
            MistralProviderFactory f = new MistralProviderFactory();
            try (Provider p = f.create(StandaloneContext.config("providers.mistral",
                    Map.of("base-url", tooLong.baseUrl()), f.configSpec()), StandaloneContext.create("mistral"))) {
                GatewayError error = assertThrows(GatewayException.class, () -> p.chat(openAiStyle("x"), call()))
                        .error();
                assertEquals(400, error.status());
                assertEquals(Optional.of("context_length_exceeded"), error.code());
                assertTrue(error.message().contains("32768"));
            }
        }
    }

    @Test
    void embeddingsSendOutputDimension() throws InterruptedException {
        EmbeddingRequest request = new EmbeddingRequest("mistral-embed", List.of("hello"), true, Optional.empty(),
                Optional.of(256), Optional.of("u-1"), Map.of());
        EmbeddingResponse response = mistral.embed(request, call());
        assertEquals(3, response.data().getFirst().vector().length);
        String body = server.take().body();
        assertTrue(body.contains("\"output_dimension\":256"), body);
    }

    @Test
    void modelsAreListed() {
        List<String> ids = mistral.listModels(call()).stream().map(ModelInfo::id).toList();
        assertEquals(List.of("mistral-small-latest", "mistral-embed"), ids);
    }
}
