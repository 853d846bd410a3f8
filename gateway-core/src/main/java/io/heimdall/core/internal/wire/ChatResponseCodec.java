package io.heimdall.core.internal.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.Choice;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.ChunkDelta;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.ThinkingBlock;
import io.heimdall.api.model.ToolCallDelta;
import io.heimdall.core.internal.wire.WireJson.Side;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.heimdall.core.internal.wire.JsonReader.array;
import static io.heimdall.core.internal.wire.JsonReader.extra;
import static io.heimdall.core.internal.wire.JsonReader.longOr;
import static io.heimdall.core.internal.wire.JsonReader.raw;
import static io.heimdall.core.internal.wire.JsonReader.string;
import static io.heimdall.core.internal.wire.WireJson.writeExtra;
import static io.heimdall.core.internal.wire.WireJson.writeRawOrNull;

/**
 * Chat completions and stream chunks: decoding an upstream's (lenient about what compatible servers leave out),
 * encoding for a client. A delta's fields that the upstream sent as {@code null} are written back as {@code null}.
 */
final class ChatResponseCodec {
    private static final Set<String> RESPONSE_FIELDS = Set.of("id", "object", "created", "model", "choices", "usage",
            "system_fingerprint", "service_tier");
    private static final Set<String> CHUNK_FIELDS = Set.of("id", "object", "created", "model", "choices", "usage",
            "system_fingerprint");
    private static final Set<String> DELTA_FIELDS = Set.of("role", "content", "refusal", "tool_calls",
            "reasoning_content", "thinking_blocks");
    private static final Set<String> TOOL_CALL_DELTA_FIELDS = Set.of("index", "id", "type", "function");

    private final WireJson json;
    private final UsageCodec usage;

    ChatResponseCodec(WireJson json, UsageCodec usage) {
        this.json = json;
        this.usage = usage;
    }

    ChatResponse decodeResponse(byte[] body) {
        JsonNode root = json.parse(body, Side.UPSTREAM);
        return WireJson.guarded(Side.UPSTREAM, () -> {
            if (root.has("error") && !root.has("choices")) {
                throw new JsonReader.JsonTypeException("error", "an error object instead of a completion");
            }
            List<Choice> choices = array(root, "choices", "", (c, p) -> new Choice(
                    (int) longOr(c, "index", 0),
                    MessageCodec.readResponseMessage(c.path("message"), p + ".message"),
                    string(c, "finish_reason", p).map(FinishReason::of),
                    raw(c, "logprobs").filter(r -> !r.equals(RawJson.NULL))));
            return new ChatResponse(string(root, "id", "").orElse("chatcmpl-unknown"),
                    longOr(root, "created", 0), string(root, "model", "").orElse(""), choices,
                    UsageCodec.read(root), string(root, "system_fingerprint", ""), string(root, "service_tier", ""),
                    extra(root, RESPONSE_FIELDS));
        });
    }

    /** A chunk: the common shape straight from the tokens ({@link ChunkFastPath}), any other through the tree. */
    ChatChunk decodeChunk(String data) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        try (JsonParser p = json.parser(bytes)) {
            Optional<ChatChunk> fast = ChunkFastPath.decode(p);
            if (fast.isPresent()) {
                return fast.get();
            }
        } catch (IOException e) {
            // the tree decoder below reports what is wrong
        }
        return decodeChunkTree(bytes);
    }

    /** A chunk through the tree: any shape, and the errors for malformed ones. */
    ChatChunk decodeChunkTree(byte[] bytes) {
        JsonNode root = json.parse(bytes, Side.UPSTREAM);
        return WireJson.guarded(Side.UPSTREAM, () -> {
            List<ChunkChoice> choices = array(root, "choices", "", (c, p) -> new ChunkChoice(
                    (int) longOr(c, "index", 0), readDelta(c.path("delta"), p + ".delta"),
                    string(c, "finish_reason", p).map(FinishReason::of),
                    raw(c, "logprobs").filter(r -> !r.equals(RawJson.NULL))));
            return new ChatChunk(string(root, "id", "").orElse("chatcmpl-unknown"),
                    longOr(root, "created", 0), string(root, "model", "").orElse(""), choices,
                    UsageCodec.read(root), string(root, "system_fingerprint", ""), extra(root, CHUNK_FIELDS));
        });
    }

    private static ChunkDelta readDelta(JsonNode d, String path) {
        if (d.isMissingNode() || d.isNull()) {
            return ChunkDelta.EMPTY;
        }
        List<ToolCallDelta> calls = array(d, "tool_calls", path, (t, p) -> {
            JsonNode f = t.path("function");
            JsonNode args = f.get("arguments");
            return new ToolCallDelta((int) longOr(t, "index", 0), string(t, "id", p),
                    string(t, "type", p), f.isObject() ? string(f, "name", p + ".function") : Optional.empty(),
                    args == null || args.isNull() ? Optional.empty()
                            : Optional.of(MessageCodec.argumentsText(args)), extra(t, TOOL_CALL_DELTA_FIELDS));
        });
        Map<String, RawJson> extra = extra(d, DELTA_FIELDS);
        List<ThinkingBlock> blocks = List.of();
        if (d.has("thinking_blocks")) {
            extra = new LinkedHashMap<>(extra);
            blocks = MessageCodec.lenient(d, "thinking_blocks", Side.UPSTREAM, extra,
                    () -> MessageCodec.readThinkingBlocks(d, path)).orElse(List.of());
        }
        Set<String> nulls = Set.of();
        for (String field : DELTA_FIELDS) {
            JsonNode n = d.get(field);
            if (n != null && n.isNull()) {
                if (nulls.isEmpty()) {
                    nulls = new HashSet<>(4);
                }
                nulls.add(field);
            }
        }
        return new ChunkDelta(string(d, "role", path), string(d, "content", path), string(d, "refusal", path), calls,
                string(d, "reasoning_content", path), blocks, nulls, extra);
    }

    byte[] encodeResponse(ChatResponse r) {
        return json.write(g -> {
            g.writeStartObject();
            g.writeStringField("id", r.id());
            g.writeStringField("object", "chat.completion");
            g.writeNumberField("created", r.created());
            g.writeStringField("model", r.model());
            g.writeArrayFieldStart("choices");
            for (Choice c : r.choices()) {
                g.writeStartObject();
                g.writeNumberField("index", c.index());
                g.writeFieldName("message");
                MessageCodec.writeMessage(g, c.message(), false);
                writeRawOrNull(g, "logprobs", c.logprobs());
                writeFinish(g, c.finishReason());
                g.writeEndObject();
            }
            g.writeEndArray();
            if (r.usage().isPresent()) {
                usage.write(g, r.usage().get());
            }
            WireJson.writeString(g, "service_tier", r.serviceTier());
            WireJson.writeString(g, "system_fingerprint", r.systemFingerprint());
            writeExtra(g, r.extra());
            g.writeEndObject();
        });
    }

    byte[] encodeChunk(ChatChunk c) {
        return json.write(g -> {
            g.writeStartObject();
            g.writeStringField("id", c.id());
            g.writeStringField("object", "chat.completion.chunk");
            g.writeNumberField("created", c.created());
            g.writeStringField("model", c.model());
            WireJson.writeString(g, "system_fingerprint", c.systemFingerprint());
            g.writeArrayFieldStart("choices");
            for (ChunkChoice ch : c.choices()) {
                g.writeStartObject();
                g.writeNumberField("index", ch.index());
                g.writeFieldName("delta");
                writeDelta(g, ch.delta());
                writeRawOrNull(g, "logprobs", ch.logprobs());
                writeFinish(g, ch.finishReason());
                g.writeEndObject();
            }
            g.writeEndArray();
            if (c.usage().isPresent()) {
                usage.write(g, c.usage().get());
            }
            writeExtra(g, c.extra());
            g.writeEndObject();
        });
    }

    private static void writeDelta(JsonGenerator g, ChunkDelta d) throws IOException {
        g.writeStartObject();
        writeNullable(g, d, "role", d.role());
        writeNullable(g, d, "content", d.content());
        writeNullable(g, d, "refusal", d.refusal());
        writeNullable(g, d, "reasoning_content", d.reasoningContent());
        if (!d.thinkingBlocks().isEmpty()) {
            MessageCodec.writeThinkingBlocks(g, d.thinkingBlocks());
        } else if (d.writesNull("thinking_blocks")) {
            g.writeNullField("thinking_blocks");
        }
        if (!d.toolCalls().isEmpty()) {
            g.writeArrayFieldStart("tool_calls");
            for (ToolCallDelta t : d.toolCalls()) {
                writeToolCallDelta(g, t);
            }
            g.writeEndArray();
        } else if (d.writesNull("tool_calls")) {
            g.writeNullField("tool_calls");
        }
        writeExtra(g, d.extra());
        g.writeEndObject();
    }

    private static void writeNullable(JsonGenerator g, ChunkDelta d, String name, Optional<String> value)
            throws IOException {
        if (value.isPresent()) {
            g.writeStringField(name, value.get());
        } else if (d.writesNull(name)) {
            g.writeNullField(name);
        }
    }

    private static void writeToolCallDelta(JsonGenerator g, ToolCallDelta t) throws IOException {
        g.writeStartObject();
        g.writeNumberField("index", t.index());
        WireJson.writeString(g, "id", t.id());
        WireJson.writeString(g, "type", t.type());
        if (t.name().isPresent() || t.arguments().isPresent()) {
            g.writeObjectFieldStart("function");
            WireJson.writeString(g, "name", t.name());
            WireJson.writeString(g, "arguments", t.arguments());
            g.writeEndObject();
        }
        writeExtra(g, t.extra());
        g.writeEndObject();
    }

    private static void writeFinish(JsonGenerator g, Optional<FinishReason> reason) throws IOException {
        if (reason.isPresent()) {
            g.writeStringField("finish_reason", reason.get().value());
        } else {
            g.writeNullField("finish_reason");
        }
    }
}
