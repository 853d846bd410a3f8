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
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A stored answer as bytes, in the OpenAI wire format written and read with the core's codec so every field it keeps
 * survives. Entries are framed: {@link #FRAMED} (a byte no JSON document starts with), then the response's JSON and
 * each chunk's JSON, each preceded by its length (4 bytes, big-endian). A hit decodes the response straight from its
 * slice, and the chunks only when the request is streamed. Entries written before the framing
 * ({@code {"response":<the response>,"chunks":[<each chunk>...]}}) are still read. The responses of the last
 * {@link #RECENT} entries answered (up to {@link #RECENT_BYTES} bytes each) are kept decoded, and reused when the
 * entry read from the index has the very same bytes (records are immutable, so a response can be shared).
 */
final class AnswerCodec {
    /** The first byte of a framed entry. */
    static final byte FRAMED = 1;
    /** How many decoded responses are kept. */
    static final int RECENT = 256;
    /** The largest stored entry whose decoded response is kept. */
    static final int RECENT_BYTES = 16 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final java.util.concurrent.ConcurrentHashMap<String, Decoded> recent =
            new java.util.concurrent.ConcurrentHashMap<>();

    private record Decoded(byte[] bytes, ChatResponse response) {
    }

    private final OpenAiWire wire;

    AnswerCodec(OpenAiWire wire) {
        this.wire = wire;
    }

    /** The bytes of an answer. */
    byte[] encode(CachedAnswer answer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(FRAMED);
        frame(out, wire.encodeChatResponse(answer.response()));
        for (ChatChunk c : answer.chunks()) {
            frame(out, wire.encodeChunk(c));
        }
        return out.toByteArray();
    }

    private static void frame(ByteArrayOutputStream out, byte[] json) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(json.length).array());
        out.writeBytes(json);
    }

    /** An answer from its bytes, with its chunks, marked as coming from {@code tier}. */
    CachedAnswer decode(byte[] bytes, String tier) {
        return decode(bytes, tier, true);
    }

    /**
     * An answer from its bytes, marked as coming from {@code tier}; with {@code chunks} false the stored chunks are not
     * decoded (a non-streamed request is answered with the response alone).
     */
    CachedAnswer decode(byte[] bytes, String tier, boolean chunks) {
        if (bytes.length == 0 || bytes[0] != FRAMED) {
            return decodeJson(bytes, tier, chunks);
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
        ChatResponse response = wire.decodeChatResponse(slice(in, bytes));
        List<ChatChunk> out = new ArrayList<>();
        while (chunks && in.hasRemaining()) {
            out.add(wire.decodeChunk(new String(slice(in, bytes), StandardCharsets.UTF_8)));
        }
        return new CachedAnswer(response, out, tier);
    }

    /**
     * The answer to a non-streamed request from entry {@code id}'s bytes, without its chunks; the decoded response is
     * reused while the entry's bytes stay the same.
     */
    CachedAnswer decodeResponse(String id, byte[] bytes, String tier) {
        Decoded d = recent.get(id);
        if (d != null && Arrays.equals(d.bytes(), bytes)) {
            return new CachedAnswer(d.response(), List.of(), tier);
        }
        CachedAnswer answer = decode(bytes, tier, false);
        if (bytes.length <= RECENT_BYTES) {
            if (recent.size() >= RECENT) {
                recent.clear();
            }
            recent.put(id, new Decoded(bytes, answer.response()));
        }
        return answer;
    }

    /** How many decoded responses are kept (for tests). */
    int recentSize() {
        return recent.size();
    }

    private static byte[] slice(ByteBuffer in, byte[] bytes) {
        int length = in.getInt();
        int from = in.position();
        in.position(from + length);
        return Arrays.copyOfRange(bytes, from, from + length);
    }

    /** The format before the framing: one JSON document. */
    private CachedAnswer decodeJson(byte[] bytes, String tier, boolean withChunks) {
        try {
            JsonNode tree = JSON.readTree(bytes);
            ChatResponse response = wire.decodeChatResponse(JSON.writeValueAsBytes(tree.get("response")));
            List<ChatChunk> chunks = new ArrayList<>();
            if (withChunks) {
                for (JsonNode c : tree.get("chunks")) {
                    chunks.add(wire.decodeChunk(JSON.writeValueAsString(c)));
                }
            }
            return new CachedAnswer(response, chunks, tier);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
