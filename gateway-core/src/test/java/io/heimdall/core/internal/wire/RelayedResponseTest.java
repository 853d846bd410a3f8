package io.heimdall.core.internal.wire;

import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.Usage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What the relay reads of an upstream's chat completion: only the plain shape is relayed, and its usage is read as
 * the decoder reads it; everything else is left to the decoder.
 */
class RelayedResponseTest {
    private final JacksonOpenAiWire wire = new JacksonOpenAiWire();

    private static String response(String choices, String tail) {
        return "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1700000000,\"model\":\"gpt-4o\","
                + "\"choices\":" + choices + tail + "}";
    }

    private static final String CHOICE = "[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"hi\"},"
            + "\"finish_reason\":\"stop\"}]";

    private Optional<RelayedResponse> read(String json) {
        return wire.relayedResponse(json.getBytes(StandardCharsets.UTF_8));
    }

    /** The usage the decoder reads from the same bytes. */
    private Optional<Usage> decoded(String json) {
        ChatResponse r = wire.decodeChatResponse(json.getBytes(StandardCharsets.UTF_8));
        return r.usage().map(u -> new Usage(u.promptTokens(), u.completionTokens(), u.totalTokens(), u.cachedTokens(),
                u.reasoningTokens(), java.util.Map.of()));
    }

    @Test
    void thePlainShapeIsRelayedAsItCameWithTheDecodersUsage() {
        for (String usage : List.of(
                ",\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":7,\"total_tokens\":18}",
                ",\"usage\":{\"total_tokens\":30,\"completion_tokens\":7,\"prompt_tokens\":11}",
                ",\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":7}",
                ",\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":7,\"total_tokens\":18,"
                        + "\"prompt_tokens_details\":{\"audio_tokens\":0,\"cached_tokens\":5},"
                        + "\"completion_tokens_details\":{\"reasoning_tokens\":3,\"x\":[1]}}",
                ",\"usage\":{\"prompt_tokens\":1,\"prompt_tokens_details\":null,\"completion_tokens_details\":{}}",
                ",\"usage\":null", "")) {
            String json = response(CHOICE, ",\"x_vendor\":{\"usage\":{\"prompt_tokens\":99}}" + usage);
            RelayedResponse r = read(json).orElseThrow(() -> new AssertionError(json));
            assertArrayEquals(json.getBytes(StandardCharsets.UTF_8), r.bytes());
            assertEquals(decoded(json), r.usage(), json);
        }
    }

    @Test
    void manyChoicesAndEmptyChoicesAreThePlainShape() {
        assertTrue(read(response("[" + CHOICE.substring(1, CHOICE.length() - 1) + ","
                + CHOICE.substring(1, CHOICE.length() - 1).replace("\"index\":0", "\"index\":1") + "]", "")).isPresent());
        assertTrue(read(response("[]", "")).isPresent());
    }

    @Test
    void anythingElseIsLeftToTheDecoder() {
        for (String json : List.of(
                "",
                "[]",
                "{\"error\":{\"message\":\"overloaded\",\"type\":\"server_error\"}}",
                response(CHOICE, ",\"error\":null"),
                "{\"object\":\"chat.completion\",\"model\":\"m\",\"choices\":" + CHOICE + "}",
                "{\"id\":\"c\",\"object\":\"chat.completion\",\"choices\":" + CHOICE + "}",
                "{\"id\":7,\"model\":\"m\",\"choices\":" + CHOICE + "}",
                "{\"id\":\"c\",\"model\":\"m\"}",
                response("{}", ""),
                response("[1]", ""),
                response("[{\"index\":0,\"finish_reason\":\"stop\"}]", ""),
                response("[{\"index\":0,\"message\":\"hi\"}]", ""),
                response(CHOICE, ",\"usage\":7"),
                response(CHOICE, ",\"usage\":{\"prompt_tokens\":1.5}"),
                response(CHOICE, ",\"usage\":{\"prompt_tokens\":\"3\"}"),
                response(CHOICE, ",\"usage\":{\"prompt_tokens\":99999999999999999999999}"),
                response(CHOICE, "") + " {}",
                response(CHOICE, "").substring(0, 40))) {
            assertEquals(Optional.empty(), read(json), json);
        }
    }
}
