package io.heimdall.core.internal.wire;

import com.fasterxml.jackson.core.JsonParser;
import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatChunk;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The token decoder of common chunks gives exactly what the tree decoder gives, and gives up on everything else. */
class ChunkFastPathTest {
    private final WireJson json = new WireJson();
    private final ChatResponseCodec codec = new ChatResponseCodec(json, new UsageCodec(json));

    private static String chunk(String delta, String tail) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                + "\"model\":\"gpt-4o\",\"system_fingerprint\":\"fp_1\",\"choices\":[{\"index\":0,\"delta\":" + delta
                + ",\"logprobs\":null,\"finish_reason\":null}]" + tail + "}";
    }

    private Optional<ChatChunk> fast(String data) throws IOException {
        try (JsonParser p = json.parser(data.getBytes(StandardCharsets.UTF_8))) {
            return ChunkFastPath.decode(p);
        }
    }

    private ChatChunk tree(String data) {
        return codec.decodeChunkTree(data.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void commonChunksDecodeAsTheTreeDecodesThem() throws IOException {
        String[] chunks = {
            chunk("{\"role\":\"assistant\",\"content\":\"\"}", ""),
            chunk("{\"content\":\"Hello\"}", ",\"usage\":null"),
            chunk("{\"content\":\" w\\u00f6rld \\\"quoted\\\"\\n\"}", ",\"usage\":null,\"obfuscation\":\"x9Qz\""),
            chunk("{\"role\":\"assistant\",\"content\":null,\"refusal\":null}", ""),
            chunk("{\"content\":null,\"reasoning_content\":\"Let me think\"}", ""),
            chunk("{\"content\":\"a\",\"content\":null}", ""),
            chunk("{\"content\":\"x\",\"provider_note\":\"kept\",\"flag\":true,\"nothing\":null}", ""),
            chunk("{}", ",\"service_tier\":\"default\",\"beta\":false"),
            "{\"id\":\"c\",\"object\":\"chat.completion.chunk\",\"created\":2,\"model\":\"m\",\"choices\":[{\"index\":0,"
                + "\"delta\":{},\"finish_reason\":\"stop\",\"extra_choice_field\":{\"a\":[1,2]}}]}",
            "{\"id\":null,\"created\":3,\"choices\":[{\"index\":1,\"delta\":null}],\"system_fingerprint\":null}",
            "{\"choices\":null}",
            "{\"model\":\"m\",\"choices\":[]}",
        };
        for (String data : chunks) {
            Optional<ChatChunk> fast = fast(data);
            assertTrue(fast.isPresent(), data);
            assertEquals(tree(data), fast.get(), data);
            assertEquals(tree(data), codec.decodeChunk(data), data);
        }
    }

    @Test
    void everythingElseIsLeftToTheTreeDecoder() throws IOException {
        String[] chunks = {
            chunk("{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
                    + "\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}", ""),
            chunk("{\"thinking_blocks\":[{\"type\":\"thinking\",\"thinking\":\"hm\"}]}", ""),
            chunk("{\"content\":\"x\"}", ",\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}"),
            chunk("{\"content\":\"x\"}", ",\"score\":0.5"),
            chunk("{\"content\":\"x\"}", ",\"meta\":{\"a\":1}"),
            "{\"id\":\"c\",\"created\":1.5,\"choices\":[]}",
            "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"x\"},\"logprobs\":{\"content\":[]}}]}",
        };
        for (String data : chunks) {
            assertTrue(fast(data).isEmpty(), data);
            assertEquals(tree(data), codec.decodeChunk(data), data);
        }
    }

    @Test
    void malformedAndMistypedChunksFailAsBefore() throws IOException {
        String[] chunks = {"{\"id\":\"c\",\"choices\":[", "[1,2]", "{\"model\":5}",
            chunk("{\"content\":7}", ""), "{\"choices\":[{\"finish_reason\":1}]}"};
        for (String data : chunks) {
            assertTrue(fast(data).isEmpty(), data);
            GatewayException e = assertThrows(GatewayException.class, () -> codec.decodeChunk(data), data);
            assertEquals(502, e.error().status(), data);
        }
    }
}
