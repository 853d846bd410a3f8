package io.heimdall.api.model;

import java.util.Objects;
import java.util.Optional;

/**
 * One choice's part of a stream chunk.
 *
 * @param index        the choice index
 * @param delta        what this chunk adds
 * @param finishReason set on the choice's last chunk
 * @param logprobs     log probabilities, passed through
 */
public record ChunkChoice(int index, ChunkDelta delta, Optional<FinishReason> finishReason,
                          Optional<RawJson> logprobs) {
    /** Validates the fields. */
    public ChunkChoice {
        Objects.requireNonNull(delta, "delta");
        finishReason = Values.opt(finishReason);
        logprobs = Values.opt(logprobs);
    }

    /** A choice chunk without logprobs. */
    public static ChunkChoice of(int index, ChunkDelta delta, FinishReason finishReason) {
        return new ChunkChoice(index, delta, Optional.ofNullable(finishReason), Optional.empty());
    }
}
