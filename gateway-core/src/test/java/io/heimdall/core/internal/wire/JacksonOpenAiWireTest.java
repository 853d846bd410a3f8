package io.heimdall.core.internal.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.ContentPart;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.MessageContent;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JacksonOpenAiWireTest {
    private final JacksonOpenAiWire wire = new JacksonOpenAiWire();
    private final ObjectMapper json = new ObjectMapper();

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void requestRoundTripKeepsEveryFieldIncludingUnknownOnes() throws Exception {
        String in = """
                {"model":"gpt-4o-mini","messages":[
                  {"role":"system","content":"be brief"},
                  {"role":"user","content":[{"type":"text","text":"what is this?"},
                     {"type":"image_url","image_url":{"url":"data:image/png;base64,AAAA","detail":"low"}},
                     {"type":"input_audio","input_audio":{"data":"UklG","format":"wav"}}]},
                  {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",
                     "function":{"name":"lookup","arguments":"{\\"q\\":\\"x\\"}"}}]},
                  {"role":"tool","tool_call_id":"call_1","content":"42"}],
                 "tools":[{"type":"function","function":{"name":"lookup","description":"d",
                    "parameters":{"type":"object","properties":{"q":{"type":"string"}}},"strict":true}}],
                 "tool_choice":{"type":"function","function":{"name":"lookup"}},
                 "response_format":{"type":"json_schema","json_schema":{"name":"s","schema":{"type":"object"},"strict":true}},
                 "temperature":0.2,"top_p":0.9,"max_completion_tokens":100,"n":1,"stop":"END","seed":7,
                 "stream":true,"stream_options":{"include_usage":true},
                 "reasoning_effort":"low","metadata":{"k":"v"},"logit_bias":{"1":-100}}""";
        ChatRequest r = wire.decodeChatRequest(b(in));
        assertEquals("gpt-4o-mini", r.model());
        assertEquals(4, r.messages().size());
        MessageContent.Parts parts = assertInstanceOf(MessageContent.Parts.class,
                r.messages().get(1).content().orElseThrow());
        assertInstanceOf(ContentPart.Image.class, parts.parts().get(1));
        assertInstanceOf(ContentPart.Other.class, parts.parts().get(2));
        assertEquals("lookup", r.messages().get(2).toolCalls().getFirst().name());
        assertEquals("lookup", r.toolChoice().orElseThrow().function().orElseThrow());
        assertEquals(java.util.List.of("END"), r.stop());
        assertTrue(r.includeUsage());
        assertEquals(java.util.Set.of("reasoning_effort", "metadata", "logit_bias"), r.extra().keySet());

        JsonNode original = json.readTree(in);
        JsonNode encoded = json.readTree(wire.encodeChatRequest(r));
        // stop normalises to an array; everything else is equal as JSON.
        ((com.fasterxml.jackson.databind.node.ObjectNode) original).putArray("stop").add("END");
        assertEquals(original, encoded);
    }

    @Test
    void responseAndChunkDecodingIsLenientAboutWhatCompatibleServersOmit() {
        ChatResponse r = wire.decodeChatResponse(b("""
                {"choices":[{"message":{"content":"hi","tool_calls":[{"function":{"name":"f",
                  "arguments":{"a":1}}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":3,
                  "completion_tokens":1,"total_tokens":4,"prompt_tokens_details":{"cached_tokens":0}},"x_vendor":1}"""));
        assertEquals("hi", r.firstText());
        assertEquals("{\"a\":1}", r.choices().getFirst().message().toolCalls().getFirst().arguments());
        assertEquals(FinishReason.TOOL_CALLS, r.choices().getFirst().finishReason().orElseThrow());
        assertTrue(r.usage().orElseThrow().extra().containsKey("prompt_tokens_details"));
        assertTrue(r.extra().containsKey("x_vendor"));

        ChatChunk c = wire.decodeChunk("""
                {"id":"c","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,
                 "delta":{"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"f",
                 "arguments":""}}]},"logprobs":null,"finish_reason":null}]}""");
        assertEquals("call_1", c.choices().getFirst().delta().toolCalls().getFirst().id().orElseThrow());
        String encoded = new String(wire.encodeChunk(c), StandardCharsets.UTF_8);
        assertTrue(encoded.contains("\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"arguments\":\"\"}}]"), encoded);
    }

    @Test
    void badUpstreamBodiesAre502AndBadClientBodiesAre400() {
        GatewayException up = assertThrows(GatewayException.class, () -> wire.decodeChatResponse(b("<html>")));
        assertEquals(502, up.error().status());
        assertEquals("bad_upstream_response", up.error().code().orElseThrow());
        GatewayException down = assertThrows(GatewayException.class, () -> wire.decodeChatRequest(b("<html>")));
        assertEquals(400, down.error().status());
        GatewayException nested = assertThrows(GatewayException.class, () -> wire.decodeChatRequest(
                b("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"text\"}]}]}")));
        assertEquals("messages[0].content[0].text", nested.error().param().orElseThrow());
        GatewayException deep = assertThrows(GatewayException.class, () -> wire.decodeChatRequest(
                b("[".repeat(5000))));
        assertEquals(400, deep.error().status());
    }

    @Test
    void upstreamErrorsAreReadFaithfully() {
        GatewayError e = wire.decodeError(429, b("""
                {"error":{"message":"Rate limit reached","type":"requests","param":null,"code":"rate_limit_exceeded"}}"""));
        assertEquals(429, e.status());
        assertEquals("requests", e.type());
        assertEquals("rate_limit_exceeded", e.code().orElseThrow());
        assertFalse(e.param().isPresent());
        GatewayError plain = wire.decodeError(503, b("upstream connect error"));
        assertEquals(503, plain.status());
        assertEquals("api_error", plain.type());
        assertTrue(plain.message().contains("upstream connect error"));
        assertEquals("Bad key", wire.decodeError(401, b("{\"error\":\"Bad key\"}")).message());
        assertEquals("authentication_error", wire.decodeError(401, new byte[0]).type());
    }

    @Test
    void embeddingsBase64IsLittleEndianFloat32() {
        EmbeddingResponse r = new EmbeddingResponse("m", java.util.List.of(
                new io.heimdall.api.model.Embedding(0, new float[]{1.5f, -2f})), io.heimdall.api.model.Usage.of(2, 0));
        byte[] b64 = wire.encodeEmbeddingResponse(r, true);
        EmbeddingResponse back = wire.decodeEmbeddingResponse(b64);
        assertArrayEquals(new float[]{1.5f, -2f}, back.data().getFirst().vector());
        assertTrue(new String(b64, StandardCharsets.UTF_8).contains("\"AADAPwAAAMA=\""));
    }

    @Test
    void modelsAndErrorsEncodeInTheOpenAiShape() {
        io.heimdall.api.model.ModelInfo m = new io.heimdall.api.model.ModelInfo("openai/gpt-4o", 5, "openai");
        assertEquals("{\"id\":\"openai/gpt-4o\",\"object\":\"model\",\"created\":5,\"owned_by\":\"openai\"}",
                new String(wire.encodeModel(m), StandardCharsets.UTF_8));
        assertEquals("{\"object\":\"list\",\"data\":[" + new String(wire.encodeModel(m), StandardCharsets.UTF_8)
                + "]}", new String(wire.encodeModelList(java.util.List.of(m)), StandardCharsets.UTF_8));
        assertEquals(java.util.List.of(m), wire.decodeModelList(wire.encodeModelList(java.util.List.of(m))));
        assertEquals("{\"error\":{\"message\":\"bad\",\"type\":\"invalid_request_error\",\"param\":\"model\","
                + "\"code\":null}}", new String(wire.encodeError(GatewayError.invalidRequest("bad", "model")),
                StandardCharsets.UTF_8));
    }
}
