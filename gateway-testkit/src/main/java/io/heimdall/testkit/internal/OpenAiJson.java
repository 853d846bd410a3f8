package io.heimdall.testkit.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.List;

/**
 * Reads OpenAI requests and writes OpenAI responses with Jackson's streaming API, in the field order and layout
 * OpenAI uses: non-streamed bodies pretty-printed (2 spaces, errors 4), stream chunks compact.
 */
public final class OpenAiJson {
    /** Shared factory; buffers are recycled through a concurrent pool, which suits virtual threads. */
    public static final JsonFactory FACTORY = JsonFactory.builder()
            .recyclerPool(JsonRecyclerPools.sharedConcurrentDequePool())
            .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();
    /** The {@code system_fingerprint} the mock reports. */
    public static final String FINGERPRINT = "fp_6d7a3c9e51";
    /** The {@code service_tier} the mock reports. */
    public static final String SERVICE_TIER = "default";

    private static final String PARSE_ERROR = "We could not parse the JSON body of your request. (HINT: This likely "
            + "means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was "
            + "sent was not valid JSON. If you have trouble figuring out how to fix this, please visit "
            + "https://platform.openai.com/docs/guides/text?api-mode=chat or contact us through our help center at "
            + "help.openai.com.)";

    private OpenAiJson() {
    }

    // ---------------------------------------------------------------- requests

    /** Reads a chat completion request; throws {@link MockError} (400) as OpenAI would answer a bad one. */
    public static ChatInfo parseChat(byte[] body) {
        ChatInfo info = new ChatInfo();
        boolean sawMessages = false;
        try (JsonParser p = FACTORY.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw parseError();
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "model" -> info.model = string(p, v, "model");
                    case "messages" -> {
                        if (v != JsonToken.START_ARRAY) {
                            throw invalidType("messages", "an array", v);
                        }
                        sawMessages = true;
                        readMessages(p, info);
                    }
                    case "stream" -> info.stream = bool(v, "stream");
                    case "stream_options" -> readStreamOptions(p, v, info);
                    case "tools" -> readTools(p, v, info);
                    case "tool_choice" -> readToolChoice(p, v, info);
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw parseError();
            }
        } catch (IOException e) {
            throw parseError();
        }
        if (info.model == null) {
            throw MockError.invalid("you must provide a model parameter", null, null);
        }
        if (!sawMessages) {
            throw MockError.invalid("Missing required parameter: 'messages'.", "messages",
                    "missing_required_parameter");
        }
        if (info.messages == 0) {
            throw MockError.invalid("Invalid 'messages': empty array. Expected an array with minimum length 1, but "
                    + "got an empty array instead.", "messages", "empty_array");
        }
        return info;
    }

    private static void readMessages(JsonParser p, ChatInfo info) throws IOException {
        int index = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            String at = "messages[" + index + "]";
            if (t != JsonToken.START_OBJECT) {
                throw invalidType(at, "an object", t);
            }
            String role = null;
            String text = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "role" -> role = string(p, v, at + ".role");
                    case "content" -> {
                        if (v == JsonToken.VALUE_STRING) {
                            text = p.getText();
                        } else if (v == JsonToken.START_ARRAY) {
                            text = readParts(p);
                        } else if (v != JsonToken.VALUE_NULL) {
                            throw invalidType(at + ".content", "one of a string or an array of objects", v);
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (role == null) {
                throw MockError.invalid("Missing required parameter: '" + at + ".role'.", at + ".role",
                        "missing_required_parameter");
            }
            switch (role) {
                case "system", "developer", "user", "assistant", "tool", "function" -> {
                }
                default -> throw MockError.invalid("Invalid value: '" + role + "'. Supported values are: 'system', "
                        + "'assistant', 'user', 'function', 'tool', and 'developer'.", at + ".role", "invalid_value");
            }
            info.messages++;
            info.promptWords += Words.count(text);
            info.lastRole = role;
            if (role.equals("user")) {
                info.lastUserText = text == null ? "" : text;
            }
            index++;
        }
    }

    private static String readParts(JsonParser p) throws IOException {
        StringBuilder sb = null;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            String type = null;
            String text = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                if (name.equals("type") && v == JsonToken.VALUE_STRING) {
                    type = p.getText();
                } else if (name.equals("text") && v == JsonToken.VALUE_STRING) {
                    text = p.getText();
                } else {
                    p.skipChildren();
                }
            }
            if ("text".equals(type) && text != null) {
                if (sb == null) {
                    sb = new StringBuilder(text);
                } else {
                    sb.append('\n').append(text);
                }
            }
        }
        return sb == null ? "" : sb.toString();
    }

    private static void readStreamOptions(JsonParser p, JsonToken v, ChatInfo info) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return;
        }
        if (v != JsonToken.START_OBJECT) {
            throw invalidType("stream_options", "an object", v);
        }
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken t = p.nextToken();
            if (name.equals("include_usage")) {
                info.includeUsage = bool(t, "stream_options.include_usage");
            } else if (name.equals("include_obfuscation")) {
                info.includeObfuscation = t == JsonToken.VALUE_NULL || bool(t, "stream_options.include_obfuscation");
            } else {
                p.skipChildren();
            }
        }
    }

    private static void readTools(JsonParser p, JsonToken v, ChatInfo info) throws IOException {
        if (v == JsonToken.VALUE_NULL) {
            return;
        }
        if (v != JsonToken.START_ARRAY) {
            throw invalidType("tools", "an array", v);
        }
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken f = p.nextToken();
                if (name.equals("function") && f == JsonToken.START_OBJECT) {
                    String fn = readNameField(p);
                    if (info.firstTool == null) {
                        info.firstTool = fn;
                    }
                } else {
                    p.skipChildren();
                }
            }
        }
    }

    private static void readToolChoice(JsonParser p, JsonToken v, ChatInfo info) throws IOException {
        if (v == JsonToken.VALUE_STRING) {
            String mode = p.getText();
            switch (mode) {
                case "none", "auto", "required" -> info.toolChoice = mode;
                default -> throw MockError.invalid("Invalid value: '" + mode + "'. Supported values are: 'none', "
                        + "'auto', and 'required'.", "tool_choice", "invalid_value");
            }
        } else if (v == JsonToken.START_OBJECT) {
            String type = null;
            String function = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken f = p.nextToken();
                if (name.equals("type") && f == JsonToken.VALUE_STRING) {
                    type = p.getText();
                } else if (name.equals("function") && f == JsonToken.START_OBJECT) {
                    function = readNameField(p);
                } else {
                    p.skipChildren();
                }
            }
            if ("function".equals(type) && function != null) {
                info.toolChoice = "function";
                info.toolChoiceFunction = function;
            }
        } else if (v != JsonToken.VALUE_NULL) {
            throw invalidType("tool_choice", "a string or an object", v);
        }
    }

    /** Reads an object (positioned at its start), returning its {@code name} string. */
    private static String readNameField(JsonParser p) throws IOException {
        String found = null;
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            JsonToken f = p.nextToken();
            if (name.equals("name") && f == JsonToken.VALUE_STRING) {
                found = p.getText();
            } else {
                p.skipChildren();
            }
        }
        return found;
    }

    /** Reads an embeddings request; throws {@link MockError} (400) for a bad one. */
    public static EmbeddingInfo parseEmbeddings(byte[] body) {
        EmbeddingInfo info = new EmbeddingInfo();
        try (JsonParser p = FACTORY.createParser(body)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw parseError();
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
                switch (name) {
                    case "model" -> info.model = string(p, v, "model");
                    case "input" -> readInput(p, v, info);
                    case "encoding_format" -> {
                        String format = string(p, v, "encoding_format");
                        if ("base64".equals(format)) {
                            info.base64 = true;
                        } else if (format != null && !format.equals("float")) {
                            throw MockError.invalid("Invalid value: '" + format + "'. Supported values are: 'float' "
                                    + "and 'base64'.", "encoding_format", "invalid_value");
                        }
                    }
                    case "dimensions" -> {
                        if (v == JsonToken.VALUE_NUMBER_INT) {
                            int d = p.getIntValue();
                            if (d < 1 || d > 8192) {
                                throw MockError.invalid("Invalid 'dimensions': expected a value between 1 and 8192, "
                                        + "but got " + d + " instead.", "dimensions", "invalid_value");
                            }
                            info.dimensions = d;
                        } else if (v != JsonToken.VALUE_NULL) {
                            throw invalidType("dimensions", "an integer", v);
                        }
                    }
                    default -> p.skipChildren();
                }
            }
            if (p.nextToken() != null) {
                throw parseError();
            }
        } catch (IOException e) {
            throw parseError();
        }
        if (info.model == null) {
            throw MockError.invalid("you must provide a model parameter", null, null);
        }
        if (!info.sawInput) {
            throw MockError.invalid("Missing required parameter: 'input'.", "input", "missing_required_parameter");
        }
        if (info.inputs.isEmpty()) {
            throw MockError.invalid("Invalid 'input': empty array. Expected an array with minimum length 1, but got "
                    + "an empty array instead.", "input", "empty_array");
        }
        return info;
    }

    private static void readInput(JsonParser p, JsonToken v, EmbeddingInfo info) throws IOException {
        info.sawInput = true;
        if (v == JsonToken.VALUE_STRING) {
            info.inputs.add(p.getText());
            return;
        }
        if (v != JsonToken.START_ARRAY) {
            throw invalidType("input", "a string or an array", v);
        }
        JsonToken t;
        StringBuilder tokens = null;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t == JsonToken.VALUE_STRING) {
                info.inputs.add(p.getText());
            } else if (t == JsonToken.VALUE_NUMBER_INT) {
                tokens = tokens == null ? new StringBuilder() : tokens.append(' ');
                tokens.append(p.getText());
            } else if (t == JsonToken.START_ARRAY) {
                StringBuilder sb = new StringBuilder();
                while (p.nextToken() != JsonToken.END_ARRAY) {
                    if (!sb.isEmpty()) {
                        sb.append(' ');
                    }
                    sb.append(p.getText());
                }
                info.inputs.add(sb.toString());
            } else {
                throw invalidType("input[" + info.inputs.size() + "]", "a string", t);
            }
        }
        if (tokens != null) {
            info.inputs.add(tokens.toString());
        }
    }

    private static String string(JsonParser p, JsonToken v, String param) throws IOException {
        if (v == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        if (v == JsonToken.VALUE_NULL) {
            return null;
        }
        throw invalidType(param, "a string", v);
    }

    private static boolean bool(JsonToken v, String param) {
        return switch (v) {
            case VALUE_TRUE -> true;
            case VALUE_FALSE, VALUE_NULL -> false;
            default -> throw invalidType(param, "a boolean", v);
        };
    }

    private static MockError parseError() {
        return MockError.invalid(PARSE_ERROR, null, null);
    }

    private static MockError invalidType(String param, String expected, JsonToken got) {
        String name = switch (got) {
            case VALUE_NUMBER_INT -> "an integer";
            case VALUE_NUMBER_FLOAT -> "a decimal";
            case VALUE_STRING -> "a string";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            case START_ARRAY -> "an array";
            case START_OBJECT -> "an object";
            default -> "null";
        };
        return MockError.invalid("Invalid type for '" + param + "': expected " + expected + ", but got " + name
                + " instead.", param, "invalid_type");
    }

    // ---------------------------------------------------------------- responses

    /**
     * Writes a complete {@code chat.completion}.
     *
     * @param toolCallId the id of the tool call, or null for a text answer
     * @param toolName   the called function
     * @param text       the answer text, or the tool call's arguments
     */
    public static void writeCompletion(Buffer out, String id, long created, String model, String text,
                                       String toolCallId, String toolName, int promptTokens, int completionTokens) {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.setPrettyPrinter(new IndentPrinter(2));
            g.writeStartObject();
            g.writeStringField("id", id);
            g.writeStringField("object", "chat.completion");
            g.writeNumberField("created", created);
            g.writeStringField("model", model);
            g.writeArrayFieldStart("choices");
            g.writeStartObject();
            g.writeNumberField("index", 0);
            g.writeObjectFieldStart("message");
            g.writeStringField("role", "assistant");
            if (toolCallId == null) {
                g.writeStringField("content", text);
            } else {
                g.writeNullField("content");
                g.writeArrayFieldStart("tool_calls");
                g.writeStartObject();
                g.writeStringField("id", toolCallId);
                g.writeStringField("type", "function");
                g.writeObjectFieldStart("function");
                g.writeStringField("name", toolName);
                g.writeStringField("arguments", text);
                g.writeEndObject();
                g.writeEndObject();
                g.writeEndArray();
            }
            g.writeNullField("refusal");
            g.writeArrayFieldStart("annotations");
            g.writeEndArray();
            g.writeEndObject();
            g.writeNullField("logprobs");
            g.writeStringField("finish_reason", toolCallId == null ? "stop" : "tool_calls");
            g.writeEndObject();
            g.writeEndArray();
            writeUsage(g, promptTokens, completionTokens);
            g.writeStringField("service_tier", SERVICE_TIER);
            g.writeStringField("system_fingerprint", FINGERPRINT);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
    }

    private static void writeUsage(JsonGenerator g, int promptTokens, int completionTokens) throws IOException {
        g.writeObjectFieldStart("usage");
        g.writeNumberField("prompt_tokens", promptTokens);
        g.writeNumberField("completion_tokens", completionTokens);
        g.writeNumberField("total_tokens", promptTokens + completionTokens);
        g.writeObjectFieldStart("prompt_tokens_details");
        g.writeNumberField("cached_tokens", 0);
        g.writeNumberField("audio_tokens", 0);
        g.writeEndObject();
        g.writeObjectFieldStart("completion_tokens_details");
        g.writeNumberField("reasoning_tokens", 0);
        g.writeNumberField("audio_tokens", 0);
        g.writeNumberField("accepted_prediction_tokens", 0);
        g.writeNumberField("rejected_prediction_tokens", 0);
        g.writeEndObject();
        g.writeEndObject();
    }

    /**
     * The fixed part of every chunk of one stream.
     *
     * @param id                 the completion id
     * @param created            the creation time
     * @param model              the model
     * @param includeUsage       whether chunks carry {@code "usage":null} and a usage chunk ends the stream
     * @param includeObfuscation whether chunks with choices end with a random {@code obfuscation} field
     */
    public record StreamHeader(String id, long created, String model, boolean includeUsage,
                               boolean includeObfuscation) {
    }

    /** Chunk kinds. */
    public enum ChunkKind {
        /** First chunk of a text answer: role, empty content, null refusal. */
        ROLE,
        /** A piece of text. */
        CONTENT,
        /** First chunk of a tool call: role, null content, the call's id and name, empty arguments. */
        TOOL_START,
        /** A piece of the tool call's arguments. */
        TOOL_ARGUMENTS,
        /** The last choice chunk: empty delta and the finish reason. */
        FINISH
    }

    /**
     * Appends one SSE event {@code data: {chunk}\n\n}.
     *
     * @param text the content piece, arguments piece, tool call id (TOOL_START) or finish reason (FINISH)
     * @param name the function name (TOOL_START)
     */
    public static void writeChunkEvent(Buffer out, StreamHeader h, ChunkKind kind, String text, String name) {
        out.ascii("data: ");
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writeChunkStart(g, h);
            g.writeStartObject();
            g.writeNumberField("index", 0);
            g.writeObjectFieldStart("delta");
            switch (kind) {
                case ROLE -> {
                    g.writeStringField("role", "assistant");
                    g.writeStringField("content", "");
                    g.writeNullField("refusal");
                }
                case CONTENT -> g.writeStringField("content", text);
                case TOOL_START -> {
                    g.writeStringField("role", "assistant");
                    g.writeNullField("content");
                    g.writeArrayFieldStart("tool_calls");
                    g.writeStartObject();
                    g.writeNumberField("index", 0);
                    g.writeStringField("id", text);
                    g.writeStringField("type", "function");
                    g.writeObjectFieldStart("function");
                    g.writeStringField("name", name);
                    g.writeStringField("arguments", "");
                    g.writeEndObject();
                    g.writeEndObject();
                    g.writeEndArray();
                    g.writeNullField("refusal");
                }
                case TOOL_ARGUMENTS -> {
                    g.writeArrayFieldStart("tool_calls");
                    g.writeStartObject();
                    g.writeNumberField("index", 0);
                    g.writeObjectFieldStart("function");
                    g.writeStringField("arguments", text);
                    g.writeEndObject();
                    g.writeEndObject();
                    g.writeEndArray();
                }
                case FINISH -> {
                }
            }
            g.writeEndObject();
            g.writeNullField("logprobs");
            if (kind == ChunkKind.FINISH) {
                g.writeStringField("finish_reason", text);
            } else {
                g.writeNullField("finish_reason");
            }
            g.writeEndObject();
            g.writeEndArray();
            if (h.includeUsage()) {
                g.writeNullField("usage");
            }
            if (h.includeObfuscation()) {
                g.writeStringField("obfuscation", Ids.obfuscation());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.ascii("\n\n");
    }

    /** Appends the usage event that ends a stream with {@code include_usage}: no choices. */
    public static void writeUsageEvent(Buffer out, StreamHeader h, int promptTokens, int completionTokens) {
        out.ascii("data: ");
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            writeChunkStart(g, h);
            g.writeEndArray();
            writeUsage(g, promptTokens, completionTokens);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.ascii("\n\n");
    }

    /** Writes the chunk's fields up to and including the opening of {@code choices}. */
    private static void writeChunkStart(JsonGenerator g, StreamHeader h) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", h.id());
        g.writeStringField("object", "chat.completion.chunk");
        g.writeNumberField("created", h.created());
        g.writeStringField("model", h.model());
        g.writeStringField("service_tier", SERVICE_TIER);
        g.writeStringField("system_fingerprint", FINGERPRINT);
        g.writeArrayFieldStart("choices");
    }

    /** Appends the event that ends a stream. */
    public static void writeDone(Buffer out) {
        out.ascii("data: [DONE]\n\n");
    }

    /** Writes an error body, {@code {"error":{...}}}: pretty-printed with 4 spaces, or compact for an SSE event. */
    public static void writeError(Buffer out, String type, String message, String param, String code,
                                  boolean pretty) {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            if (pretty) {
                g.setPrettyPrinter(new IndentPrinter(4));
            }
            g.writeStartObject();
            g.writeObjectFieldStart("error");
            g.writeStringField("message", message);
            g.writeStringField("type", type);
            g.writeStringField("param", param);
            g.writeStringField("code", code);
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (pretty) {
            out.write('\n');
        }
    }

    /** Writes an embeddings response; vectors as float arrays or as base64 of little-endian float32. */
    public static void writeEmbeddings(Buffer out, String model, List<float[]> vectors, boolean base64,
                                       int promptTokens) {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.setPrettyPrinter(new IndentPrinter(2));
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (int i = 0; i < vectors.size(); i++) {
                float[] v = vectors.get(i);
                g.writeStartObject();
                g.writeStringField("object", "embedding");
                g.writeNumberField("index", i);
                if (base64) {
                    g.writeStringField("embedding", base64(v));
                } else {
                    g.writeArrayFieldStart("embedding");
                    for (float f : v) {
                        g.writeNumber(f);
                    }
                    g.writeEndArray();
                }
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("model", model);
            g.writeObjectFieldStart("usage");
            g.writeNumberField("prompt_tokens", promptTokens);
            g.writeNumberField("total_tokens", promptTokens);
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
    }

    /** Base64 of a vector as little-endian float32, as OpenAI encodes {@code encoding_format: base64}. */
    public static String base64(float[] v) {
        ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        bb.asFloatBuffer().put(v);
        return Base64.getEncoder().encodeToString(bb.array());
    }

    /** A model object or a list of them. */
    public record Model(String id, long created, String ownedBy) {
    }

    /** Writes {@code {"object":"list","data":[models]}}. */
    public static void writeModelList(Buffer out, List<Model> models) {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.setPrettyPrinter(new IndentPrinter(2));
            g.writeStartObject();
            g.writeStringField("object", "list");
            g.writeArrayFieldStart("data");
            for (Model m : models) {
                writeModel(g, m);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
    }

    /** Writes one model object. */
    public static void writeModel(Buffer out, Model model) {
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.setPrettyPrinter(new IndentPrinter(2));
            writeModel(g, model);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.write('\n');
    }

    private static void writeModel(JsonGenerator g, Model m) throws IOException {
        g.writeStartObject();
        g.writeStringField("id", m.id());
        g.writeStringField("object", "model");
        g.writeNumberField("created", m.created());
        g.writeStringField("owned_by", m.ownedBy());
        g.writeEndObject();
    }

    /** The tool call arguments the mock produces: {@code {"query":"<text>"}}. */
    public static String toolArguments(String userText) {
        Buffer out = new Buffer(userText.length() + 16);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("query", userText);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
