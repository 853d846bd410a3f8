package io.heimdall.testkit.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
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

    private OpenAiJson() {
    }

    // ---------------------------------------------------------------- requests

    /** Reads a chat completion request; throws {@link MockError} (400) as OpenAI would answer a bad one. */
    public static ChatInfo parseChat(byte[] body) {
        return ChatRequestReader.parse(body);
    }

    /** Reads an embeddings request; throws {@link MockError} (400) for a bad one. */
    public static EmbeddingInfo parseEmbeddings(byte[] body) {
        return EmbeddingsRequestReader.parse(body);
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
        ChatResponseWriter.writeCompletion(out, id, created, model, text, toolCallId, toolName, promptTokens,
                completionTokens);
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
        ChatResponseWriter.writeChunkEvent(out, h, kind, text, name);
    }

    /** Appends the usage event that ends a stream with {@code include_usage}: no choices. */
    public static void writeUsageEvent(Buffer out, StreamHeader h, int promptTokens, int completionTokens) {
        ChatResponseWriter.writeUsageEvent(out, h, promptTokens, completionTokens);
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
        ListWriter.writeEmbeddings(out, model, vectors, base64, promptTokens);
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
        ListWriter.writeModelList(out, models);
    }

    /** Writes one model object. */
    public static void writeModel(Buffer out, Model model) {
        ListWriter.writeModel(out, model);
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
