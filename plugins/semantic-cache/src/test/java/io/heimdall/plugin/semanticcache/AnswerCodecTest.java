package io.heimdall.plugin.semanticcache;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.cache.CachedAnswer;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.Choice;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.ChunkDelta;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.Usage;
import io.heimdall.api.wire.OpenAiWire;
import io.heimdall.core.StandaloneContext;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AnswerCodecTest {
    private final OpenAiWire wire = StandaloneContext.create("semantic-cache").openAiWire();
    private final AnswerCodec codec = new AnswerCodec(wire);
    private final ChatResponse response = ChatResponse.of("chatcmpl-1", 1_700_000_000L, "gpt-4o-mini",
            List.of(Choice.of(0, ChatMessage.assistant("Paris, with \"quotes\" and é."), FinishReason.STOP)),
            Usage.of(12, 7));
    private final List<ChatChunk> chunks = List.of(
            ChatChunk.of("chatcmpl-1", 1_700_000_000L, "gpt-4o-mini", ChunkChoice.of(0, ChunkDelta.text("Par"), null)),
            ChatChunk.of("chatcmpl-1", 1_700_000_000L, "gpt-4o-mini",
                    ChunkChoice.of(0, ChunkDelta.text("is"), FinishReason.STOP)),
            ChatChunk.usage("chatcmpl-1", 1_700_000_000L, "gpt-4o-mini", Usage.of(12, 7)));

    @Test
    void framedEntriesRoundTripWithTheirChunks() {
        byte[] bytes = codec.encode(new CachedAnswer(response, chunks, "exact"));
        assertEquals(AnswerCodec.FRAMED, bytes[0]);
        CachedAnswer back = codec.decode(bytes, "semantic");
        assertEquals("semantic", back.tier());
        assertEquals(new String(wire.encodeChatResponse(response), StandardCharsets.UTF_8),
                new String(wire.encodeChatResponse(back.response()), StandardCharsets.UTF_8));
        assertEquals(chunks.size(), back.chunks().size());
        for (int i = 0; i < chunks.size(); i++) {
            assertEquals(new String(wire.encodeChunk(chunks.get(i)), StandardCharsets.UTF_8),
                    new String(wire.encodeChunk(back.chunks().get(i)), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aNonStreamedHitSkipsTheChunks() {
        byte[] bytes = codec.encode(new CachedAnswer(response, chunks, "exact"));
        CachedAnswer back = codec.decode(bytes, "exact", false);
        assertTrue(back.chunks().isEmpty());
        assertEquals(response.firstText(), back.response().firstText());
    }

    @Test
    void entriesStoredBeforeTheFramingAreStillRead() throws Exception {
        ObjectMapper json = new ObjectMapper();
        String old = "{\"response\":" + new String(wire.encodeChatResponse(response), StandardCharsets.UTF_8)
                + ",\"chunks\":[" + new String(wire.encodeChunk(chunks.get(0)), StandardCharsets.UTF_8) + ","
                + new String(wire.encodeChunk(chunks.get(1)), StandardCharsets.UTF_8) + "]}";
        json.readTree(old); // a valid JSON document, as the old codec wrote it
        CachedAnswer back = codec.decode(old.getBytes(StandardCharsets.UTF_8), "exact");
        assertEquals(response.firstText(), back.response().firstText());
        assertEquals(2, back.chunks().size());
        assertEquals(0, codec.decode(old.getBytes(StandardCharsets.UTF_8), "exact", false).chunks().size());
    }

    @Test
    void aDecodedResponseIsReusedOnlyWhileTheEntryKeepsItsBytes() {
        byte[] bytes = codec.encode(new CachedAnswer(response, chunks, "exact"));
        CachedAnswer first = codec.decodeResponse("id1", bytes, "exact");
        CachedAnswer again = codec.decodeResponse("id1", bytes.clone(), "semantic");
        assertSame(first.response(), again.response());
        assertEquals("semantic", again.tier());
        assertTrue(again.chunks().isEmpty());
        ChatResponse other = ChatResponse.of("chatcmpl-2", 1_700_000_001L, "gpt-4o-mini",
                List.of(Choice.of(0, ChatMessage.assistant("Lyon"), FinishReason.STOP)), Usage.of(3, 1));
        CachedAnswer replaced = codec.decodeResponse("id1", codec.encode(new CachedAnswer(other, List.of())), "exact");
        assertEquals("Lyon", replaced.response().firstText());
        for (int i = 0; i < AnswerCodec.RECENT + 10; i++) {
            codec.decodeResponse("id" + i, bytes, "exact");
        }
        assertTrue(codec.recentSize() <= AnswerCodec.RECENT);
    }
}
