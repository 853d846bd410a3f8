package io.heimdall.core.internal.wire;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The relay's one-pass scan against Jackson's parser on the same bytes: it reads the chunks upstreams send as the
 * parser does, and where it answers for any input at all (thousands of mangled chunks), the parser gives the same.
 */
class RelayScanTest {
    private final WireJson json = new WireJson();

    /** Chunks as OpenAI and compatible servers send them, from the first to the usage chunk, and an error event. */
    static final List<String> REAL = List.of(
            "{\"id\":\"chatcmpl-9f1c\",\"object\":\"chat.completion.chunk\",\"created\":1764489600,\"model\":"
                    + "\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\",\"system_fingerprint\":\"fp_efad92c60b\","
                    + "\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null},"
                    + "\"logprobs\":null,\"finish_reason\":null}],\"usage\":null,\"obfuscation\":\"Qw3\"}",
            "{\"id\":\"chatcmpl-9f1c\",\"object\":\"chat.completion.chunk\",\"created\":1764489600,\"model\":"
                    + "\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" caf\\u00e9 \\\"quoted\\\"\\n\"},"
                    + "\"logprobs\":null,\"finish_reason\":null}],\"usage\":null}",
            "{\"id\":\"chatcmpl-9f1c\",\"object\":\"chat.completion.chunk\",\"created\":1764489600,\"model\":"
                    + "\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":"
                    + "\"stop\"}],\"usage\":null}",
            "{\"id\":\"chatcmpl-9f1c\",\"object\":\"chat.completion.chunk\",\"created\":1764489600,\"model\":"
                    + "\"gpt-4o-mini\",\"choices\":[],\"usage\":{\"prompt_tokens\":14,\"completion_tokens\":9,"
                    + "\"total_tokens\":23,\"prompt_tokens_details\":{\"cached_tokens\":0},"
                    + "\"completion_tokens_details\":{\"reasoning_tokens\":0}}}",
            "{\"id\":\"c-2\",\"object\":\"chat.completion.chunk\",\"created\":1,\"model\":\"m\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":"
                    + "{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\": \\\"Oslo\\\"}\"}}]},\"finish_reason\":null},"
                    + "{\"index\":1,\"delta\":{},\"finish_reason\":\"tool_calls\"}],\"temperature\":-1.5e-3,\"n\":0}",
            "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"param\":null,\"code\":"
                    + "\"rate_limit_exceeded\"}}",
            " {\n  \"id\" : \"x\" ,\"model\":\"y\", \"choices\" : [ { \"finish_reason\" : \"length\" } ] , \"usage\" :"
                    + " null } \n",
            "{}",
            "{\"choices\":{\"not\":\"an array\"},\"usage\":7,\"id\":{\"nested\":[1,2,{\"a\":true}]},\"model\":false}");

    private static void assertSame(RelayedChunk expected, RelayedChunk actual, String input) {
        String why = "for " + input;
        assertEquals(expected.finished(), actual.finished(), why);
        assertEquals(expected.carriesUsage(), actual.carriesUsage(), why);
        assertEquals(expected.error(), actual.error(), why);
        assertEquals(expected.cutFrom(), actual.cutFrom(), why);
        assertEquals(expected.cutTo(), actual.cutTo(), why);
        assertEquals(expected.id(), actual.id(), why);
        assertEquals(expected.model(), actual.model(), why);
        assertEquals(expected.finishReasons(), actual.finishReasons(), why);
    }

    private static Optional<RelayedChunk> scan(byte[] bytes, boolean ids) {
        return RelayScan.read(bytes, bytes.length, ids);
    }

    private Optional<RelayedChunk> parse(byte[] bytes, boolean ids) {
        return RelayedChunk.readWithParser(json, bytes, bytes.length, ids);
    }

    /** The chunk at the start of a longer array, as a stream reader's own buffer holds it, stale bytes after it. */
    private static byte[] withStaleBytes(byte[] chunk, byte[] stale) {
        byte[] b = Arrays.copyOf(chunk, chunk.length + stale.length);
        System.arraycopy(stale, 0, b, chunk.length, stale.length);
        return b;
    }

    @Test
    void realChunksAreReadByTheScanAsByTheParser() {
        for (String chunk : REAL) {
            byte[] bytes = chunk.getBytes(StandardCharsets.UTF_8);
            for (boolean ids : new boolean[] {false, true}) {
                RelayedChunk scanned = scan(bytes, ids)
                        .orElseThrow(() -> new AssertionError("the scan gave up on " + chunk));
                RelayedChunk parsed = parse(bytes, ids)
                        .orElseThrow(() -> new AssertionError("the parser refused " + chunk));
                assertSame(parsed, scanned, chunk);
            }
        }
    }

    @Test
    void theScanReadsFinishReasonsIdsModelUsageAndErrors() {
        RelayedChunk last = scan(REAL.get(2).getBytes(StandardCharsets.UTF_8), true).orElseThrow();
        assertTrue(last.finished());
        assertEquals(List.of("stop"), last.finishReasons());
        assertEquals(Optional.of("chatcmpl-9f1c"), last.id());
        assertEquals(Optional.of("gpt-4o-mini"), last.model());
        String cut = REAL.get(2).substring(last.cutFrom(), last.cutTo());
        assertEquals(",\"usage\":null", cut);
        RelayedChunk usage = scan(REAL.get(3).getBytes(StandardCharsets.UTF_8), false).orElseThrow();
        assertTrue(usage.carriesUsage());
        assertFalse(usage.finished());
        RelayedChunk error = scan(REAL.get(5).getBytes(StandardCharsets.UTF_8), false).orElseThrow();
        assertTrue(error.error());
        RelayedChunk tools = scan(REAL.get(4).getBytes(StandardCharsets.UTF_8), false).orElseThrow();
        assertEquals(List.of("tool_calls"), tools.finishReasons());
    }

    @Test
    void malformedChunksAreLeftToTheParser() {
        for (String bad : List.of("", "[]", "{", "{\"a\":1,}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":-}", "{\"a\":nul}",
                "{\"a\":nullx}", "{\"a\":\"\u0001\"}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12g4\"}", "{a:1}", "{\"a\" 1}",
                "{\"a\":1}}", "{\"a\":1} x", "{'a':1}", "{\"a\":[1,]}", "{\"a\":+1}", "{\"a\":.5}", "{\"a\":tru}",
                "{\"a\":1e}", "{\"a\":\"open}")) {
            byte[] bytes = bad.getBytes(StandardCharsets.UTF_8);
            assertTrue(scan(bytes, true).isEmpty(), "the scan answered for " + bad);
            assertTrue(parse(bytes, true).isEmpty(), "the parser accepted " + bad);
        }
    }

    /**
     * Thousands of chunks mangled at random (a JSON character put in, taken out or changed, the end cut off): where
     * the scan answers, the parser accepts the same bytes and reads the same; and the scan answers for a good share.
     */
    @Test
    void onMangledChunksTheScanNeverAnswersOtherwiseThanTheParser() {
        Random random = new Random(20261201L);
        byte[] alphabet = "{}[]\",:\\ 0123456789-+.eEtrufalsn_xu\n/".getBytes(StandardCharsets.US_ASCII);
        int answered = 0;
        int total = 0;
        for (String chunk : REAL) {
            for (int n = 0; n < 3_000; n++) {
                List<Byte> b = new ArrayList<>();
                for (byte x : chunk.getBytes(StandardCharsets.UTF_8)) {
                    b.add(x);
                }
                int edits = 1 + random.nextInt(3);
                for (int e = 0; e < edits && !b.isEmpty(); e++) {
                    int at = random.nextInt(b.size());
                    byte c = alphabet[random.nextInt(alphabet.length)];
                    switch (random.nextInt(4)) {
                        case 0 -> b.set(at, c);
                        case 1 -> b.add(at, c);
                        case 2 -> b.remove(at);
                        default -> b.subList(at, b.size()).clear();
                    }
                }
                byte[] bytes = new byte[b.size()];
                for (int k = 0; k < bytes.length; k++) {
                    bytes[k] = b.get(k);
                }
                boolean ids = random.nextBoolean();
                total++;
                Optional<RelayedChunk> scanned = scan(bytes, ids);
                if (scanned.isEmpty()) {
                    continue;
                }
                answered++;
                String input = new String(bytes, StandardCharsets.UTF_8);
                Optional<RelayedChunk> parsed = parse(bytes, ids);
                if (parsed.isEmpty()) {
                    fail("the scan read what the parser refuses: " + input);
                }
                assertSame(parsed.get(), scanned.get(), input);
            }
        }
        assertTrue(answered > total / 10, "the scan answered for only " + answered + " of " + total);
    }

    /**
     * A chunk read where it lies in a reader's longer array: the bytes after it (the rest of an earlier, longer event,
     * which may complete a cut-off string or word) change nothing; the scan and the parser read only the chunk.
     */
    @Test
    void bytesAfterTheChunkInItsArrayAreNeverRead() {
        Random random = new Random(20261202L);
        int answered = 0;
        int total = 0;
        for (String chunk : REAL) {
            byte[] whole = chunk.getBytes(StandardCharsets.UTF_8);
            for (int cut = 0; cut <= whole.length; cut++) {
                byte[] exact = Arrays.copyOf(whole, cut);
                byte[] stale = random.nextBoolean() ? Arrays.copyOfRange(whole, cut, whole.length)
                        : "\"}]}null,true} ".getBytes(StandardCharsets.US_ASCII);
                byte[] held = withStaleBytes(exact, stale);
                boolean ids = random.nextBoolean();
                total++;
                Optional<RelayedChunk> alone = scan(exact, ids);
                Optional<RelayedChunk> inArray = RelayScan.read(held, cut, ids);
                String input = new String(exact, StandardCharsets.UTF_8);
                assertEquals(alone.isPresent(), inArray.isPresent(), input);
                Optional<RelayedChunk> parsed = RelayedChunk.readWithParser(json, held, cut, ids);
                assertEquals(parse(exact, ids).isPresent(), parsed.isPresent(), input);
                if (inArray.isPresent()) {
                    answered++;
                    assertSame(alone.get(), inArray.get(), input);
                    assertSame(parsed.orElseThrow(), inArray.get(), input);
                    assertEquals(cut, inArray.get().length());
                }
            }
        }
        assertTrue(answered >= REAL.size(), "whole chunks read: " + answered + " of " + total);
    }
}
