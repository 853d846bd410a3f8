package io.heimdall.api.observe;

import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.Choice;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an observer may want to know of a chat answer without seeing it whole: known whether the answer was decoded
 * or relayed untouched, so an observer needs no {@code onResponse} hook (which would keep answers from being relayed).
 *
 * @param id            the response's {@code id}, when there was an answer
 * @param model         the model the upstream says answered ({@code model} of the response or its chunks)
 * @param finishReasons each choice's finish reason, in choice order (for a stream, in the order they arrived)
 */
public record ResponseInfo(Optional<String> id, Optional<String> model, List<String> finishReasons) {
    /** No answer (an error, or an operation other than chat). */
    public static final ResponseInfo NONE = new ResponseInfo(Optional.empty(), Optional.empty(), List.of());

    /** Validates the fields. */
    public ResponseInfo {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
        finishReasons = List.copyOf(finishReasons);
    }

    /** What {@code response} says of itself. */
    public static ResponseInfo of(ChatResponse response) {
        List<String> reasons = new ArrayList<>(response.choices().size());
        for (Choice c : response.choices()) {
            c.finishReason().ifPresent(r -> reasons.add(r.value()));
        }
        return new ResponseInfo(Optional.of(response.id()), Optional.of(response.model()), reasons);
    }
}
