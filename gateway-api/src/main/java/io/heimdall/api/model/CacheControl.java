package io.heimdall.api.model;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A prompt-cache marker, wire field {@code cache_control} on a content part, a message or a tool, as Anthropic defines
 * it: {@code {"type":"ephemeral","ttl":"5m"}}. Providers with explicit prompt caching (Anthropic, Bedrock) translate
 * it into their own breakpoints; OpenAI-format upstreams get it passed through as sent (they ignore unknown fields).
 *
 * @param type  the cache type, {@code ephemeral}
 * @param ttl   the time to live, for example {@code 5m} or {@code 1h}; absent means the provider's default
 * @param extra other fields, passed through
 */
public record CacheControl(String type, Optional<String> ttl, Map<String, RawJson> extra) {
    /** The only cache type Anthropic defines. */
    public static final String EPHEMERAL = "ephemeral";

    /** Validates and normalises the fields. */
    public CacheControl {
        Objects.requireNonNull(type, "type");
        ttl = Values.opt(ttl);
        extra = Values.map(extra);
    }

    /** {@code {"type":"ephemeral"}}: cache with the provider's default lifetime. */
    public static CacheControl ephemeral() {
        return new CacheControl(EPHEMERAL, Optional.empty(), Map.of());
    }

    /** {@code {"type":"ephemeral","ttl":ttl}}, for example {@code ephemeral("1h")}. */
    public static CacheControl ephemeral(String ttl) {
        return new CacheControl(EPHEMERAL, Optional.of(ttl), Map.of());
    }
}
