package io.heimdall.core.internal.wire;

import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.EmbeddingResponse;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What comes in must go out as it came: nulls, empty strings, number digits, parts the gateway does not know. */
class WireFidelityTest {
    private final JacksonOpenAiWire wire = new JacksonOpenAiWire();

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    private String chunkWithDelta(String delta) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"gpt-4o\","
                + "\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":" + delta
                + ",\"logprobs\":null,\"finish_reason\":null}]}";
    }

    @Test
    void firstDeltaContentNullEmptyOrAbsentIsReEmittedAsSent() {
        for (String delta : new String[]{
                "{\"role\":\"assistant\",\"content\":null}",
                "{\"role\":\"assistant\",\"content\":\"\"}",
                "{\"role\":\"assistant\"}",
                "{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}",
                "{\"content\":null,\"reasoning_content\":\"Let me think\"}",
                "{\"content\":null,\"tool_calls\":null}"}) {
            String in = chunkWithDelta(delta);
            ChatChunk c = wire.decodeChunk(in);
            assertEquals(in, s(wire.encodeChunk(c)), delta);
        }
    }

    @Test
    void embeddingNumbersKeepTheUpstreamsDigits() {
        String vector = "[0.0023064255,-0.009327292,-0.006929283495992422,0.12345678901234567,1e-7,-0.0]";
        String in = "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":" + vector
                + "}],\"model\":\"text-embedding-3-small\",\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}";
        EmbeddingResponse r = wire.decodeEmbeddingResponse(b(in));
        assertEquals(in, s(wire.encodeEmbeddingResponse(r, false)));
        assertEquals(0.0023064255f, r.data().getFirst().vector()[0]);
        assertEquals(-0.006929283495992422f, r.data().getFirst().vector()[2]);
    }

    @Test
    void unknownContentPartsPassThroughByteForByte() {
        String audio = "{\"type\":\"input_audio\",\"input_audio\":{\"data\":\"UklG\",\"format\":\"wav\"}}";
        String file = "{\"type\":\"file\",\"file\":{\"file_data\":\"JVBE\",\"filename\":\"r\\u00e9sum\\u00e9.pdf\"},"
                + "\"x_weight\":1.50,\"x_tiny\":1E-7}";
        String doc = "{\"type\":\"document\",\"source\":{\"type\":\"text\",\"media_type\":\"text/plain\","
                + "\"data\":\"a \\\"quoted\\\" doc\"},\"cache_control\":{\"type\":\"ephemeral\"}}";
        String in = "{\"model\":\"m\",\"messages\":[{\"role\":\"user\","
                + "\"content\":[{\"type\":\"text\",\"text\":\"hi\"},"
                + audio + "," + file + "," + doc + "]}]}";
        ChatRequest r = wire.decodeChatRequest(b(in));
        String out = s(wire.encodeChatRequest(r));
        assertTrue(out.contains(audio), out);
        assertTrue(out.contains(file), out);
        assertTrue(out.contains(doc), out);
        assertEquals(in, out);
    }
}
