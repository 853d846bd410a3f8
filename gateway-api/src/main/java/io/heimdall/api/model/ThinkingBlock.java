package io.heimdall.api.model;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One block of a model's structured reasoning ("extended thinking"), kept with its signature so that it can be sent
 * back on the next turn: Anthropic (and Claude on Bedrock or Vertex) requires the previous assistant turn's thinking
 * blocks, unchanged and signed, when that turn called tools.
 *
 * <p>On the wire it is an element of {@code thinking_blocks} on an assistant message or a stream delta, in the shape
 * LiteLLM uses (Anthropic's content blocks): {@code {"type":"thinking","thinking":"...","signature":"..."}} or, for a
 * block the provider encrypted, {@code {"type":"redacted_thinking","data":"..."}}. The plain-text reasoning of
 * DeepSeek, vLLM and similar servers travels separately, in {@code reasoning_content}
 * ({@link ChatMessage#reasoningContent()}, {@link ChunkDelta#reasoningContent()}); OpenRouter's
 * {@code reasoning_details} is not modelled and passes through in {@code extra}.
 *
 * <p>In a stream, a delta's blocks are fragments of the block being generated: {@code thinking} text appends to it,
 * a {@code signature} ends it (the next fragment starts a new block), and a redacted block comes whole.
 *
 * @param thinking     the reasoning text; empty for a redacted block and for a fragment carrying only a signature
 * @param signature    the provider's signature of the block, to be sent back unchanged
 * @param redactedData the encrypted content of a redacted block ({@code "type":"redacted_thinking"}, {@code data})
 * @param extra        other fields of the block (for example {@code cache_control}), passed through
 */
public record ThinkingBlock(String thinking, Optional<String> signature, Optional<String> redactedData,
                            Map<String, RawJson> extra) {
    /** Wire type of a readable block. */
    public static final String THINKING = "thinking";
    /** Wire type of an encrypted block. */
    public static final String REDACTED_THINKING = "redacted_thinking";

    /** Validates and normalises the fields: a redacted block has no text. */
    public ThinkingBlock {
        Objects.requireNonNull(thinking, "thinking");
        signature = Values.opt(signature);
        redactedData = Values.opt(redactedData);
        extra = Values.map(extra);
        if (redactedData.isPresent() && !thinking.isEmpty()) {
            throw new IllegalArgumentException("a redacted thinking block has no text");
        }
    }

    /** A readable block with an optional signature ({@code null} for none). */
    public static ThinkingBlock of(String thinking, String signature) {
        return new ThinkingBlock(thinking, Optional.ofNullable(signature), Optional.empty(), Map.of());
    }

    /** An encrypted block. */
    public static ThinkingBlock redacted(String data) {
        return new ThinkingBlock("", Optional.empty(), Optional.of(data), Map.of());
    }

    /** A stream fragment carrying only the signature that ends the current block. */
    public static ThinkingBlock signatureOnly(String signature) {
        return new ThinkingBlock("", Optional.of(signature), Optional.empty(), Map.of());
    }

    /** Whether the block is encrypted ({@code redacted_thinking}). */
    public boolean redacted() {
        return redactedData.isPresent();
    }

    /** The wire type: {@link #THINKING} or {@link #REDACTED_THINKING}. */
    public String type() {
        return redacted() ? REDACTED_THINKING : THINKING;
    }
}
