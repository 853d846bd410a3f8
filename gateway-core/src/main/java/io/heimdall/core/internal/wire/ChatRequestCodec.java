package io.heimdall.core.internal.wire;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.ResponseFormat;
import io.heimdall.api.model.StreamOptions;
import io.heimdall.api.model.Tool;
import io.heimdall.api.model.ToolChoice;
import io.heimdall.core.internal.wire.WireJson.Side;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static io.heimdall.core.internal.wire.JsonReader.array;
import static io.heimdall.core.internal.wire.JsonReader.bool;
import static io.heimdall.core.internal.wire.JsonReader.extra;
import static io.heimdall.core.internal.wire.JsonReader.integer;
import static io.heimdall.core.internal.wire.JsonReader.longValue;
import static io.heimdall.core.internal.wire.JsonReader.number;
import static io.heimdall.core.internal.wire.JsonReader.object;
import static io.heimdall.core.internal.wire.JsonReader.raw;
import static io.heimdall.core.internal.wire.JsonReader.rawOf;
import static io.heimdall.core.internal.wire.JsonReader.requiredString;
import static io.heimdall.core.internal.wire.JsonReader.string;
import static io.heimdall.core.internal.wire.WireJson.writeExtra;
import static io.heimdall.core.internal.wire.WireJson.writeInt;
import static io.heimdall.core.internal.wire.WireJson.writeNumber;
import static io.heimdall.core.internal.wire.WireJson.writeString;

/** Chat completion requests: decoding a client's body strictly, encoding for an upstream. */
final class ChatRequestCodec {
    private static final Set<String> REQUEST_FIELDS = Set.of("model", "messages", "stream", "stream_options", "tools",
            "tool_choice", "parallel_tool_calls", "response_format", "temperature", "top_p", "max_tokens",
            "max_completion_tokens", "n", "stop", "presence_penalty", "frequency_penalty", "seed", "user");
    private static final Set<String> STREAM_OPTION_FIELDS = Set.of("include_usage");
    private static final Set<String> TOOL_CHOICE_MODES = Set.of("none", "auto", "required");

    private final WireJson json;

    ChatRequestCodec(WireJson json) {
        this.json = json;
    }

    ChatRequest decode(byte[] body) {
        JsonNode root = json.parse(body, Side.CLIENT);
        return WireJson.guarded(Side.CLIENT, () -> read(root));
    }

    private static ChatRequest read(JsonNode root) {
        String model = requiredString(root, "model", "");
        if (model.isBlank()) {
            throw new JsonReader.JsonTypeException("model", "'model' must not be empty");
        }
        JsonNode messages = root.get("messages");
        if (messages == null || messages.isNull()) {
            throw new JsonReader.JsonTypeException("messages", "'messages' is required");
        }
        List<ChatMessage> msgs = array(root, "messages", "", MessageCodec::readRequestMessage);
        if (msgs.isEmpty()) {
            throw new JsonReader.JsonTypeException("messages", "'messages' must contain at least one message");
        }
        ChatRequest.Builder b = ChatRequest.builder()
                .model(model)
                .messages(msgs)
                .stream(bool(root, "stream", "").orElse(false))
                .tools(array(root, "tools", "", ChatRequestCodec::readTool));
        object(root, "stream_options", "").ifPresent(o -> b.streamOptions(new StreamOptions(
                bool(o, "include_usage", "stream_options").orElse(false), extra(o, STREAM_OPTION_FIELDS))));
        readToolChoice(root).ifPresent(b::toolChoice);
        bool(root, "parallel_tool_calls", "").ifPresent(b::parallelToolCalls);
        object(root, "response_format", "").ifPresent(o -> b.responseFormat(readResponseFormat(o)));
        number(root, "temperature", "").ifPresent(b::temperature);
        number(root, "top_p", "").ifPresent(b::topP);
        integer(root, "max_tokens", "").ifPresent(b::maxTokens);
        integer(root, "max_completion_tokens", "").ifPresent(b::maxCompletionTokens);
        integer(root, "n", "").ifPresent(b::n);
        b.stop(readStop(root));
        number(root, "presence_penalty", "").ifPresent(b::presencePenalty);
        number(root, "frequency_penalty", "").ifPresent(b::frequencyPenalty);
        longValue(root, "seed", "").ifPresent(b::seed);
        string(root, "user", "").ifPresent(b::user);
        b.extra(extra(root, REQUEST_FIELDS));
        return b.build();
    }

    private static List<String> readStop(JsonNode root) {
        JsonNode n = root.get("stop");
        if (n == null || n.isNull()) {
            return List.of();
        }
        if (n.isTextual()) {
            return List.of(n.textValue());
        }
        return array(root, "stop", "", (e, p) -> {
            if (!e.isTextual()) {
                throw new JsonReader.JsonTypeException(p, "'" + p + "' must be a string");
            }
            return e.textValue();
        });
    }

    private static Tool readTool(JsonNode t, String path) {
        if (!t.isObject()) {
            throw new JsonReader.JsonTypeException(path, "'" + path + "' must be an object");
        }
        String type = string(t, "type", path).orElse("function");
        if (!type.equals("function")) {
            throw new JsonReader.JsonTypeException(path + ".type",
                    "'" + path + ".type' must be 'function'; got '" + type + "'");
        }
        JsonNode f = object(t, "function", path).orElseThrow(() -> new JsonReader.JsonTypeException(
                path + ".function", "'" + path + ".function' is required"));
        String name = requiredString(f, "name", path + ".function");
        return new Tool(type, name, string(f, "description", path + ".function"),
                raw(f, "parameters").filter(r -> !r.equals(RawJson.NULL)), bool(f, "strict", path + ".function"),
                MessageCodec.readCacheControl(t, path));
    }

    private static Optional<ToolChoice> readToolChoice(JsonNode root) {
        JsonNode n = root.get("tool_choice");
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (n.isTextual()) {
            String mode = n.textValue();
            if (!TOOL_CHOICE_MODES.contains(mode)) {
                throw new JsonReader.JsonTypeException("tool_choice",
                        "'tool_choice' must be none, auto, required or an object; got '" + mode + "'");
            }
            return Optional.of(ToolChoice.mode(mode));
        }
        if (n.isObject() && "function".equals(n.path("type").asText()) && n.path("function").path("name").isTextual()) {
            return Optional.of(ToolChoice.function(n.path("function").path("name").textValue()));
        }
        if (n.isObject()) {
            return Optional.of(new ToolChoice("raw", Optional.empty(), Optional.of(rawOf(n))));
        }
        throw new JsonReader.JsonTypeException("tool_choice", "'tool_choice' must be a string or an object");
    }

    private static ResponseFormat readResponseFormat(JsonNode o) {
        String type = requiredString(o, "type", "response_format");
        Optional<JsonNode> schema = object(o, "json_schema", "response_format");
        return new ResponseFormat(type,
                schema.flatMap(s -> string(s, "name", "response_format.json_schema")),
                schema.flatMap(s -> raw(s, "schema")),
                schema.flatMap(s -> bool(s, "strict", "response_format.json_schema")));
    }

    byte[] encode(ChatRequest r) {
        return json.write(g -> {
            g.writeStartObject();
            g.writeStringField("model", r.model());
            g.writeArrayFieldStart("messages");
            for (ChatMessage m : r.messages()) {
                MessageCodec.writeMessage(g, m, true);
            }
            g.writeEndArray();
            if (r.stream()) {
                g.writeBooleanField("stream", true);
            }
            if (r.streamOptions().isPresent()) {
                StreamOptions so = r.streamOptions().get();
                g.writeObjectFieldStart("stream_options");
                g.writeBooleanField("include_usage", so.includeUsage());
                writeExtra(g, so.extra());
                g.writeEndObject();
            }
            writeTools(g, r.tools());
            if (r.toolChoice().isPresent()) {
                writeToolChoice(g, r.toolChoice().get());
            }
            if (r.parallelToolCalls().isPresent()) {
                g.writeBooleanField("parallel_tool_calls", r.parallelToolCalls().get());
            }
            if (r.responseFormat().isPresent()) {
                writeResponseFormat(g, r.responseFormat().get());
            }
            writeNumber(g, "temperature", r.temperature());
            writeNumber(g, "top_p", r.topP());
            writeInt(g, "max_tokens", r.maxTokens());
            writeInt(g, "max_completion_tokens", r.maxCompletionTokens());
            writeInt(g, "n", r.n());
            if (!r.stop().isEmpty()) {
                g.writeArrayFieldStart("stop");
                for (String s : r.stop()) {
                    g.writeString(s);
                }
                g.writeEndArray();
            }
            writeNumber(g, "presence_penalty", r.presencePenalty());
            writeNumber(g, "frequency_penalty", r.frequencyPenalty());
            if (r.seed().isPresent()) {
                g.writeNumberField("seed", r.seed().get());
            }
            writeString(g, "user", r.user());
            writeExtra(g, r.extra());
            g.writeEndObject();
        });
    }

    private static void writeTools(JsonGenerator g, List<Tool> tools) throws IOException {
        if (tools.isEmpty()) {
            return;
        }
        g.writeArrayFieldStart("tools");
        for (Tool t : tools) {
            g.writeStartObject();
            g.writeStringField("type", t.type());
            g.writeObjectFieldStart("function");
            g.writeStringField("name", t.name());
            writeString(g, "description", t.description());
            if (t.parameters().isPresent()) {
                WireJson.writeRaw(g, "parameters", t.parameters().get());
            }
            if (t.strict().isPresent()) {
                g.writeBooleanField("strict", t.strict().get());
            }
            g.writeEndObject();
            MessageCodec.writeCacheControl(g, t.cacheControl());
            g.writeEndObject();
        }
        g.writeEndArray();
    }

    private static void writeToolChoice(JsonGenerator g, ToolChoice tc) throws IOException {
        g.writeFieldName("tool_choice");
        if (tc.raw().isPresent()) {
            g.writeRawValue(tc.raw().get().json());
        } else if (tc.function().isPresent()) {
            g.writeStartObject();
            g.writeStringField("type", "function");
            g.writeObjectFieldStart("function");
            g.writeStringField("name", tc.function().get());
            g.writeEndObject();
            g.writeEndObject();
        } else {
            g.writeString(tc.mode());
        }
    }

    private static void writeResponseFormat(JsonGenerator g, ResponseFormat rf) throws IOException {
        g.writeObjectFieldStart("response_format");
        g.writeStringField("type", rf.type());
        if (rf.name().isPresent() || rf.schema().isPresent() || rf.strict().isPresent()) {
            g.writeObjectFieldStart("json_schema");
            writeString(g, "name", rf.name());
            if (rf.schema().isPresent()) {
                WireJson.writeRaw(g, "schema", rf.schema().get());
            }
            if (rf.strict().isPresent()) {
                g.writeBooleanField("strict", rf.strict().get());
            }
            g.writeEndObject();
        }
        g.writeEndObject();
    }
}
