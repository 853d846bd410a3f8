package io.heimdall.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.ChunkDelta;
import io.heimdall.api.model.ThinkingBlock;
import io.heimdall.api.provider.Capability;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static io.heimdall.provider.anthropic.AnthropicUpstream.event;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Extended thinking: blocks with signatures read, streamed and sent back on the next turn; per-model capabilities. */
class AnthropicThinkingTest extends AnthropicTestBase {
    private static final String THINKING_MESSAGE = """
            {"id":"msg_t","type":"message","role":"assistant","model":"claude-sonnet-4-5","content":[
              {"type":"thinking","thinking":"Let me think.","signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3h"},
              {"type":"redacted_thinking","data":"EmwKAhgBEgy3va3pzix/LafPsn4a"},
              {"type":"text","text":"I'll check."},
              {"type":"tool_use","id":"toolu_1","name":"lookup","input":{"q":"weather"}}],
             "stop_reason":"tool_use","stop_sequence":null,
             "usage":{"input_tokens":10,"output_tokens":50}}""";

    @Test
    void thinkingBlocksAndSignatureRoundTrip() {
        upstream.enqueue(AnthropicUpstream.Raw.json(THINKING_MESSAGE));
        ChatResponse first = provider.chat(request(ChatMessage.user("Weather?")).build(), call());
        ChatMessage answer = first.choices().getFirst().message();
        assertEquals(List.of(ThinkingBlock.of("Let me think.", "EqQBCgIYAhIM1gbcDa9GJwZA2b3h"),
                ThinkingBlock.redacted("EmwKAhgBEgy3va3pzix/LafPsn4a")), answer.thinkingBlocks());
        assertEquals(Optional.of("Let me think."), answer.reasoningContent());
        assertEquals("I'll check.", answer.text());
        assertEquals(Optional.of(60L), first.usage().map(u -> u.totalTokens()));

        upstream.reset();
        provider.chat(request(ChatMessage.user("Weather?"), answer, ChatMessage.tool("toolu_1", "Sunny")).build(),
                call());
        JsonNode assistant = body().get("messages").get(1);
        assertEquals(json("""
                {"role":"assistant","content":[
                  {"type":"thinking","thinking":"Let me think.","signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3h"},
                  {"type":"redacted_thinking","data":"EmwKAhgBEgy3va3pzix/LafPsn4a"},
                  {"type":"text","text":"I'll check."},
                  {"type":"tool_use","id":"toolu_1","name":"lookup","input":{"q":"weather"}}]}"""), assistant);
    }

    @Test
    void streamedThinkingGivesReasoningAndSignedBlockFragments() {
        upstream.enqueue(AnthropicUpstream.Raw.sse(
                event("message_start", "{\"type\":\"message_start\",\"message\":{\"id\":\"msg_s\",\"type\":"
                        + "\"message\",\"role\":\"assistant\",\"content\":[],\"model\":\"claude-sonnet-4-5\","
                        + "\"stop_reason\":null,\"stop_sequence\":null,\"usage\":{\"input_tokens\":9,"
                        + "\"output_tokens\":1}}}"),
                event("content_block_start", "{\"type\":\"content_block_start\",\"index\":0,\"content_block\":"
                        + "{\"type\":\"thinking\",\"thinking\":\"\"}}"),
                event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                        + "{\"type\":\"thinking_delta\",\"thinking\":\"Step 1. \"}}"),
                event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                        + "{\"type\":\"thinking_delta\",\"thinking\":\"Step 2.\"}}"),
                event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":0,\"delta\":"
                        + "{\"type\":\"signature_delta\",\"signature\":\"SIG==\"}}"),
                event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":0}"),
                event("content_block_start", "{\"type\":\"content_block_start\",\"index\":1,\"content_block\":"
                        + "{\"type\":\"redacted_thinking\",\"data\":\"REDACTED\"}}"),
                event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":1}"),
                event("content_block_start", "{\"type\":\"content_block_start\",\"index\":2,\"content_block\":"
                        + "{\"type\":\"text\",\"text\":\"\"}}"),
                event("content_block_delta", "{\"type\":\"content_block_delta\",\"index\":2,\"delta\":"
                        + "{\"type\":\"text_delta\",\"text\":\"Done.\"}}"),
                event("content_block_stop", "{\"type\":\"content_block_stop\",\"index\":2}"),
                event("message_delta", "{\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\","
                        + "\"stop_sequence\":null},\"usage\":{\"output_tokens\":30}}"),
                event("message_stop", "{\"type\":\"message_stop\"}")));
        List<ChatChunk> chunks = stream(request(ChatMessage.user("q")).build());
        List<ChunkDelta> deltas = chunks.stream().filter(c -> !c.choices().isEmpty())
                .map(c -> c.choices().getFirst().delta()).toList();
        assertEquals(Optional.of("assistant"), deltas.getFirst().role());
        assertEquals(Optional.of("Step 1. "), deltas.get(1).reasoningContent());
        assertEquals(List.of(ThinkingBlock.of("Step 1. ", null)), deltas.get(1).thinkingBlocks());
        assertEquals(Optional.of("Step 2."), deltas.get(2).reasoningContent());
        assertEquals(List.of(ThinkingBlock.signatureOnly("SIG==")), deltas.get(3).thinkingBlocks());
        assertEquals(List.of(ThinkingBlock.redacted("REDACTED")), deltas.get(4).thinkingBlocks());
        assertEquals(Optional.of("Done."), deltas.get(5).content());
        assertTrue(chunks.getLast().choices().getFirst().finishReason().isPresent());
        assertEquals(7, chunks.size(), "one chunk per delta, no usage chunk unasked");
    }

    @Test
    void capabilitiesPerModel() {
        assertTrue(provider.capabilities("claude-sonnet-4-5").contains(Capability.REASONING));
        assertTrue(provider.capabilities("claude-3-7-sonnet-20250219").contains(Capability.REASONING));
        assertFalse(provider.capabilities("claude-3-5-haiku-20241022").contains(Capability.REASONING));
        assertTrue(provider.capabilities("claude-3-5-haiku-20241022").contains(Capability.VISION));
        assertFalse(provider.capabilities("claude-2.1").contains(Capability.VISION));
        assertFalse(provider.capabilities("claude-sonnet-4-5").contains(Capability.EMBEDDINGS));
        assertTrue(provider.capabilities("claude-opus-4-1").containsAll(List.of(Capability.TOOLS,
                Capability.STREAMING, Capability.JSON_MODE, Capability.MODEL_LISTING)));
    }
}
