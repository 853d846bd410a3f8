package io.heimdall.provider.cohere;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.Tool;
import io.heimdall.api.model.ToolChoice;
import io.heimdall.api.model.Usage;
import io.heimdall.api.plugin.Secret;
import io.heimdall.api.provider.ApiKey;
import io.heimdall.api.provider.Capability;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.core.StandaloneContext;
import io.heimdall.testkit.TestRequestContext;
import io.heimdall.testkit.tck.Reply;
import io.heimdall.testkit.tck.SeenRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.lang.module.ModuleDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the neutral contract does not cover: Cohere's own fields, tool_choice forms, embeddings, models, headers. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(20)
class CohereProviderTest {
    private static final Secret KEY = Secret.of("co-test-key-0123456789SECRET");
    private static final String SCHEMA = "{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}}}";

    private CohereUpstream upstream;
    private Provider cohere;

    @BeforeAll
    void start() {
        upstream = new CohereUpstream();
        CohereProviderFactory f = new CohereProviderFactory();
        cohere = f.create(StandaloneContext.config("providers.co", Map.of("base-url", upstream.baseUrl() + "/",
                "client-name", "heimdall-test", "embed-input-type", "search_query"), f.configSpec()),
                StandaloneContext.create("co"));
    }

    @AfterAll
    void stop() {
        cohere.close();
        upstream.close();
    }

    @BeforeEach
    void reset() {
        upstream.reset();
    }

    private static ProviderCall call() {
        return new ProviderCall("co", Optional.of(ApiKey.of("co#0", KEY)), new TestRequestContext(), 1);
    }

    private SeenRequest only() {
        assertEquals(1, upstream.requests().size(), "requests: " + upstream.requests());
        return upstream.requests().getFirst();
    }

    @Test
    void moduleProvidesTheFactory() {
        ModuleDescriptor d = CohereProvider.class.getModule().getDescriptor();
        assertEquals("io.heimdall.provider.cohere", d.name());
        assertTrue(d.exports().isEmpty());
        assertEquals(List.of(CohereProviderFactory.class.getName()), d.provides().iterator().next().providers());
    }

    @Test
    void chatGoesToV2ChatWithBearerKeyClientNameAndCohereFields() {
        ChatRequest r = ChatRequest.builder().model("command-a-03-2025").addMessage(ChatMessage.user("hi"))
                .seed(5L).user("u-1").extra("documents", new RawJson("[{\"id\":\"d1\",\"data\":{\"text\":\"x\"}}]"))
                .extra("safety_mode", RawJson.string("STRICT")).extra("logit_bias", new RawJson("{}")).build();
        assertEquals("ok", cohere.chat(r, call()).firstText());
        SeenRequest seen = only();
        assertEquals("POST", seen.method());
        assertEquals("/v2/chat", seen.path());
        assertEquals(Optional.of("Bearer " + KEY.reveal()), seen.header("authorization"));
        assertEquals(Optional.of("heimdall-test"), seen.header("x-client-name"));
        assertTrue(seen.body().contains("\"documents\":[{\"id\":\"d1\""), seen.body());
        assertTrue(seen.body().contains("\"safety_mode\":\"STRICT\""), seen.body());
        assertTrue(seen.body().contains("\"seed\":5"), seen.body());
        assertFalse(seen.body().contains("logit_bias"), "OpenAI-only fields are not sent");
        assertFalse(seen.body().contains("u-1"), "OpenAI-only fields are not sent");
    }

    @Test
    void toolChoiceForms() {
        ChatRequest base = ChatRequest.builder().model("command-a-03-2025").addMessage(ChatMessage.user("q"))
                .tools(List.of(Tool.function("a", "A", new RawJson(SCHEMA)), Tool.function("b", "B",
                        new RawJson(SCHEMA)))).build();
        cohere.chat(base.toBuilder().toolChoice(ToolChoice.mode("required")).build(), call());
        cohere.chat(base.toBuilder().toolChoice(ToolChoice.mode("none")).build(), call());
        cohere.chat(base.toBuilder().toolChoice(ToolChoice.function("b")).build(), call());
        List<SeenRequest> seen = upstream.requests();
        assertEquals("required", seen.get(0).toolChoice());
        assertEquals("none", seen.get(1).toolChoice());
        assertEquals("required", seen.get(2).toolChoice());
        assertEquals(List.of("b"), seen.get(2).toolNames(), "a named function is the only tool, required");
    }

    @Test
    void reasoningEffortBecomesThinking() {
        ChatRequest base = ChatRequest.builder().model("command-a-reasoning-08-2025")
                .addMessage(ChatMessage.user("q")).build();
        cohere.chat(base.toBuilder().extra("reasoning_effort", RawJson.string("high")).build(), call());
        cohere.chat(base.toBuilder().extra("reasoning_effort", RawJson.string("none")).build(), call());
        List<SeenRequest> seen = upstream.requests();
        assertTrue(seen.get(0).body().contains("\"thinking\":{\"type\":\"enabled\"}"), seen.get(0).body());
        assertTrue(seen.get(1).body().contains("\"thinking\":{\"type\":\"disabled\"}"), seen.get(1).body());
        assertFalse(seen.get(0).body().contains("reasoning_effort"));
        assertTrue(cohere.capabilities("command-a-reasoning-08-2025").contains(Capability.REASONING));
    }

    @Test
    void severalChoicesAreRefusedBeforeSending() {
        GatewayException e = assertThrows(GatewayException.class, () -> cohere.chat(ChatRequest.builder()
                .model("command-a-03-2025").addMessage(ChatMessage.user("q")).n(2).build(), call()));
        assertEquals(400, e.error().status());
        assertTrue(upstream.requests().isEmpty());
    }

    @Test
    void streamWithoutIncludeUsageHasNoUsageChunk() {
        upstream.enqueue(new Reply.Text(List.of("a", "b"), "stop", Usage.of(4, 2)));
        List<ChatChunk> chunks = new ArrayList<>();
        cohere.stream(ChatRequest.builder().model("command-a-03-2025").addMessage(ChatMessage.user("q"))
                .stream(true).build(), call(), chunks::add);
        assertTrue(chunks.stream().allMatch(c -> c.usage().isEmpty()));
        assertEquals("stop", chunks.getLast().choices().getFirst().finishReason().orElseThrow().value());
    }

    @Test
    void aStreamedToolCallOnlyAnswerHasNoContent() {
        upstream.enqueue(new Reply.ToolCalls("", List.of(new Reply.ToolCalls.Call("call_1", "lookup",
                List.of("{\"q\":", "\"x\"}"))), Usage.of(4, 2)));
        List<ChatChunk> chunks = new ArrayList<>();
        cohere.stream(ChatRequest.builder().model("command-a-03-2025").addMessage(ChatMessage.user("q"))
                .stream(true).build(), call(), chunks::add);
        assertEquals("assistant", chunks.getFirst().choices().getFirst().delta().role().orElseThrow());
        // OpenAI opens a tool-call-only answer with content null: no empty string for clients to accumulate
        assertTrue(chunks.stream().flatMap(c -> c.choices().stream()).allMatch(c -> c.delta().content().isEmpty()),
                chunks.toString());
        assertEquals("tool_calls", chunks.getLast().choices().getFirst().finishReason().orElseThrow().value());
    }

    @Test
    void embeddingsUseV2EmbedWithFloatTypesAndInputType() {
        EmbeddingRequest r = new EmbeddingRequest("embed-v4.0", List.of("one", "three"), false, Optional.empty(),
                Optional.of(256), Optional.empty(), Map.of());
        EmbeddingResponse response = cohere.embed(r, call());
        assertEquals(2, response.data().size());
        assertEquals(5f, response.data().get(1).vector()[2]);
        assertEquals(2, response.usage().promptTokens());
        SeenRequest seen = only();
        assertEquals("/v2/embed", seen.path());
        assertTrue(seen.body().contains("\"embedding_types\":[\"float\"]"), seen.body());
        assertTrue(seen.body().contains("\"input_type\":\"search_query\""), seen.body());
        assertTrue(seen.body().contains("\"output_dimension\":256"), seen.body());
    }

    @Test
    void modelsComeFromV1Models() {
        List<String> ids = cohere.listModels(call()).stream().map(ModelInfo::id).toList();
        assertEquals(List.of("command-a-03-2025", "embed-v4.0"), ids);
        assertTrue(only().path().startsWith("/v1/models"));
    }

    @Test
    void visionIsDeclaredOnlyForVisionModels() {
        assertTrue(cohere.capabilities("command-a-vision-07-2025").contains(Capability.VISION));
        assertFalse(cohere.capabilities("command-a-03-2025").contains(Capability.VISION));
    }

    @Test
    void aCallWithoutKeyIsRefused() {
        GatewayException e = assertThrows(GatewayException.class, () -> cohere.chat(ChatRequest.builder()
                .model("m").addMessage(ChatMessage.user("q")).build(),
                new ProviderCall("co", Optional.empty(), new TestRequestContext(), 1)));
        assertEquals(401, e.error().status());
    }
}
