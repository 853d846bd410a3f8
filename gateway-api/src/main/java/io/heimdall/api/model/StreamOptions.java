package io.heimdall.api.model;

import java.util.Map;

/**
 * Options of a streaming request.
 *
 * @param includeUsage whether a final chunk with usage and no choices is sent before {@code [DONE]}
 * @param extra        other fields, passed through
 */
public record StreamOptions(boolean includeUsage, Map<String, RawJson> extra) {
    /** Normalises {@code extra}. */
    public StreamOptions {
        extra = Values.map(extra);
    }
}
