package io.heimdall.provider.anthropic.messages;

import java.util.Objects;
import java.util.Optional;

/**
 * A Messages API request body and what decoding its answer needs to know.
 *
 * @param body     the JSON body
 * @param jsonTool the name of the tool forced to obtain JSON output ({@code response_format: json_object}): its input
 *                 is the answer's content, not a tool call
 */
public record EncodedRequest(byte[] body, Optional<String> jsonTool) {
    /** Validates the fields. */
    public EncodedRequest {
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(jsonTool, "jsonTool");
    }
}
