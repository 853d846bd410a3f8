package io.heimdall.testkit.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import io.heimdall.testkit.internal.OpenAiJson.ChunkKind;
import io.heimdall.testkit.internal.OpenAiJson.StreamHeader;

import java.io.IOException;
import java.io.UncheckedIOException;

/** Writes chat answers: a whole {@code chat.completion} (pretty-printed) and compact stream chunk events. */
final class ChatResponseWriter {
    private ChatResponseWriter() {
    }

    /**
     * Writes a complete {@code chat.completion}.
     *
     * @param toolCallId the id of the tool call, or null for a text answer
     * @param toolName   the called function
     * @param text       the answer text, or the tool call's arguments
     */
    static void writeCompletion(Buffer out, String id, long created, String model, String text,
                                String toolCallId, String toolName, int promptTokens, int completionTokens) {
        try (JsonGenerator g = OpenAiJson.FACTORY.createGenerator(out)) {
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
            g.writeStringField("service_tier", OpenAiJson.SERVICE_TIER);
            g.writeStringField("system_fingerprint", OpenAiJson.FINGERPRINT);
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
     * Appends one SSE event {@code data: {chunk}\n\n}.
     *
     * @param text the content piece, arguments piece, tool call id (TOOL_START) or finish reason (FINISH)
     * @param name the function name (TOOL_START)
     */
    static void writeChunkEvent(Buffer out, StreamHeader h, ChunkKind kind, String text, String name) {
        out.ascii("data: ");
        try (JsonGenerator g = OpenAiJson.FACTORY.createGenerator(out)) {
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
    static void writeUsageEvent(Buffer out, StreamHeader h, int promptTokens, int completionTokens) {
        out.ascii("data: ");
        try (JsonGenerator g = OpenAiJson.FACTORY.createGenerator(out)) {
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
        g.writeStringField("service_tier", OpenAiJson.SERVICE_TIER);
        g.writeStringField("system_fingerprint", OpenAiJson.FINGERPRINT);
        g.writeArrayFieldStart("choices");
    }
}
