package io.heimdall.plugin.semanticcache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.cache.CachedAnswer;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.wire.OpenAiWire;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A stored answer as bytes: {@code {"response":<the response>,"chunks":[<each chunk>...]}} in the OpenAI wire format,
 * written and read with the core's codec so every field it keeps survives.
 */
final class AnswerCodec {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OpenAiWire wire;

    AnswerCodec(OpenAiWire wire) {
        this.wire = wire;
    }

    /** The bytes of an answer. */
    byte[] encode(CachedAnswer answer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("{\"response\":".getBytes(StandardCharsets.UTF_8));
        out.writeBytes(wire.encodeChatResponse(answer.response()));
        out.writeBytes(",\"chunks\":[".getBytes(StandardCharsets.UTF_8));
        boolean first = true;
        for (ChatChunk c : answer.chunks()) {
            if (!first) {
                out.write(',');
            }
            first = false;
            out.writeBytes(wire.encodeChunk(c));
        }
        out.writeBytes("]}".getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** An answer from its bytes, marked as coming from {@code tier}. */
    CachedAnswer decode(byte[] bytes, String tier) {
        try {
            JsonNode tree = JSON.readTree(bytes);
            ChatResponse response = wire.decodeChatResponse(JSON.writeValueAsBytes(tree.get("response")));
            List<ChatChunk> chunks = new ArrayList<>();
            for (JsonNode c : tree.get("chunks")) {
                chunks.add(wire.decodeChunk(JSON.writeValueAsString(c)));
            }
            return new CachedAnswer(response, chunks, tier);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
