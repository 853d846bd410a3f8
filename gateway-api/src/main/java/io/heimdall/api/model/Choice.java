package io.heimdall.api.model;

import java.util.Objects;
import java.util.Optional;

/**
 * One choice of a chat completion.
 *
 * @param index        the choice index
 * @param message      the assistant message
 * @param finishReason why generation stopped
 * @param logprobs     log probabilities, passed through
 */
public record Choice(int index, ChatMessage message, Optional<FinishReason> finishReason,
                     Optional<RawJson> logprobs) {
    /** Validates the fields. */
    public Choice {
        Objects.requireNonNull(message, "message");
        finishReason = Values.opt(finishReason);
        logprobs = Values.opt(logprobs);
    }

    /** A choice without logprobs. */
    public static Choice of(int index, ChatMessage message, FinishReason finishReason) {
        return new Choice(index, message, Optional.ofNullable(finishReason), Optional.empty());
    }
}
