package io.heimdall.provider.openai;

import io.heimdall.api.provider.Capability;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One OpenAI-compatible service known by name: its default base URL, whether it needs a key, and its quirks — the
 * request fields it rejects (dropped before sending), whether it only knows {@code max_tokens}, whether it refuses
 * {@code n > 1}, and what it cannot do at all. The table of all presets is {@link Presets#ALL}.
 *
 * @param type          the provider type config refers to
 * @param description   one line for the plugin listing
 * @param baseUrl       the default base URL, up to and including the version path
 * @param keyRequired   whether a request without a key is refused (hosted services) or sent without one (local)
 * @param dropFields    top-level request fields removed before sending ({@code messages.name} removes the
 *                      participant name of every message)
 * @param maxTokensOnly whether {@code max_completion_tokens} is sent as {@code max_tokens}
 * @param singleChoice  whether {@code n > 1} is refused with a 400 ({@code n: 1} is dropped)
 * @param lacks         capabilities the service does not have (the core answers 400 before any upstream call)
 * @param source        where the quirks were read
 */
record Preset(String type, String description, String baseUrl, boolean keyRequired, Set<String> dropFields,
              boolean maxTokensOnly, boolean singleChoice, Set<Capability> lacks, String source) {
    /** Validates and copies the fields. */
    Preset {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(baseUrl, "baseUrl");
        dropFields = Set.copyOf(dropFields);
        lacks = Set.copyOf(lacks);
    }

    /** The fields dropped, in a stable order for docs and errors. */
    List<String> sortedDropFields() {
        return dropFields.stream().sorted().toList();
    }

    /** The preset of a type, if there is one. */
    static Optional<Preset> of(String type) {
        return Presets.ALL.stream().filter(p -> p.type.equals(type)).findFirst();
    }
}
