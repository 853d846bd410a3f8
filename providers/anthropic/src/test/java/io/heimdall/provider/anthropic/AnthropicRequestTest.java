package io.heimdall.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import io.heimdall.api.model.CacheControl;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.ContentPart;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.MessageContent;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.ResponseFormat;
import io.heimdall.api.model.Tool;
import io.heimdall.api.model.ToolCall;
import io.heimdall.api.model.ToolChoice;
import io.heimdall.api.model.Usage;
import io.heimdall.testkit.tck.Reply;
import io.heimdall.testkit.tck.SeenRequest;
import io.heimdall.testkit.tck.SeenMessage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The canonical request as the Messages API receives it, and non-streamed answers read back. */
class AnthropicRequestTest extends AnthropicTestBase {
    private static final RawJson SCHEMA = new RawJson("{\"type\":\"object\",\"properties\":{\"q\":{\"type\":\"string\"}}}");

    @Override
    Map<String, Object> config() {
        return Map.of("anthropic-beta", List.of("prompt-caching-2024-07-31", "interleaved-thinking-2025-05-14"),
                "default-max-tokens", 1000);
    }

    @Test
    void headersPathSystemAndSamplingParameters() {
        ChatResponse response = provider.chat(request(ChatMessage.system("Be brief."), ChatMessage.user("Hi"))
                .temperature(0.25).topP(0.5).stop(List.of("END")).user("u-1").build(), call());
        assertEquals("ok", response.firstText());
        SeenRequest seen = upstream.requests().getFirst();
        assertEquals("POST", seen.method());
        assertEquals("/v1/messages", seen.path());
        assertEquals(List.of(SECRET), seen.headers().get("x-api-key"));
        assertEquals(List.of("2023-06-01"), seen.headers().get("anthropic-version"));
        assertEquals(List.of("prompt-caching-2024-07-31,interleaved-thinking-2025-05-14"),
                seen.headers().get("anthropic-beta"));
        assertTrue(seen.headers().get("content-type").getFirst().startsWith("application/json"));
        assertFalse(seen.headers().containsKey("authorization"));
        JsonNode body = body();
        assertEquals(MODEL, body.get("model").asText());
        assertEquals("Be brief.", body.get("system").asText());
        assertEquals(1000, body.get("max_tokens").asInt(), "default-max-tokens");
        assertEquals(0.25, body.get("temperature").asDouble());
        assertEquals(0.5, body.get("top_p").asDouble());
        assertEquals("END", body.get("stop_sequences").get(0).asText());
        assertEquals("u-1", body.get("metadata").get("user_id").asText());
        assertEquals(json("[{\"role\":\"user\",\"content\":\"Hi\"}]"), body.get("messages"));
        assertFalse(body.has("stream"));
    }

    @Test
    void modelNameGoesIntoTheBodyOnlyAndNeedsNoEncoding() {
        String model = "claude-3-5-sonnet-v2@20241022/../x y";
        provider.chat(ChatRequest.builder().model(model).addMessage(ChatMessage.user("Hi")).maxTokens(7).build(),
                call());
        assertEquals("/v1/messages", upstream.requests().getFirst().path());
        assertEquals(model, body().get("model").asText());
        assertEquals(7, body().get("max_tokens").asInt());
    }

    @Test
    void imagesAsBase64AndUrlSources() {
        ChatMessage user = ChatMessage.builder("user").content(new MessageContent.Parts(List.of(
                ContentPart.text("What is this?"),
                new ContentPart.Image("data:image/png;base64,iVBORw0KGgo=", Optional.empty()),
                new ContentPart.Image("https://example.com/cat.jpg", Optional.of("high"))))).build();
        provider.chat(request(user).build(), call());
        assertEquals(json("""
                [{"type":"text","text":"What is this?"},
                 {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
                 {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}]"""),
                body().get("messages").get(0).get("content"));
    }

    @Test
    void toolsToolChoiceAndParallelToolCalls() {
        Tool lookup = Tool.function("lookup", "Looks up", SCHEMA).withCacheControl(CacheControl.ephemeral());
        provider.chat(request(ChatMessage.user("q")).tools(List.of(lookup)).toolChoice(ToolChoice.mode("required"))
                .parallelToolCalls(false).build(), call());
        JsonNode body = body();
        assertEquals(json("""
                [{"name":"lookup","description":"Looks up","input_schema":%s,"cache_control":{"type":"ephemeral"}}]"""
                .formatted(SCHEMA.json())), body.get("tools"));
        assertEquals(json("{\"type\":\"any\",\"disable_parallel_tool_use\":true}"), body.get("tool_choice"));

        for (Map.Entry<ToolChoice, String> e : Map.of(ToolChoice.mode("auto"), "{\"type\":\"auto\"}",
                ToolChoice.mode("none"), "{\"type\":\"none\"}",
                ToolChoice.function("lookup"), "{\"type\":\"tool\",\"name\":\"lookup\"}").entrySet()) {
            upstream.reset();
            provider.chat(request(ChatMessage.user("q")).tools(List.of(lookup)).toolChoice(e.getKey()).build(),
                    call());
            assertEquals(json(e.getValue()), body().get("tool_choice"));
        }
    }

    @Test
    void consecutiveToolResultsBecomeOneUserMessage() {
        ChatMessage assistant = ChatMessage.assistantToolCalls(Optional.of("Checking."), List.of(
                ToolCall.function("toolu_1", "lookup", "{\"q\":\"a\"}"),
                ToolCall.function("toolu_2", "lookup", "")));
        provider.chat(request(ChatMessage.user("q"), assistant, ChatMessage.tool("toolu_1", "A"),
                ChatMessage.tool("toolu_2", "B"), ChatMessage.user("thanks")).build(), call());
        assertEquals(json("""
                [{"role":"user","content":"q"},
                 {"role":"assistant","content":[{"type":"text","text":"Checking."},
                   {"type":"tool_use","id":"toolu_1","name":"lookup","input":{"q":"a"}},
                   {"type":"tool_use","id":"toolu_2","name":"lookup","input":{}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"A"},
                   {"type":"tool_result","tool_use_id":"toolu_2","content":"B"}]},
                 {"role":"user","content":"thanks"}]"""), body().get("messages"));
        List<SeenMessage> seen = upstream.requests().getFirst().messages();
        assertEquals(List.of("user", "assistant", "tool", "tool", "user"),
                seen.stream().map(SeenMessage::role).toList());
    }

    @Test
    void toolCallIdsFromOtherProvidersAreMadeAcceptableConsistently() {
        ChatMessage assistant = ChatMessage.assistantToolCalls(Optional.empty(), List.of(
                ToolCall.function("functions.lookup:0", "lookup", "{}")));
        provider.chat(request(ChatMessage.user("q"), assistant, ChatMessage.tool("functions.lookup:0", "A")).build(),
                call());
        JsonNode messages = body().get("messages");
        assertEquals("functions_lookup_0", messages.at("/1/content/0/id").asText());
        assertEquals("functions_lookup_0", messages.at("/2/content/0/tool_use_id").asText());
    }

    @Test
    void cacheControlOnSystemPartsMessagesAndUsageWithCachedTokens() {
        ChatMessage system = ChatMessage.builder("system").content(new MessageContent.Parts(List.of(
                ContentPart.text("Long policy."), new ContentPart.Text("Cached part.").withCacheControl(
                        CacheControl.ephemeral("1h"))))).build();
        ChatMessage user = ChatMessage.builder("user").content("Question").cacheControl(CacheControl.ephemeral())
                .build();
        upstream.enqueue(AnthropicUpstream.Raw.json("""
                {"id":"msg_1","type":"message","role":"assistant","model":"claude-sonnet-4-5",
                 "content":[{"type":"text","text":"Answer"}],"stop_reason":"end_turn","stop_sequence":null,
                 "usage":{"input_tokens":5,"cache_creation_input_tokens":20,"cache_read_input_tokens":100,
                          "output_tokens":7}}"""));
        ChatResponse response = provider.chat(request(system, user).build(), call());
        JsonNode body = body();
        assertEquals(json("""
                [{"type":"text","text":"Long policy."},
                 {"type":"text","text":"Cached part.","cache_control":{"type":"ephemeral","ttl":"1h"}}]"""),
                body.get("system"));
        assertEquals(json("""
                [{"type":"text","text":"Question","cache_control":{"type":"ephemeral"}}]"""),
                body.get("messages").get(0).get("content"));
        Usage usage = response.usage().orElseThrow();
        assertEquals(125, usage.promptTokens(), "input + cache reads + cache writes");
        assertEquals(7, usage.completionTokens());
        assertEquals(132, usage.totalTokens());
        assertEquals(Optional.of(100L), usage.cachedTokens());
        assertEquals(json("{\"cache_creation_tokens\":20}"), json(usage.extra().get("prompt_tokens_details").json()));
    }

    @Test
    void responseFormatJsonSchemaUsesOutputConfig() {
        provider.chat(request(ChatMessage.user("q")).responseFormat(new ResponseFormat("json_schema",
                Optional.of("answer"), Optional.of(SCHEMA), Optional.of(true))).build(), call());
        assertEquals(json("{\"format\":{\"type\":\"json_schema\",\"schema\":" + SCHEMA.json() + "}}"),
                body().get("output_config"));
        assertEquals("json_schema", upstream.requests().getFirst().responseFormat());
    }

    @Test
    void responseFormatJsonSchemaOnAModelWithoutStructuredOutputsForcesATool() {
        upstream.enqueue(new Reply.ToolCalls("", List.of(new Reply.ToolCalls.Call("toolu_8", "json_response",
                List.of("{\"q\":\"x\"}"))), Usage.of(3, 4)));
        ChatResponse response = provider.chat(ChatRequest.builder().model("claude-sonnet-4-20250514")
                .addMessage(ChatMessage.user("q")).responseFormat(new ResponseFormat("json_schema",
                        Optional.of("answer"), Optional.of(SCHEMA), Optional.empty())).build(), call());
        JsonNode body = body();
        assertFalse(body.has("output_config"));
        assertEquals(json(SCHEMA.json()), body.at("/tools/0/input_schema"));
        assertEquals(json("{\"type\":\"tool\",\"name\":\"json_response\"}"), body.get("tool_choice"));
        assertEquals(json("{\"q\":\"x\"}"), json(response.firstText()));
        assertEquals(Optional.of(FinishReason.STOP), response.choices().getFirst().finishReason());
    }

    @Test
    void responseFormatJsonObjectForcesATool() {
        upstream.enqueue(new Reply.ToolCalls("", List.of(new Reply.ToolCalls.Call("toolu_9", "json_response",
                List.of("{\"a\":", "1}"))), Usage.of(3, 4)));
        ChatResponse response = provider.chat(request(ChatMessage.user("q")).responseFormat(
                ResponseFormat.jsonObject()).build(), call());
        assertEquals(json("{\"type\":\"tool\",\"name\":\"json_response\"}"), body().get("tool_choice"));
        assertEquals(json("{\"a\":1}"), json(response.firstText()));
        assertTrue(response.choices().getFirst().message().toolCalls().isEmpty());
        assertEquals(Optional.of(FinishReason.STOP), response.choices().getFirst().finishReason());
    }

    @Test
    void reasoningEffortBecomesAThinkingBudgetAndUnknownFieldsPassThrough() {
        provider.chat(request(ChatMessage.user("q")).extra("reasoning_effort", RawJson.string("low"))
                .extra("top_k", new RawJson("5")).extra("logit_bias", new RawJson("{}")).build(), call());
        JsonNode body = body();
        assertEquals(json("{\"type\":\"enabled\",\"budget_tokens\":2048}"), body.get("thinking"));
        assertTrue(body.get("max_tokens").asInt() > 2048, "max_tokens must exceed the budget");
        assertEquals(5, body.get("top_k").asInt());
        assertFalse(body.has("reasoning_effort"));
        assertFalse(body.has("logit_bias"));

        upstream.reset();
        provider.chat(request(ChatMessage.user("q")).maxTokens(20000)
                .extra("thinking", new RawJson("{\"type\":\"enabled\",\"budget_tokens\":10000}")).build(), call());
        assertEquals(json("{\"type\":\"enabled\",\"budget_tokens\":10000}"), body().get("thinking"));
        assertEquals(20000, body().get("max_tokens").asInt());
    }

    @Test
    void unsupportedFieldsAreA400NamingProviderAndField() {
        GatewayError error = failure(() -> provider.chat(request(ChatMessage.user("q")).n(2).build(), call()));
        assertEquals(400, error.status());
        assertEquals(Optional.of("n"), error.param());
        assertTrue(error.message().contains("claude"), error.message());
        error = failure(() -> provider.chat(request(ChatMessage.user("q")).extra("reasoning_effort",
                RawJson.string("extreme")).build(), call()));
        assertEquals(Optional.of("reasoning_effort"), error.param());
        assertTrue(upstream.requests().isEmpty(), "nothing was sent");
    }

    @Test
    void toolCallsAndStopReasonsReadBack() {
        upstream.enqueue(new Reply.ToolCalls("Let me look.", List.of(
                new Reply.ToolCalls.Call("toolu_1", "lookup", List.of("{\"q\":", "\"x\"}")),
                new Reply.ToolCalls.Call("toolu_2", "lookup", List.of("{}"))), Usage.of(10, 5)));
        ChatResponse response = provider.chat(request(ChatMessage.user("q")).tools(List.of(
                Tool.function("lookup", null, SCHEMA))).build(), call());
        ChatMessage message = response.choices().getFirst().message();
        assertEquals("Let me look.", message.text());
        assertEquals(List.of("toolu_1", "toolu_2"), message.toolCalls().stream().map(ToolCall::id).toList());
        assertEquals(json("{\"q\":\"x\"}"), json(message.toolCalls().getFirst().arguments()));
        assertEquals(Optional.of(FinishReason.TOOL_CALLS), response.choices().getFirst().finishReason());

        for (Map.Entry<String, FinishReason> e : Map.of("length", FinishReason.LENGTH, "content_filter",
                FinishReason.CONTENT_FILTER, "stop", FinishReason.STOP).entrySet()) {
            upstream.enqueue(new Reply.Text(List.of("x"), e.getKey(), Usage.of(1, 1)));
            assertEquals(Optional.of(e.getValue()), provider.chat(request(ChatMessage.user("q")).build(), call())
                    .choices().getFirst().finishReason());
        }
    }

    @Test
    void modelsAreListedFromTheApiAcrossPages() {
        upstream.models(List.of("claude-opus-4-1", "claude-sonnet-4-5", "claude-haiku-4-5"));
        assertEquals(List.of("claude-opus-4-1", "claude-sonnet-4-5", "claude-haiku-4-5"),
                provider.listModels(call()).stream().map(m -> m.id()).toList());
        List<SeenRequest> seen = upstream.requests();
        assertEquals(2, seen.size());
        assertEquals("/v1/models?limit=1000&after_id=claude-sonnet-4-5", seen.get(1).path());
        assertEquals(List.of(SECRET), seen.get(1).headers().get("x-api-key"));
    }
}
