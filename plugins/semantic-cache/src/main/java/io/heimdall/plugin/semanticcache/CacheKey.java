package io.heimdall.plugin.semanticcache;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ContentPart;
import io.heimdall.api.model.MessageContent;
import io.heimdall.api.wire.OpenAiWire;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The keys of one request. The request is encoded in the OpenAI wire format and normalised: fields that do not change
 * the answer ({@code stream}, {@code stream_options}, {@code fallbacks}, {@code user}) are dropped, object keys are
 * sorted, numbers are written in one form ({@code 0.70} and {@code 0.7} are one value), and message text has its
 * whitespace collapsed. The result is hashed with SHA-256, so keys are the same across restarts and JVMs.
 *
 * @param exact     the exact tier's key (also the entry id): namespace, model (if matched) and the whole request
 * @param scope     the semantic tier's scope: namespace, model (if matched), every parameter, and every message
 *                  but the last; a semantic hit must have the same scope
 * @param namespace the namespace
 * @param prompt    the last user message's text, for the semantic tier; empty when the semantic tier does not apply
 *                  (the last message is not a user's text, the conversation is too long, the tier is off)
 */
record CacheKey(String exact, String scope, String namespace, Optional<String> prompt) {
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final Set<String> IGNORED = Set.of("stream", "stream_options", "fallbacks", "user");
    private static final java.util.regex.Pattern WHITESPACE = java.util.regex.Pattern.compile("\\s+");

    /** The keys of a request. */
    static CacheKey of(ChatRequest request, String namespace, Settings settings, OpenAiWire wire) {
        JsonNode tree;
        try {
            tree = JSON.readTree(wire.encodeChatRequest(request));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ObjectNode params = (ObjectNode) tree; // parsed for this call only: changed in place
        params.remove(IGNORED);
        if (!settings.matchModel()) {
            params.remove("model");
        }
        ArrayNode messages = params.has("messages") ? (ArrayNode) params.remove("messages") : JSON.createArrayNode();
        StringBuilder all = new StringBuilder();
        StringBuilder context = new StringBuilder();
        for (int i = 0; i < messages.size(); i++) {
            String m = canonical(messages.get(i), true);
            all.append(m).append('\n');
            if (i < messages.size() - 1) {
                context.append(m).append('\n');
            }
        }
        String p = canonical(params, false);
        String exact = sha256("exact\n" + namespace + "\n" + p + "\n" + all);
        String scope = sha256("scope\n" + namespace + "\n" + p + "\n" + context);
        return new CacheKey(exact, scope, namespace, semanticPrompt(request, settings));
    }

    private static Optional<String> semanticPrompt(ChatRequest request, Settings settings) {
        List<ChatMessage> messages = request.messages();
        if (!settings.semantic() || messages.isEmpty() || messages.size() > settings.maxMessages()) {
            return Optional.empty();
        }
        ChatMessage last = messages.getLast();
        if (!last.role().equals("user") || last.content().isEmpty()) {
            return Optional.empty();
        }
        if (last.content().get() instanceof MessageContent.Parts parts
                && !parts.parts().stream().allMatch(ContentPart.Text.class::isInstance)) {
            return Optional.empty();
        }
        String text = collapse(last.text());
        return text.isEmpty() ? Optional.empty() : Optional.of(text);
    }

    /** Collapses runs of whitespace into one space and trims. */
    static String collapse(String text) {
        return WHITESPACE.matcher(text.strip()).replaceAll(" ");
    }

    /** A canonical JSON text: sorted keys, one number form, collapsed whitespace in strings if asked. */
    static String canonical(JsonNode node, boolean collapseText) {
        StringBuilder out = new StringBuilder();
        write(node, collapseText, out);
        return out.toString();
    }

    private static void write(JsonNode node, boolean collapseText, StringBuilder out) {
        if (node.isObject()) {
            Set<String> names = new TreeSet<>();
            Iterator<String> it = node.fieldNames();
            it.forEachRemaining(names::add);
            out.append('{');
            boolean first = true;
            for (String name : names) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                out.append(JSON.getNodeFactory().textNode(name)).append(':');
                write(node.get(name), collapseText, out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            List<String> items = new ArrayList<>();
            for (JsonNode item : node) {
                StringBuilder b = new StringBuilder();
                write(item, collapseText, b);
                items.add(b.toString());
            }
            out.append(String.join(",", items)).append(']');
        } else if (node.isNumber()) {
            out.append(node.decimalValue().stripTrailingZeros().toPlainString());
        } else if (node.isTextual() && collapseText) {
            out.append(JSON.getNodeFactory().textNode(collapse(node.textValue())));
        } else {
            out.append(node);
        }
    }

    /** SHA-256 of UTF-8 text, in hex. */
    static String sha256(String text) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(d.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
