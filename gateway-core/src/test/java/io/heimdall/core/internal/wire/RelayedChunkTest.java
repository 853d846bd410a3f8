package io.heimdall.core.internal.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the relay reads of an upstream chunk, and the bytes it writes: as they came, less only a null usage. */
class RelayedChunkTest {
    private final JacksonOpenAiWire wire = new JacksonOpenAiWire();

    private static String chunk(String choices, String tail) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                + "\"model\":\"gpt-4o\",\"choices\":" + choices + tail + "}";
    }

    private RelayedChunk read(String json) {
        return wire.relayedChunk(json.getBytes(StandardCharsets.UTF_8)).orElseThrow();
    }

    /** What the SSE writer sends of a chunk for a client that did not ask for usage. */
    private static byte[] withoutNullUsage(RelayedChunk c) {
        byte[] b = c.bytes();
        byte[] out = Arrays.copyOf(b, b.length - (c.cutTo() - c.cutFrom()));
        System.arraycopy(b, c.cutTo(), out, c.cutFrom(), b.length - c.cutTo());
        return out;
    }

    private static String text(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void aContentChunkIsRelayedByteForByte() {
        String json = chunk("[{\"index\":0,\"delta\":{\"content\":\"h\\u00e9 \\\"usage\\\":null ✓\"},"
                + "\"logprobs\":null,\"finish_reason\":null}]", ",\"obfuscation\":\"x\"");
        RelayedChunk c = read(json);
        assertFalse(c.finished());
        assertFalse(c.carriesUsage());
        assertFalse(c.error());
        assertEquals(json, text(c.bytes()));
        assertEquals(json, text(withoutNullUsage(c)), "nothing to cut: the usage text is inside a string");
    }

    @Test
    void aFinishReasonInAnyChoiceFinishes() {
        assertTrue(read(chunk("[{\"index\":0,\"delta\":{},\"finish_reason\":null},{\"index\":1,\"delta\":{},"
                + "\"finish_reason\":\"stop\"}]", "")).finished());
        assertFalse(read(chunk("[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":null}]", ""))
                .finished());
    }

    @Test
    void aNullUsageIsCutWithItsCommaWhereverItStands() throws Exception {
        String choices = "[{\"index\":0,\"delta\":{\"content\":\"x\"},\"finish_reason\":null}]";
        String middle = chunk(choices, ",\"usage\":null,\"obfuscation\":\"ab\"");
        assertEquals(chunk(choices, ",\"obfuscation\":\"ab\""), text(withoutNullUsage(read(middle))));
        String last = chunk(choices, ", \"usage\" : null ");
        assertEquals(chunk(choices, " "), text(withoutNullUsage(read(last))));
        String first = "{\"usage\":null , \"id\":\"c\",\"choices\":" + choices + "}";
        assertEquals("{ \"id\":\"c\",\"choices\":" + choices + "}", text(withoutNullUsage(read(first))));
        String only = "{ \"usage\":null }";
        assertEquals("{  }", text(withoutNullUsage(read(only))));
        // every cut leaves valid JSON without the member
        for (String s : new String[] {middle, last, first, only}) {
            JsonNode node = new ObjectMapper().readTree(withoutNullUsage(read(s)));
            assertFalse(node.has("usage"), s);
        }
        assertEquals(middle, text(read(middle).bytes()), "for a client that asked for usage");
    }

    @Test
    void aUsageObjectOrAnErrorIsLeftToTheDecoder() {
        RelayedChunk usage = read(chunk("[]", ",\"usage\":{\"prompt_tokens\":6,\"completion_tokens\":3,"
                + "\"total_tokens\":9}"));
        assertTrue(usage.carriesUsage());
        RelayedChunk error = read("{\"id\":\"x\",\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}");
        assertTrue(error.error());
        RelayedChunk withChoices = read(chunk("[{\"index\":0,\"delta\":{},\"finish_reason\":null}]",
                ",\"error\":null"));
        assertFalse(withChoices.error(), "an error member beside choices is a chunk's extra field");
    }

    @Test
    void whatIsNotOneJsonObjectIsNotRelayed() {
        for (String bad : new String[] {"", "[1]", "\"x\"", "{\"id\":1", "{\"id\":1} {}", "{\"id\":1}x",
            "{\"choices\":[{\"delta\":{}", "{\"a\":tru}", "not json"}) {
            assertEquals(Optional.empty(), wire.relayedChunk(bad.getBytes(StandardCharsets.UTF_8)), bad);
        }
    }
}
