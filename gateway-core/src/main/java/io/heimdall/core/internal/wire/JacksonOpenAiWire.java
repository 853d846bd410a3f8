package io.heimdall.core.internal.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.Choice;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.ChunkDelta;
import io.heimdall.api.model.ContentPart;
import io.heimdall.api.model.Embedding;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.MessageContent;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.ResponseFormat;
import io.heimdall.api.model.StreamOptions;
import io.heimdall.api.model.Tool;
import io.heimdall.api.model.ToolCall;
import io.heimdall.api.model.ToolCallDelta;
import io.heimdall.api.model.ToolChoice;
import io.heimdall.api.model.Usage;
import io.heimdall.api.wire.OpenAiWire;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
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
import static io.heimdall.core.internal.wire.JsonReader.requiredString;
import static io.heimdall.core.internal.wire.JsonReader.string;

/**
 * The OpenAI wire format with Jackson: tree parsing for decoding (path-precise errors, unknown fields kept as raw
 * JSON), a streaming generator for encoding. Thread-safe and stateless.
 */
public final class JacksonOpenAiWire implements OpenAiWire {
    private static final Set<String> REQUEST_FIELDS = Set.of("model", "messages", "stream", "stream_options", "tools",
            "tool_choice", "parallel_tool_calls", "response_format", "temperature", "top_p", "max_tokens",
            "max_completion_tokens", "n", "stop", "presence_penalty", "frequency_penalty", "seed", "user");
    private static final Set<String> MESSAGE_FIELDS = Set.of("role", "content", "name", "tool_calls", "tool_call_id",
            "refusal");
    private static final Set<String> ROLES = Set.of("system", "developer", "user", "assistant", "tool", "function");
    private static final Set<String> RESPONSE_FIELDS = Set.of("id", "object", "created", "model", "choices", "usage",
            "system_fingerprint", "service_tier");
    private static final Set<String> CHUNK_FIELDS = Set.of("id", "object", "created", "model", "choices", "usage",
            "system_fingerprint");
    private static final Set<String> DELTA_FIELDS = Set.of("role", "content", "refusal", "tool_calls");
    private static final Set<String> USAGE_FIELDS = Set.of("prompt_tokens", "completion_tokens", "total_tokens");
    private static final Set<String> EMBEDDING_FIELDS = Set.of("model", "input", "encoding_format", "dimensions",
            "user");
    private static final Set<String> STREAM_OPTION_FIELDS = Set.of("include_usage");

    private final ObjectMapper mapper;
    private final JsonFactory factory;

    /** Creates the codec with nesting and string-length limits suited to untrusted input. */
    public JacksonOpenAiWire() {
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build())
                .build();
        this.mapper = new ObjectMapper(factory);
    }

    // ------------------------------------------------------------------ decoding

    private enum Side { CLIENT, UPSTREAM }

    private JsonNode parse(byte[] json, Side side) {
        try {
            JsonNode node = mapper.readTree(json);
            if (node == null || node.isMissingNode()) {
                throw fail(side, "", "The body is empty; expected a JSON object", null);
            }
            if (!node.isObject()) {
                throw fail(side, "", "The body must be a JSON object", null);
            }
            return node;
        } catch (JsonProcessingException e) {
            throw fail(side, "", "The body is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static GatewayException fail(Side side, String param, String message, Throwable cause) {
        if (side == Side.CLIENT) {
            GatewayError error = GatewayError.invalidRequest(message, param.isEmpty() ? null : param);
            return cause == null ? new GatewayException(error) : new GatewayException(error, cause);
        }
        GatewayError error = GatewayError.of(502, GatewayError.API_ERROR,
                "The upstream sent a response that could not be read: " + message, "bad_upstream_response");
        return cause == null ? new GatewayException(error) : new GatewayException(error, cause);
    }

    private <T> T guarded(Side side, java.util.function.Supplier<T> body) {
        try {
            return body.get();
        } catch (JsonReader.JsonTypeException e) {
            throw fail(side, e.path, e.getMessage(), null);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw fail(side, "", String.valueOf(e.getMessage()), e);
        }
    }

    @Override
    public ChatRequest decodeChatRequest(byte[] json) {
        JsonNode root = parse(json, Side.CLIENT);
        return guarded(Side.CLIENT, () -> readChatRequest(root));
    }

    private ChatRequest readChatRequest(JsonNode root) {
        String model = requiredString(root, "model", "");
        if (model.isBlank()) {
            throw new JsonReader.JsonTypeException("model", "'model' must not be empty");
        }
        JsonNode messages = root.get("messages");
        if (messages == null || messages.isNull()) {
            throw new JsonReader.JsonTypeException("messages", "'messages' is required");
        }
        List<ChatMessage> msgs = array(root, "messages", "", this::readMessage);
        if (msgs.isEmpty()) {
            throw new JsonReader.JsonTypeException("messages", "'messages' must contain at least one message");
        }
        ChatRequest.Builder b = ChatRequest.builder()
                .model(model)
                .messages(msgs)
                .stream(bool(root, "stream", "").orElse(false))
                .tools(array(root, "tools", "", this::readTool));
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

    private ChatMessage readMessage(JsonNode m, String path) {
        if (!m.isObject()) {
            throw new JsonReader.JsonTypeException(path, "'" + path + "' must be an object");
        }
        String role = requiredString(m, "role", path);
        if (!ROLES.contains(role)) {
            throw new JsonReader.JsonTypeException(path + ".role", "'" + path + ".role' must be one of "
                    + "system, developer, user, assistant, tool; got '" + role + "'");
        }
        return new ChatMessage(role, readContent(m, path), string(m, "name", path),
                array(m, "tool_calls", path, this::readToolCall), string(m, "tool_call_id", path),
                string(m, "refusal", path), extra(m, MESSAGE_FIELDS));
    }

    private static Optional<MessageContent> readContent(JsonNode m, String path) {
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
        return Optional.of(new MessageContent.Parts(array(m, "content", path, JacksonOpenAiWire::readPart)));
    }

    private static ContentPart readPart(JsonNode p, String path) {
        if (!p.isObject()) {
            throw new JsonReader.JsonTypeException(path, "'" + path + "' must be an object");
        }
        String type = requiredString(p, "type", path);
        return switch (type) {
            case "text" -> new ContentPart.Text(requiredString(p, "text", path));
            case "image_url" -> {
                JsonNode img = p.get("image_url");
                if (img != null && img.isTextual()) {
                    yield new ContentPart.Image(img.textValue(), Optional.empty());
                }
                JsonNode o = object(p, "image_url", path).orElseThrow(() -> new JsonReader.JsonTypeException(
                        path + ".image_url", "'" + path + ".image_url' is required"));
                yield new ContentPart.Image(requiredString(o, "url", path + ".image_url"),
                        string(o, "detail", path + ".image_url"));
            }
            default -> new ContentPart.Other(type, new RawJson(p.toString()));
        };
    }

    private ToolCall readToolCall(JsonNode t, String path) {
        if (!t.isObject()) {
            throw new JsonReader.JsonTypeException(path, "'" + path + "' must be an object");
        }
        JsonNode f = object(t, "function", path).orElseThrow(() -> new JsonReader.JsonTypeException(
                path + ".function", "'" + path + ".function' is required"));
        return new ToolCall(string(t, "id", path).orElse(""), string(t, "type", path).orElse("function"),
                requiredString(f, "name", path + ".function"), argumentsText(f));
    }

    private static String argumentsText(JsonNode f) {
        JsonNode a = f.get("arguments");
        if (a == null || a.isNull()) {
            return "";
        }
        // Some OpenAI-compatible servers send the arguments as an object rather than a string.
        return a.isTextual() ? a.textValue() : a.toString();
    }

    private Tool readTool(JsonNode t, String path) {
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
                raw(f, "parameters").filter(r -> !r.equals(RawJson.NULL)), bool(f, "strict", path + ".function"));
    }

    private static Optional<ToolChoice> readToolChoice(JsonNode root) {
        JsonNode n = root.get("tool_choice");
        if (n == null || n.isNull()) {
            return Optional.empty();
        }
        if (n.isTextual()) {
            String mode = n.textValue();
            if (!Set.of("none", "auto", "required").contains(mode)) {
                throw new JsonReader.JsonTypeException("tool_choice",
                        "'tool_choice' must be none, auto, required or an object; got '" + mode + "'");
            }
            return Optional.of(ToolChoice.mode(mode));
        }
        if (n.isObject() && "function".equals(n.path("type").asText()) && n.path("function").path("name").isTextual()) {
            return Optional.of(ToolChoice.function(n.path("function").path("name").textValue()));
        }
        if (n.isObject()) {
            return Optional.of(new ToolChoice("raw", Optional.empty(), Optional.of(new RawJson(n.toString()))));
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

    @Override
    public ChatResponse decodeChatResponse(byte[] json) {
        JsonNode root = parse(json, Side.UPSTREAM);
        return guarded(Side.UPSTREAM, () -> {
            if (root.has("error") && !root.has("choices")) {
                throw new JsonReader.JsonTypeException("error", "an error object instead of a completion");
            }
            List<Choice> choices = array(root, "choices", "", (c, p) -> new Choice(
                    (int) JsonReader.longOr(c, "index", 0),
                    readResponseMessage(c.path("message"), p + ".message"),
                    string(c, "finish_reason", p).map(FinishReason::of),
                    raw(c, "logprobs").filter(r -> !r.equals(RawJson.NULL))));
            return new ChatResponse(string(root, "id", "").orElse("chatcmpl-unknown"),
                    JsonReader.longOr(root, "created", 0), string(root, "model", "").orElse(""), choices,
                    readUsage(root), string(root, "system_fingerprint", ""), string(root, "service_tier", ""),
                    extra(root, RESPONSE_FIELDS));
        });
    }

    private ChatMessage readResponseMessage(JsonNode m, String path) {
        if (m.isMissingNode() || m.isNull()) {
            return ChatMessage.assistant("");
        }
        Optional<MessageContent> content = readContent(m, path);
        return new ChatMessage(string(m, "role", path).orElse("assistant"), content, string(m, "name", path),
                array(m, "tool_calls", path, this::readToolCall), Optional.empty(), string(m, "refusal", path),
                extra(m, MESSAGE_FIELDS));
    }

    private static Optional<Usage> readUsage(JsonNode root) {
        JsonNode u = root.get("usage");
        if (u == null || !u.isObject()) {
            return Optional.empty();
        }
        long prompt = JsonReader.longOr(u, "prompt_tokens", 0);
        long completion = JsonReader.longOr(u, "completion_tokens", 0);
        return Optional.of(new Usage(prompt, completion, JsonReader.longOr(u, "total_tokens", prompt + completion),
                extra(u, USAGE_FIELDS)));
    }

    @Override
    public ChatChunk decodeChunk(String json) {
        JsonNode root = parse(json.getBytes(StandardCharsets.UTF_8), Side.UPSTREAM);
        return guarded(Side.UPSTREAM, () -> {
            List<ChunkChoice> choices = array(root, "choices", "", (c, p) -> new ChunkChoice(
                    (int) JsonReader.longOr(c, "index", 0), readDelta(c.path("delta"), p + ".delta"),
                    string(c, "finish_reason", p).map(FinishReason::of),
                    raw(c, "logprobs").filter(r -> !r.equals(RawJson.NULL))));
            return new ChatChunk(string(root, "id", "").orElse("chatcmpl-unknown"),
                    JsonReader.longOr(root, "created", 0), string(root, "model", "").orElse(""), choices,
                    readUsage(root), string(root, "system_fingerprint", ""), extra(root, CHUNK_FIELDS));
        });
    }

    private static ChunkDelta readDelta(JsonNode d, String path) {
        if (d.isMissingNode() || d.isNull()) {
            return ChunkDelta.EMPTY;
        }
        List<ToolCallDelta> calls = array(d, "tool_calls", path, (t, p) -> {
            JsonNode f = t.path("function");
            JsonNode args = f.get("arguments");
            return new ToolCallDelta((int) JsonReader.longOr(t, "index", 0), string(t, "id", p),
                    string(t, "type", p), f.isObject() ? string(f, "name", p + ".function") : Optional.empty(),
                    args == null || args.isNull() ? Optional.empty()
                            : Optional.of(args.isTextual() ? args.textValue() : args.toString()));
        });
        return new ChunkDelta(string(d, "role", path), string(d, "content", path), string(d, "refusal", path), calls,
                extra(d, DELTA_FIELDS));
    }

    @Override
    public EmbeddingRequest decodeEmbeddingRequest(byte[] json) {
        JsonNode root = parse(json, Side.CLIENT);
        return guarded(Side.CLIENT, () -> {
            String model = requiredString(root, "model", "");
            JsonNode input = root.get("input");
            List<String> texts;
            boolean single = false;
            if (input == null || input.isNull()) {
                throw new JsonReader.JsonTypeException("input", "'input' is required");
            } else if (input.isTextual()) {
                texts = List.of(input.textValue());
                single = true;
            } else if (input.isArray() && !input.isEmpty()) {
                texts = array(root, "input", "", (e, p) -> {
                    if (!e.isTextual()) {
                        throw new JsonReader.JsonTypeException(p,
                                "'" + p + "' must be a string (token-array input is not supported)");
                    }
                    return e.textValue();
                });
            } else {
                throw new JsonReader.JsonTypeException("input", "'input' must be a string or a non-empty array of "
                        + "strings");
            }
            Optional<String> format = string(root, "encoding_format", "");
            if (format.isPresent() && !format.get().equals("float") && !format.get().equals("base64")) {
                throw new JsonReader.JsonTypeException("encoding_format", "'encoding_format' must be float or base64");
            }
            return new EmbeddingRequest(model, texts, single, format, integer(root, "dimensions", ""),
                    string(root, "user", ""), extra(root, EMBEDDING_FIELDS));
        });
    }

    @Override
    public EmbeddingResponse decodeEmbeddingResponse(byte[] json) {
        JsonNode root = parse(json, Side.UPSTREAM);
        return guarded(Side.UPSTREAM, () -> {
            List<Embedding> data = array(root, "data", "", (e, p) -> new Embedding(
                    (int) JsonReader.longOr(e, "index", 0), readVector(e.get("embedding"), p)));
            Usage usage = readUsage(root).orElse(Usage.of(0, 0));
            return new EmbeddingResponse(string(root, "model", "").orElse(""), data, usage);
        });
    }

    private static float[] readVector(JsonNode v, String path) {
        if (v != null && v.isTextual()) {
            ByteBuffer buf = ByteBuffer.wrap(Base64.getDecoder().decode(v.textValue())).order(ByteOrder.LITTLE_ENDIAN);
            float[] out = new float[buf.remaining() / 4];
            buf.asFloatBuffer().get(out);
            return out;
        }
        if (v == null || !v.isArray()) {
            throw new JsonReader.JsonTypeException(path + ".embedding", "'" + path + ".embedding' must be an array");
        }
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) v.get(i).asDouble();
        }
        return out;
    }

    @Override
    public List<ModelInfo> decodeModelList(byte[] json) {
        JsonNode root = parse(json, Side.UPSTREAM);
        return guarded(Side.UPSTREAM, () -> array(root, "data", "", (m, p) -> new ModelInfo(
                requiredString(m, "id", p), JsonReader.longOr(m, "created", 0),
                string(m, "owned_by", p).orElse("unknown"))));
    }

    @Override
    public GatewayError decodeError(int status, byte[] body) {
        int code = status >= 400 && status <= 599 ? status : 502;
        String type = GatewayError.typeForStatus(code);
        String message = null;
        Optional<String> param = Optional.empty();
        Optional<String> errorCode = Optional.empty();
        try {
            JsonNode root = body.length == 0 ? null : mapper.readTree(body);
            JsonNode err = root == null ? null : root.get("error");
            if (err != null && err.isObject()) {
                message = text(err.get("message"));
                type = Optional.ofNullable(text(err.get("type"))).orElse(type);
                param = Optional.ofNullable(text(err.get("param")));
                errorCode = Optional.ofNullable(text(err.get("code")));
            } else if (err != null && err.isTextual()) {
                message = err.textValue();
            } else if (root != null && root.isObject()) {
                message = text(root.get("message"));
                if (message == null) {
                    message = text(root.get("detail"));
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // not JSON: fall through to an excerpt
        }
        if (message == null || message.isBlank()) {
            String text = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8).strip();
            message = text.isEmpty() ? "Upstream returned HTTP " + status + " with an empty body"
                    : "Upstream returned HTTP " + status + ": " + text.replaceAll("\\s+", " ");
        }
        return new GatewayError(code, type, message, param, errorCode, Optional.empty());
    }

    private static String text(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        return n.isValueNode() ? n.asText() : n.toString();
    }

    // ------------------------------------------------------------------ encoding

    /** Writes JSON into a byte array; one per call. */
    @FunctionalInterface
    private interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    private byte[] write(Writer writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try (JsonGenerator g = factory.createGenerator(out)) {
            writer.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Override
    public byte[] encodeChatRequest(ChatRequest r) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("model", r.model());
            g.writeArrayFieldStart("messages");
            for (ChatMessage m : r.messages()) {
                writeMessage(g, m, true);
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
            if (!r.tools().isEmpty()) {
                g.writeArrayFieldStart("tools");
                for (Tool t : r.tools()) {
                    g.writeStartObject();
                    g.writeStringField("type", t.type());
                    g.writeObjectFieldStart("function");
                    g.writeStringField("name", t.name());
                    if (t.description().isPresent()) {
                        g.writeStringField("description", t.description().get());
                    }
                    if (t.parameters().isPresent()) {
                        g.writeFieldName("parameters");
                        g.writeRawValue(t.parameters().get().json());
                    }
                    if (t.strict().isPresent()) {
                        g.writeBooleanField("strict", t.strict().get());
                    }
                    g.writeEndObject();
                    g.writeEndObject();
                }
                g.writeEndArray();
            }
            if (r.toolChoice().isPresent()) {
                ToolChoice tc = r.toolChoice().get();
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
            if (r.parallelToolCalls().isPresent()) {
                g.writeBooleanField("parallel_tool_calls", r.parallelToolCalls().get());
            }
            if (r.responseFormat().isPresent()) {
                ResponseFormat rf = r.responseFormat().get();
                g.writeObjectFieldStart("response_format");
                g.writeStringField("type", rf.type());
                if (rf.name().isPresent() || rf.schema().isPresent() || rf.strict().isPresent()) {
                    g.writeObjectFieldStart("json_schema");
                    if (rf.name().isPresent()) {
                        g.writeStringField("name", rf.name().get());
                    }
                    if (rf.schema().isPresent()) {
                        g.writeFieldName("schema");
                        g.writeRawValue(rf.schema().get().json());
                    }
                    if (rf.strict().isPresent()) {
                        g.writeBooleanField("strict", rf.strict().get());
                    }
                    g.writeEndObject();
                }
                g.writeEndObject();
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
            if (r.user().isPresent()) {
                g.writeStringField("user", r.user().get());
            }
            writeExtra(g, r.extra());
            g.writeEndObject();
        });
    }

    private static void writeNumber(JsonGenerator g, String name, Optional<Double> v) throws IOException {
        if (v.isPresent()) {
            g.writeNumberField(name, v.get());
        }
    }

    private static void writeInt(JsonGenerator g, String name, Optional<Integer> v) throws IOException {
        if (v.isPresent()) {
            g.writeNumberField(name, v.get());
        }
    }

    private static void writeExtra(JsonGenerator g, Map<String, RawJson> extra) throws IOException {
        for (Map.Entry<String, RawJson> e : extra.entrySet()) {
            g.writeFieldName(e.getKey());
            g.writeRawValue(e.getValue().json());
        }
    }

    private static void writeMessage(JsonGenerator g, ChatMessage m, boolean request) throws IOException {
        g.writeStartObject();
        g.writeStringField("role", m.role());
        if (m.content().isPresent()) {
            g.writeFieldName("content");
            writeContent(g, m.content().get());
        } else if (!request || "assistant".equals(m.role())) {
            g.writeNullField("content");
        }
        if (m.name().isPresent()) {
            g.writeStringField("name", m.name().get());
        }
        if (m.refusal().isPresent()) {
            g.writeStringField("refusal", m.refusal().get());
        } else if (!request) {
            g.writeNullField("refusal");
        }
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
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        if (m.toolCallId().isPresent()) {
            g.writeStringField("tool_call_id", m.toolCallId().get());
        }
        writeExtra(g, m.extra());
        g.writeEndObject();
    }

    private static void writeContent(JsonGenerator g, MessageContent content) throws IOException {
        switch (content) {
            case MessageContent.Text t -> g.writeString(t.text());
            case MessageContent.Parts parts -> {
                g.writeStartArray();
                for (ContentPart p : parts.parts()) {
                    switch (p) {
                        case ContentPart.Text t -> {
                            g.writeStartObject();
                            g.writeStringField("type", "text");
                            g.writeStringField("text", t.text());
                            g.writeEndObject();
                        }
                        case ContentPart.Image i -> {
                            g.writeStartObject();
                            g.writeStringField("type", "image_url");
                            g.writeObjectFieldStart("image_url");
                            g.writeStringField("url", i.url());
                            if (i.detail().isPresent()) {
                                g.writeStringField("detail", i.detail().get());
                            }
                            g.writeEndObject();
                            g.writeEndObject();
                        }
                        case ContentPart.Other o -> g.writeRawValue(o.json().json());
                    }
                }
                g.writeEndArray();
            }
        }
    }

    @Override
    public byte[] encodeChatResponse(ChatResponse r) {
        return write(g -> {
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
                writeMessage(g, c.message(), false);
                writeRawOrNull(g, "logprobs", c.logprobs());
                writeFinish(g, c.finishReason());
                g.writeEndObject();
            }
            g.writeEndArray();
            if (r.usage().isPresent()) {
                writeUsage(g, r.usage().get());
            }
            if (r.serviceTier().isPresent()) {
                g.writeStringField("service_tier", r.serviceTier().get());
            }
            if (r.systemFingerprint().isPresent()) {
                g.writeStringField("system_fingerprint", r.systemFingerprint().get());
            }
            writeExtra(g, r.extra());
            g.writeEndObject();
        });
    }

    private static void writeRawOrNull(JsonGenerator g, String name, Optional<RawJson> value) throws IOException {
        g.writeFieldName(name);
        if (value.isPresent()) {
            g.writeRawValue(value.get().json());
        } else {
            g.writeNull();
        }
    }

    private static void writeFinish(JsonGenerator g, Optional<FinishReason> reason) throws IOException {
        if (reason.isPresent()) {
            g.writeStringField("finish_reason", reason.get().value());
        } else {
            g.writeNullField("finish_reason");
        }
    }

    private static void writeUsage(JsonGenerator g, Usage u) throws IOException {
        g.writeObjectFieldStart("usage");
        g.writeNumberField("prompt_tokens", u.promptTokens());
        g.writeNumberField("completion_tokens", u.completionTokens());
        g.writeNumberField("total_tokens", u.totalTokens());
        writeExtra(g, u.extra());
        g.writeEndObject();
    }

    @Override
    public byte[] encodeChunk(ChatChunk c) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("id", c.id());
            g.writeStringField("object", "chat.completion.chunk");
            g.writeNumberField("created", c.created());
            g.writeStringField("model", c.model());
            if (c.systemFingerprint().isPresent()) {
                g.writeStringField("system_fingerprint", c.systemFingerprint().get());
            }
            g.writeArrayFieldStart("choices");
            for (ChunkChoice ch : c.choices()) {
                g.writeStartObject();
                g.writeNumberField("index", ch.index());
                g.writeObjectFieldStart("delta");
                ChunkDelta d = ch.delta();
                if (d.role().isPresent()) {
                    g.writeStringField("role", d.role().get());
                }
                if (d.content().isPresent()) {
                    g.writeStringField("content", d.content().get());
                }
                if (d.refusal().isPresent()) {
                    g.writeStringField("refusal", d.refusal().get());
                }
                if (!d.toolCalls().isEmpty()) {
                    g.writeArrayFieldStart("tool_calls");
                    for (ToolCallDelta t : d.toolCalls()) {
                        g.writeStartObject();
                        g.writeNumberField("index", t.index());
                        if (t.id().isPresent()) {
                            g.writeStringField("id", t.id().get());
                        }
                        if (t.type().isPresent()) {
                            g.writeStringField("type", t.type().get());
                        }
                        if (t.name().isPresent() || t.arguments().isPresent()) {
                            g.writeObjectFieldStart("function");
                            if (t.name().isPresent()) {
                                g.writeStringField("name", t.name().get());
                            }
                            if (t.arguments().isPresent()) {
                                g.writeStringField("arguments", t.arguments().get());
                            }
                            g.writeEndObject();
                        }
                        g.writeEndObject();
                    }
                    g.writeEndArray();
                }
                writeExtra(g, d.extra());
                g.writeEndObject();
                writeRawOrNull(g, "logprobs", ch.logprobs());
                writeFinish(g, ch.finishReason());
                g.writeEndObject();
            }
            g.writeEndArray();
            if (c.usage().isPresent()) {
                writeUsage(g, c.usage().get());
            }
            writeExtra(g, c.extra());
            g.writeEndObject();
        });
    }

    @Override
    public byte[] encodeEmbeddingRequest(EmbeddingRequest r) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("model", r.model());
            if (r.singleInput() && r.input().size() == 1) {
                g.writeStringField("input", r.input().getFirst());
            } else {
                g.writeArrayFieldStart("input");
                for (String s : r.input()) {
                    g.writeString(s);
                }
                g.writeEndArray();
            }
            g.writeStringField("encoding_format", "float");
            writeInt(g, "dimensions", r.dimensions());
            if (r.user().isPresent()) {
                g.writeStringField("user", r.user().get());
            }
            writeExtra(g, r.extra());
            g.writeEndObject();
        });
    }

    @Override
    public byte[] encodeEmbeddingResponse(EmbeddingResponse r, boolean base64) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (Embedding e : r.data()) {
                g.writeStartObject();
                g.writeStringField("object", "embedding");
                g.writeNumberField("index", e.index());
                g.writeFieldName("embedding");
                if (base64) {
                    ByteBuffer buf = ByteBuffer.allocate(e.vector().length * 4).order(ByteOrder.LITTLE_ENDIAN);
                    buf.asFloatBuffer().put(e.vector());
                    g.writeString(Base64.getEncoder().encodeToString(buf.array()));
                } else {
                    g.writeStartArray();
                    for (float f : e.vector()) {
                        g.writeNumber(f);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("model", r.model());
            g.writeObjectFieldStart("usage");
            g.writeNumberField("prompt_tokens", r.usage().promptTokens());
            g.writeNumberField("total_tokens", r.usage().totalTokens());
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    @Override
    public byte[] encodeError(GatewayError e) {
        return write(g -> {
            g.writeStartObject();
            g.writeObjectFieldStart("error");
            g.writeStringField("message", e.message());
            g.writeStringField("type", e.type());
            if (e.param().isPresent()) {
                g.writeStringField("param", e.param().get());
            } else {
                g.writeNullField("param");
            }
            if (e.code().isPresent()) {
                g.writeStringField("code", e.code().get());
            } else {
                g.writeNullField("code");
            }
            g.writeEndObject();
            g.writeEndObject();
        });
    }

    /** Encodes one model for {@code GET /v1/models/{model}}. */
    public byte[] encodeModel(ModelInfo m) {
        return write(g -> writeModel(g, m));
    }

    private static void writeModel(JsonGenerator g, ModelInfo m) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", m.id());
        g.writeStringField("object", "model");
        g.writeNumberField("created", m.created());
        g.writeStringField("owned_by", m.ownedBy());
        g.writeEndObject();
    }

    /** Encodes a model list for {@code GET /v1/models}. */
    public byte[] encodeModelList(List<ModelInfo> models) {
        return write(g -> {
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (ModelInfo m : models) {
                writeModel(g, m);
            }
            g.writeEndArray();
            g.writeEndObject();
        });
    }
}
