package io.heimdall.core.internal.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.heimdall.api.model.CacheControl;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ContentPart;
import io.heimdall.api.model.MessageContent;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.ThinkingBlock;
import io.heimdall.api.model.ToolCall;
import io.heimdall.core.internal.wire.WireJson.Side;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import static io.heimdall.core.internal.wire.JsonReader.array;
import static io.heimdall.core.internal.wire.JsonReader.extra;
import static io.heimdall.core.internal.wire.JsonReader.join;
import static io.heimdall.core.internal.wire.JsonReader.object;
import static io.heimdall.core.internal.wire.JsonReader.rawOf;
import static io.heimdall.core.internal.wire.JsonReader.requiredString;
import static io.heimdall.core.internal.wire.JsonReader.string;
import static io.heimdall.core.internal.wire.WireJson.writeExtra;
import static io.heimdall.core.internal.wire.WireJson.writeString;

/**
 * Messages and what they are made of: content and its parts, tool calls, thinking blocks and prompt-cache markers.
 * Shared by the request codec (client messages) and the response codec (upstream messages).
 */
final class MessageCodec {
    private static final Set<String> MESSAGE_FIELDS = Set.of("role", "content", "name", "tool_calls", "tool_call_id",
            "refusal", "reasoning_content", "thinking_blocks", "cache_control");
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");
    private static final Set<String> TEXT_PART_FIELDS = Set.of("type", "text", "cache_control");
    private static final Set<String> IMAGE_PART_FIELDS = Set.of("type", "image_url", "cache_control");
    private static final Set<String> CACHE_CONTROL_FIELDS = Set.of("type", "ttl");
    private static final Set<String> THINKING_FIELDS = Set.of("type", "thinking", "signature");
    private static final Set<String> REDACTED_FIELDS = Set.of("type", "data");
    private static final Set<String> TOOL_CALL_FIELDS = Set.of("id", "type", "function");

    private MessageCodec() {
    }

    // ------------------------------------------------------------------ reading

    /** A client's message: strict about roles and types. */
    static ChatMessage readRequestMessage(JsonNode m, String path) {
        if (!m.isObject()) {
            throw new JsonReader.JsonTypeException(path, "'" + path + "' must be an object");
        }
        String role = requiredString(m, "role", path);
        if (!ROLES.contains(role)) {
            throw new JsonReader.JsonTypeException(path + ".role", "'" + path + ".role' must be one of "
                    + "system, developer, user, assistant, tool; got '" + role + "'");
        }
        return readMessage(m, path, role, string(m, "tool_call_id", path), Side.CLIENT);
    }

    /** An upstream's assistant message: a missing message is an empty one, a missing role is {@code assistant}. */
    static ChatMessage readResponseMessage(JsonNode m, String path) {
        if (m.isMissingNode() || m.isNull()) {
            return ChatMessage.assistant("");
        }
        return readMessage(m, path, string(m, "role", path).orElse("assistant"), Optional.empty(), Side.UPSTREAM);
    }

    private static ChatMessage readMessage(JsonNode m, String path, String role, Optional<String> toolCallId,
                                           Side side) {
        Map<String, RawJson> extra = new LinkedHashMap<>(extra(m, MESSAGE_FIELDS));
        List<ThinkingBlock> blocks = lenient(m, "thinking_blocks", side, extra,
                () -> readThinkingBlocks(m, path)).orElse(List.of());
        Optional<CacheControl> cache = lenient(m, "cache_control", side, extra, () -> readCacheControl(m, path));
        return new ChatMessage(role, readContent(m, path), string(m, "name", path),
                array(m, "tool_calls", path, MessageCodec::readToolCall), toolCallId, string(m, "refusal", path),
                string(m, "reasoning_content", path), blocks, cache, extra);
    }

    /**
     * Reads an optional field that the gateway models but an upstream may send in a shape it does not know: a client
     * gets a 400 for it, an upstream's value is kept as it came in {@code extra} (and so passed through).
     */
    static <T> Optional<T> lenient(JsonNode obj, String field, Side side, Map<String, RawJson> extra,
                                   Supplier<Optional<T>> reader) {
        if (side == Side.CLIENT) {
            return reader.get();
        }
        try {
            return reader.get();
        } catch (JsonReader.JsonTypeException e) {
            JsonNode n = obj.get(field);
            if (n != null) {
                extra.put(field, rawOf(n));
            }
            return Optional.empty();
        }
    }

    static Optional<MessageContent> readContent(JsonNode m, String path) {
        JsonNode c = m.get("content");
        if (c == null || c.isNull()) {
            return Optional.empty();
        }
        if (c.isTextual()) {
            return Optional.of(MessageContent.of(c.textValue()));
        }
        if (!c.isArray()) {
            throw new JsonReader.JsonTypeException(path + ".content",
                    "'" + path + ".content' must be a string or an array of content parts");
        }
        return Optional.of(new MessageContent.Parts(array(m, "content", path, MessageCodec::readPart)));
    }

    /** A content part; a type the gateway does not model is kept whole as its source JSON. */
    static ContentPart readPart(JsonNode p, String path) {
        if (!p.isObject()) {
            throw new JsonReader.JsonTypeException(path, "'" + path + "' must be an object");
        }
        String type = requiredString(p, "type", path);
        return switch (type) {
            case "text" -> new ContentPart.Text(requiredString(p, "text", path), readCacheControl(p, path),
                    extra(p, TEXT_PART_FIELDS));
            case "image_url" -> {
                JsonNode img = p.get("image_url");
                if (img != null && img.isTextual()) {
                    yield new ContentPart.Image(img.textValue(), Optional.empty(), readCacheControl(p, path),
                            extra(p, IMAGE_PART_FIELDS));
                }
                JsonNode o = object(p, "image_url", path).orElseThrow(() -> new JsonReader.JsonTypeException(
                        path + ".image_url", "'" + path + ".image_url' is required"));
                yield new ContentPart.Image(requiredString(o, "url", path + ".image_url"),
                        string(o, "detail", path + ".image_url"), readCacheControl(p, path),
                        extra(p, IMAGE_PART_FIELDS));
            }
            default -> new ContentPart.Other(type, rawOf(p));
        };
    }

    static ToolCall readToolCall(JsonNode t, String path) {
        if (!t.isObject()) {
            throw new JsonReader.JsonTypeException(path, "'" + path + "' must be an object");
        }
        JsonNode f = object(t, "function", path).orElseThrow(() -> new JsonReader.JsonTypeException(
                path + ".function", "'" + path + ".function' is required"));
        return new ToolCall(string(t, "id", path).orElse(""), string(t, "type", path).orElse("function"),
                requiredString(f, "name", path + ".function"), argumentsText(f.get("arguments")),
                extra(t, TOOL_CALL_FIELDS));
    }

    /** Tool call arguments as text; some OpenAI-compatible servers send an object rather than a string. */
    static String argumentsText(JsonNode a) {
        if (a == null || a.isNull()) {
            return "";
        }
        return a.isTextual() ? a.textValue() : SourceTree.text(a);
    }

    static Optional<CacheControl> readCacheControl(JsonNode obj, String path) {
        String at = join(path, "cache_control");
        return object(obj, "cache_control", path).map(c -> new CacheControl(requiredString(c, "type", at),
                string(c, "ttl", at), extra(c, CACHE_CONTROL_FIELDS)));
    }

    /** The {@code thinking_blocks} array; empty if absent or {@code null}. */
    static Optional<List<ThinkingBlock>> readThinkingBlocks(JsonNode obj, String path) {
        List<ThinkingBlock> blocks = array(obj, "thinking_blocks", path, MessageCodec::readThinkingBlock);
        return blocks.isEmpty() ? Optional.empty() : Optional.of(blocks);
    }

    private static ThinkingBlock readThinkingBlock(JsonNode b, String path) {
        if (!b.isObject()) {
            throw new JsonReader.JsonTypeException(path, "'" + path + "' must be an object");
        }
        String type = requiredString(b, "type", path);
        return switch (type) {
            case ThinkingBlock.THINKING -> new ThinkingBlock(string(b, "thinking", path).orElse(""),
                    string(b, "signature", path), Optional.empty(), extra(b, THINKING_FIELDS));
            case ThinkingBlock.REDACTED_THINKING -> new ThinkingBlock("", Optional.empty(),
                    Optional.of(requiredString(b, "data", path)), extra(b, REDACTED_FIELDS));
            default -> throw new JsonReader.JsonTypeException(path + ".type", "'" + path
                    + ".type' must be thinking or redacted_thinking; got '" + type + "'");
        };
    }

    // ------------------------------------------------------------------ writing

    /**
     * Writes a message. In a request an absent content is left out except on assistant messages; in a response
     * {@code content} and {@code refusal} are always written, {@code null} when absent, as OpenAI does.
     */
    static void writeMessage(JsonGenerator g, ChatMessage m, boolean request) throws IOException {
        g.writeStartObject();
        g.writeStringField("role", m.role());
        if (m.content().isPresent()) {
            g.writeFieldName("content");
            writeContent(g, m.content().get());
        } else if (!request || "assistant".equals(m.role())) {
            g.writeNullField("content");
        }
        writeString(g, "name", m.name());
        if (m.refusal().isPresent()) {
            g.writeStringField("refusal", m.refusal().get());
        } else if (!request) {
            g.writeNullField("refusal");
        }
        writeString(g, "reasoning_content", m.reasoningContent());
        writeThinkingBlocks(g, m.thinkingBlocks());
        if (!m.toolCalls().isEmpty()) {
            g.writeArrayFieldStart("tool_calls");
            for (ToolCall c : m.toolCalls()) {
                g.writeStartObject();
                g.writeStringField("id", c.id());
                g.writeStringField("type", c.type());
                g.writeObjectFieldStart("function");
                g.writeStringField("name", c.name());
                g.writeStringField("arguments", c.arguments());
                g.writeEndObject();
                writeExtra(g, c.extra());
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        writeString(g, "tool_call_id", m.toolCallId());
        writeCacheControl(g, m.cacheControl());
        writeExtra(g, m.extra());
        g.writeEndObject();
    }

    static void writeContent(JsonGenerator g, MessageContent content) throws IOException {
        switch (content) {
            case MessageContent.Text t -> g.writeString(t.text());
            case MessageContent.Parts parts -> {
                g.writeStartArray();
                for (ContentPart p : parts.parts()) {
                    writePart(g, p);
                }
                g.writeEndArray();
            }
        }
    }

    private static void writePart(JsonGenerator g, ContentPart part) throws IOException {
        switch (part) {
            case ContentPart.Text t -> {
                g.writeStartObject();
                g.writeStringField("type", "text");
                g.writeStringField("text", t.text());
                writeCacheControl(g, t.cacheControl());
                writeExtra(g, t.extra());
                g.writeEndObject();
            }
            case ContentPart.Image i -> {
                g.writeStartObject();
                g.writeStringField("type", "image_url");
                g.writeObjectFieldStart("image_url");
                g.writeStringField("url", i.url());
                writeString(g, "detail", i.detail());
                g.writeEndObject();
                writeCacheControl(g, i.cacheControl());
                writeExtra(g, i.extra());
                g.writeEndObject();
            }
            case ContentPart.Other o -> g.writeRawValue(o.json().json());
        }
    }

    static void writeCacheControl(JsonGenerator g, Optional<CacheControl> cache) throws IOException {
        if (cache.isEmpty()) {
            return;
        }
        CacheControl c = cache.get();
        g.writeObjectFieldStart("cache_control");
        g.writeStringField("type", c.type());
        writeString(g, "ttl", c.ttl());
        writeExtra(g, c.extra());
        g.writeEndObject();
    }

    /** Writes {@code thinking_blocks} if there are any. */
    static void writeThinkingBlocks(JsonGenerator g, List<ThinkingBlock> blocks) throws IOException {
        if (blocks.isEmpty()) {
            return;
        }
        g.writeArrayFieldStart("thinking_blocks");
        for (ThinkingBlock b : blocks) {
            g.writeStartObject();
            g.writeStringField("type", b.type());
            if (b.redacted()) {
                g.writeStringField("data", b.redactedData().get());
            } else {
                g.writeStringField("thinking", b.thinking());
                writeString(g, "signature", b.signature());
            }
            writeExtra(g, b.extra());
            g.writeEndObject();
        }
        g.writeEndArray();
    }
}
