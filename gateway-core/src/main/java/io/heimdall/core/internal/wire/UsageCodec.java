package io.heimdall.core.internal.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.Usage;
import io.heimdall.core.internal.wire.WireJson.Side;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static io.heimdall.core.internal.wire.JsonReader.extra;
import static io.heimdall.core.internal.wire.JsonReader.longOr;

/**
 * The {@code usage} object, with {@code prompt_tokens_details.cached_tokens} and
 * {@code completion_tokens_details.reasoning_tokens} typed. Decoding keeps both detail objects whole in
 * {@code extra}; encoding writes them back as they came, with the typed value put in place when present, so a usage
 * decoded and encoded again is unchanged.
 */
final class UsageCodec {
    private static final Set<String> USAGE_FIELDS = Set.of("prompt_tokens", "completion_tokens", "total_tokens");
    private static final String PROMPT_DETAILS = "prompt_tokens_details";
    private static final String COMPLETION_DETAILS = "completion_tokens_details";
    private static final String CACHED = "cached_tokens";
    private static final String REASONING = "reasoning_tokens";

    /** Small details objects recur verbatim in every response: their properties are read once per text. */
    private static final int CACHED_TEXTS = 256;
    private static final int CACHED_TEXT_LENGTH = 512;

    private final WireJson json;
    private final Map<String, List<Map.Entry<String, RawJson>>> read = new ConcurrentHashMap<>();

    UsageCodec(WireJson json) {
        this.json = json;
    }

    /** The {@code usage} of a response, chunk or embeddings response, if it is an object. */
    static Optional<Usage> read(JsonNode root) {
        JsonNode u = root.get("usage");
        if (u == null || !u.isObject()) {
            return Optional.empty();
        }
        long prompt = longOr(u, "prompt_tokens", 0);
        long completion = longOr(u, "completion_tokens", 0);
        return Optional.of(new Usage(prompt, completion, longOr(u, "total_tokens", prompt + completion),
                detail(u, PROMPT_DETAILS, CACHED), detail(u, COMPLETION_DETAILS, REASONING), extra(u, USAGE_FIELDS)));
    }

    private static Optional<Long> detail(JsonNode usage, String object, String field) {
        JsonNode n = usage.path(object).path(field);
        return n.isIntegralNumber() && n.canConvertToLong() ? Optional.of(n.longValue()) : Optional.empty();
    }

    /** The properties of a raw details object in order, or null if it is not an object. */
    private List<Map.Entry<String, RawJson>> properties(RawJson raw) {
        String text = raw.json();
        List<Map.Entry<String, RawJson>> known = read.get(text);
        if (known != null) {
            return known;
        }
        JsonNode node = json.parseAny(text.getBytes(StandardCharsets.UTF_8), Side.UPSTREAM);
        if (!node.isObject()) {
            return null;
        }
        List<Map.Entry<String, RawJson>> out = new ArrayList<>(node.size());
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            out.add(Map.entry(e.getKey(), JsonReader.rawOf(e.getValue())));
        }
        out = List.copyOf(out);
        if (text.length() <= CACHED_TEXT_LENGTH) {
            if (read.size() >= CACHED_TEXTS) {
                read.clear();
            }
            read.put(text, out);
        }
        return out;
    }

    private static boolean has(List<Map.Entry<String, RawJson>> properties, String name) {
        for (Map.Entry<String, RawJson> e : properties) {
            if (e.getKey().equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** Writes {@code "usage":{...}}. */
    void write(JsonGenerator g, Usage u) throws IOException {
        g.writeObjectFieldStart("usage");
        g.writeNumberField("prompt_tokens", u.promptTokens());
        g.writeNumberField("completion_tokens", u.completionTokens());
        g.writeNumberField("total_tokens", u.totalTokens());
        Map<String, RawJson> extra = u.extra();
        if (u.cachedTokens().isPresent() && !extra.containsKey(PROMPT_DETAILS)) {
            writeDetails(g, PROMPT_DETAILS, CACHED, u.cachedTokens(), Optional.empty());
        }
        if (u.reasoningTokens().isPresent() && !extra.containsKey(COMPLETION_DETAILS)) {
            writeDetails(g, COMPLETION_DETAILS, REASONING, u.reasoningTokens(), Optional.empty());
        }
        for (Map.Entry<String, RawJson> e : extra.entrySet()) {
            switch (e.getKey()) {
                case PROMPT_DETAILS -> writeDetails(g, PROMPT_DETAILS, CACHED, u.cachedTokens(),
                        Optional.of(e.getValue()));
                case COMPLETION_DETAILS -> writeDetails(g, COMPLETION_DETAILS, REASONING, u.reasoningTokens(),
                        Optional.of(e.getValue()));
                default -> WireJson.writeRaw(g, e.getKey(), e.getValue());
            }
        }
        g.writeEndObject();
    }

    /**
     * Writes one details object: the raw one as it came when there is no typed value, else the raw one's fields with
     * {@code field} set to the typed value (first if the raw object did not have it).
     */
    private void writeDetails(JsonGenerator g, String name, String field, Optional<Long> typed,
                              Optional<RawJson> raw) throws IOException {
        if (typed.isEmpty()) {
            WireJson.writeRaw(g, name, raw.orElseThrow());
            return;
        }
        List<Map.Entry<String, RawJson>> details = raw.isPresent() ? properties(raw.get()) : null;
        g.writeObjectFieldStart(name);
        if (details == null || !has(details, field)) {
            g.writeNumberField(field, typed.get());
        }
        if (details != null) {
            for (Map.Entry<String, RawJson> e : details) {
                if (e.getKey().equals(field)) {
                    g.writeNumberField(field, typed.get());
                } else {
                    WireJson.writeRaw(g, e.getKey(), e.getValue());
                }
            }
        }
        g.writeEndObject();
    }
}
