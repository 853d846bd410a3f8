package io.heimdall.core.internal.wire;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.GatewayException;
import io.heimdall.api.model.CacheControl;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.ChunkDelta;
import io.heimdall.api.model.ContentPart;
import io.heimdall.api.model.MessageContent;
import io.heimdall.api.model.ThinkingBlock;
import io.heimdall.api.model.Tool;
import io.heimdall.api.model.Usage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Reasoning (reasoning_content, thinking_blocks), prompt-cache markers and typed usage details on the wire. */
class ReasoningAndCacheWireTest {
    private final JacksonOpenAiWire wire = new JacksonOpenAiWire();
    private final ObjectMapper json = new ObjectMapper();

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void responseReasoningAndThinkingBlocksAreTypedAndRoundTrip() throws Exception {
        String in = """
                {"id":"chatcmpl-1","object":"chat.completion","created":7,"model":"claude","choices":[{"index":0,\
                "message":{"role":"assistant","content":"4","refusal":null,"reasoning_content":"2+2 is 4",\
                "thinking_blocks":[{"type":"thinking","thinking":"2+2 is 4","signature":"EqQBCkYIARgCIkB"},\
                {"type":"redacted_thinking","data":"EmwKAhgBEgy3va3pzix"}]},\
                "logprobs":null,"finish_reason":"stop"}],\
                "usage":{"prompt_tokens":10,"completion_tokens":20,"total_tokens":30,\
                "prompt_tokens_details":{"cached_tokens":8,"audio_tokens":0},\
                "completion_tokens_details":{"reasoning_tokens":15,"audio_tokens":0,\
                "accepted_prediction_tokens":0,"rejected_prediction_tokens":0}}}""";
        ChatResponse r = wire.decodeChatResponse(b(in));
        ChatMessage m = r.choices().getFirst().message();
        assertEquals(Optional.of("2+2 is 4"), m.reasoningContent());
        assertEquals(List.of(ThinkingBlock.of("2+2 is 4", "EqQBCkYIARgCIkB"),
                ThinkingBlock.redacted("EmwKAhgBEgy3va3pzix")), m.thinkingBlocks());
        assertTrue(m.thinkingBlocks().get(1).redacted());
        assertEquals("redacted_thinking", m.thinkingBlocks().get(1).type());
        Usage u = r.usage().orElseThrow();
        assertEquals(Optional.of(8L), u.cachedTokens());
        assertEquals(Optional.of(15L), u.reasoningTokens());
        assertEquals(in, s(wire.encodeChatResponse(r)));
    }

    @Test
    void streamedReasoningFragmentsAndSignaturesRoundTrip() {
        String[] deltas = {
                "{\"role\":\"assistant\",\"content\":null,\"reasoning_content\":\"\"}",
                "{\"reasoning_content\":\"Let me \",\"thinking_blocks\":[{\"type\":\"thinking\","
                        + "\"thinking\":\"Let me \"}]}",
                "{\"thinking_blocks\":[{\"type\":\"thinking\",\"thinking\":\"\",\"signature\":\"sig==\"}]}",
                "{\"thinking_blocks\":[{\"type\":\"redacted_thinking\",\"data\":\"opaque\"}]}",
                "{\"content\":\"Hi\",\"reasoning_content\":null}"};
        for (String d : deltas) {
            String in = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":"
                    + "[{\"index\":0,\"delta\":" + d + ",\"logprobs\":null,\"finish_reason\":null}]}";
            assertEquals(in, s(wire.encodeChunk(wire.decodeChunk(in))), d);
        }
        ChunkDelta sig = wire.decodeChunk("{\"choices\":[{\"delta\":" + deltas[2] + "}]}")
                .choices().getFirst().delta();
        assertEquals(List.of(ThinkingBlock.signatureOnly("sig==")), sig.thinkingBlocks());
        ChunkDelta first = wire.decodeChunk("{\"choices\":[{\"delta\":" + deltas[0] + "}]}")
                .choices().getFirst().delta();
        assertEquals(Optional.empty(), first.content());
        assertTrue(first.writesNull("content"));
        assertEquals(Optional.of(""), first.reasoningContent());
    }

    @Test
    void deltasBuiltInJavaEncodeReasoning() {
        ChunkDelta d = ChunkDelta.builder().reasoningContent("hmm")
                .addThinkingBlock(ThinkingBlock.of("hmm", null)).build();
        String out = s(wire.encodeChunk(ChatChunk.of("c", 1, "m", ChunkChoice.of(0, d, null))));
        assertTrue(out.contains("\"delta\":{\"reasoning_content\":\"hmm\",\"thinking_blocks\":[{\"type\":\"thinking\","
                + "\"thinking\":\"hmm\"}]}"), out);
        assertTrue(s(wire.encodeChunk(ChatChunk.of("c", 1, "m", ChunkChoice.of(0, ChunkDelta.reasoning("x"), null))))
                .contains("\"delta\":{\"reasoning_content\":\"x\"}"));
    }

    @Test
    void upstreamThinkingBlocksOfUnknownShapeArePassedThroughNotRejected() {
        String in = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\","
                + "\"choices\":[{\"index\":0,"
                + "\"delta\":{\"thinking_blocks\":[{\"type\":\"reasoning.encrypted\",\"data\":\"x\"}]},"
                + "\"logprobs\":null,\"finish_reason\":null}]}";
        ChatChunk c = wire.decodeChunk(in);
        assertTrue(c.choices().getFirst().delta().thinkingBlocks().isEmpty());
        assertTrue(c.choices().getFirst().delta().extra().containsKey("thinking_blocks"));
        assertEquals(in, s(wire.encodeChunk(c)));
    }

    @Test
    void clientRequestKeepsThinkingBlocksAndCacheControlAcrossTurns() throws Exception {
        String in = """
                {"model":"claude","messages":[\
                {"role":"system","content":[{"type":"text","text":"long rules",\
                "cache_control":{"type":"ephemeral","ttl":"1h"}}]},\
                {"role":"user","content":"weather?","cache_control":{"type":"ephemeral"}},\
                {"role":"assistant","content":null,"reasoning_content":"need the tool",\
                "thinking_blocks":[{"type":"thinking","thinking":"need the tool","signature":"c2ln"}],\
                "tool_calls":[{"id":"call_1","type":"function","function":{"name":"weather","arguments":"{}"}}]},\
                {"role":"tool","tool_call_id":"call_1","content":[{"type":"text","text":"sunny","x_note":1},\
                {"type":"image_url","image_url":{"url":"https://x/y.png"},"cache_control":{"type":"ephemeral"}}]}],\
                "tools":[{"type":"function","function":{"name":"weather","parameters":{"type":"object"}},\
                "cache_control":{"type":"ephemeral"}}]}""";
        ChatRequest r = wire.decodeChatRequest(b(in));
        MessageContent.Parts system = assertInstanceOf(MessageContent.Parts.class,
                r.messages().get(0).content().orElseThrow());
        ContentPart.Text rules = assertInstanceOf(ContentPart.Text.class, system.parts().getFirst());
        assertEquals(Optional.of(CacheControl.ephemeral("1h")), rules.cacheControl());
        assertEquals(Optional.of(CacheControl.ephemeral()), r.messages().get(1).cacheControl());
        ChatMessage assistant = r.messages().get(2);
        assertEquals(Optional.of("need the tool"), assistant.reasoningContent());
        assertEquals(Optional.of("c2ln"), assistant.thinkingBlocks().getFirst().signature());
        MessageContent.Parts tool = assertInstanceOf(MessageContent.Parts.class,
                r.messages().get(3).content().orElseThrow());
        assertEquals(Map.of("x_note", new io.heimdall.api.model.RawJson("1")),
                ((ContentPart.Text) tool.parts().get(0)).extra());
        assertEquals(Optional.of(CacheControl.ephemeral()),
                ((ContentPart.Image) tool.parts().get(1)).cacheControl());
        assertEquals(Optional.of(CacheControl.ephemeral()), r.tools().getFirst().cacheControl());
        assertTrue(r.extra().isEmpty());
        assertTrue(r.messages().get(2).extra().isEmpty());
        assertEquals(json.readTree(in), json.readTree(wire.encodeChatRequest(r)));
    }

    @Test
    void requestsBuiltInJavaEncodeCacheMarkers() throws Exception {
        ChatRequest r = ChatRequest.builder().model("m")
                .addMessage(ChatMessage.builder("user")
                        .content(new MessageContent.Parts(List.of(ContentPart.text("doc")
                                .withCacheControl(CacheControl.ephemeral("5m")))))
                        .build())
                .tools(List.of(Tool.function("f", null, null).withCacheControl(CacheControl.ephemeral())))
                .build();
        assertEquals(json.readTree("""
                {"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"doc",
                "cache_control":{"type":"ephemeral","ttl":"5m"}}]}],
                "tools":[{"type":"function","function":{"name":"f"},"cache_control":{"type":"ephemeral"}}]}"""),
                json.readTree(wire.encodeChatRequest(r)));
    }

    @Test
    void malformedReasoningOrCacheFieldsFromAClientAre400WithThePath() {
        GatewayException badBlock = assertThrows(GatewayException.class, () -> wire.decodeChatRequest(b("""
                {"model":"m","messages":[{"role":"assistant","content":"x",
                "thinking_blocks":[{"type":"thinking","thinking":7}]}]}""")));
        assertEquals(400, badBlock.error().status());
        assertEquals("messages[0].thinking_blocks[0].thinking", badBlock.error().param().orElseThrow());
        GatewayException badType = assertThrows(GatewayException.class, () -> wire.decodeChatRequest(b("""
                {"model":"m","messages":[{"role":"assistant","content":"x",
                "thinking_blocks":[{"type":"musing"}]}]}""")));
        assertEquals("messages[0].thinking_blocks[0].type", badType.error().param().orElseThrow());
        GatewayException badCache = assertThrows(GatewayException.class, () -> wire.decodeChatRequest(b("""
                {"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"x",
                "cache_control":{"ttl":"5m"}}]}]}""")));
        assertEquals("messages[0].content[0].cache_control.type", badCache.error().param().orElseThrow());
        GatewayException badReasoning = assertThrows(GatewayException.class, () -> wire.decodeChatRequest(b("""
                {"model":"m","messages":[{"role":"assistant","content":"x","reasoning_content":[1]}]}""")));
        assertEquals("messages[0].reasoning_content", badReasoning.error().param().orElseThrow());
    }

    @Test
    void typedUsageDetailsAreWrittenIntoTheirObjects() throws Exception {
        Usage built = Usage.of(10, 5).withCachedTokens(4).withReasoningTokens(3);
        String out = s(wire.encodeChunk(ChatChunk.usage("c", 1, "m", built)));
        assertTrue(out.contains("\"usage\":{\"prompt_tokens\":10,\"completion_tokens\":5,\"total_tokens\":15,"
                + "\"prompt_tokens_details\":{\"cached_tokens\":4},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":3}}"), out);

        ChatChunk decoded = wire.decodeChunk("""
                {"id":"c","choices":[],"usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15,\
                "prompt_tokens_details":{"audio_tokens":0,"cached_tokens":2},"completion_tokens_details":null}}""");
        Usage u = decoded.usage().orElseThrow();
        assertEquals(Optional.of(2L), u.cachedTokens());
        assertFalse(u.reasoningTokens().isPresent());
        String changed = s(wire.encodeChunk(new ChatChunk("c", 0, "", List.of(),
                Optional.of(u.withCachedTokens(9).withReasoningTokens(1)), Optional.empty(), Map.of())));
        assertTrue(changed.contains("\"prompt_tokens_details\":{\"audio_tokens\":0,\"cached_tokens\":9},"
                + "\"completion_tokens_details\":{\"reasoning_tokens\":1}"), changed);
        String same = s(wire.encodeChunk(decoded));
        assertTrue(same.contains("\"prompt_tokens_details\":{\"audio_tokens\":0,\"cached_tokens\":2},"
                + "\"completion_tokens_details\":null"), same);
        // The details object's properties are read once per text and reused: each typed value still lands in place.
        for (long cached : new long[] {9, 2, 5}) {
            String again = s(wire.encodeChunk(new ChatChunk("c", 0, "", List.of(),
                    Optional.of(u.withCachedTokens(cached)), Optional.empty(), Map.of())));
            assertTrue(again.contains("\"prompt_tokens_details\":{\"audio_tokens\":0,\"cached_tokens\":" + cached
                    + "},"), again);
        }
    }

    @Test
    void geminiThoughtSignaturesOnToolCallsSurviveBothWays() {
        String sig = "\"extra_content\":{\"google\":{\"thought_signature\":\"CiQB0e2Kb\"}}";
        String response = "{\"id\":\"c\",\"object\":\"chat.completion\",\"created\":1,\"model\":\"gemini\","
                + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":null,\"refusal\":null,"
                + "\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\","
                + "\"arguments\":\"{}\"}," + sig + "}]},\"logprobs\":null,\"finish_reason\":\"tool_calls\"}]}";
        ChatResponse r = wire.decodeChatResponse(b(response));
        assertEquals(Map.of("extra_content", new io.heimdall.api.model.RawJson(
                "{\"google\":{\"thought_signature\":\"CiQB0e2Kb\"}}")),
                r.choices().getFirst().message().toolCalls().getFirst().extra());
        assertEquals(response, s(wire.encodeChatResponse(r)));

        String chunk = "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gemini\","
                + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"tool_calls\":[{\"index\":0,"
                + "\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"},"
                + sig + "}]},\"logprobs\":null,\"finish_reason\":null}]}";
        assertEquals(chunk, s(wire.encodeChunk(wire.decodeChunk(chunk))));

        String request = "{\"model\":\"gemini\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"},"
                + "{\"role\":\"assistant\",\"content\":null,\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\","
                + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}," + sig + "}]},"
                + "{\"role\":\"tool\",\"content\":\"ok\",\"tool_call_id\":\"call_1\"}]}";
        assertEquals(request, s(wire.encodeChatRequest(wire.decodeChatRequest(b(request)))));
    }
}
