package io.heimdall.distribution;

import static io.heimdall.distribution.HostileGateway.JSON;
import static io.heimdall.distribution.HostileGateway.MAX_BODY;
import static io.heimdall.distribution.HostileGateway.TIMEOUT;
import static io.heimdall.distribution.HostileGateway.assertOpenAiError;
import static io.heimdall.distribution.HostileGateway.chatBody;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.heimdall.distribution.HostileGateway.RawResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and odd request bodies against the in-process gateway ({@link HostileGateway}): huge, deep, broken and
 * mistyped bodies, unknown content parts, and a large body under the limit. Every error must be in OpenAI's shape with
 * an {@code x-request-id}, and the gateway must keep serving afterwards. Headers, paths, streams and concurrency:
 * {@link HostileProtocolIT}.
 */
@Timeout(60)
class HostileInputIT {
    @TempDir
    static Path tmp;

    static HostileGateway gw;

    @BeforeAll
    static void start() throws IOException {
        gw = HostileGateway.start(tmp);
    }

    @AfterAll
    static void stop() {
        if (gw != null) {
            gw.close();
        }
    }

    @AfterEach
    void stillServing() throws Exception {
        gw.assertStillServing();
    }

    // ------------------------------------------------------------------------------------------------ bodies

    @Test
    void deeplyNestedJsonIsA400NotAStackOverflow() throws Exception {
        String deepArray = "[".repeat(100_000);
        JsonNode e1 = assertOpenAiError(gw.post(deepArray), 400, "invalid_request_error");
        assertTrue(e1.path("message").asText().contains("nesting depth"), e1.toString());

        String deepInMessages = "{\"model\":\"mock/echo\",\"messages\":" + "[".repeat(100_000);
        JsonNode e2 = assertOpenAiError(gw.post(deepInMessages), 400, "invalid_request_error");
        assertTrue(e2.path("message").asText().contains("nesting depth"), e2.toString());

        String deepObject = "{\"model\":\"mock/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}],"
                + "\"metadata\":" + "{\"a\":".repeat(100_000);
        assertOpenAiError(gw.post(deepObject), 400, "invalid_request_error");
    }

    @Test
    void twentyMegabytesWithContentLengthIs413() throws Exception {
        RawResponse res = sendHugeBody(false);
        JsonNode error = assertOpenAiError(res, 413, "invalid_request_error");
        assertEquals("request_too_large", error.path("code").asText());
        assertTrue(error.path("message").asText().contains(Long.toString(MAX_BODY)), error.toString());
    }

    @Test
    void twentyMegabytesChunkedWithoutContentLengthIs413() throws Exception {
        RawResponse res = sendHugeBody(true);
        JsonNode error = assertOpenAiError(res, 413, "invalid_request_error");
        assertEquals("request_too_large", error.path("code").asText());
    }

    /** Sends a 20 MB chat body, writing it on another thread so an early answer can be read while it is sent. */
    private static RawResponse sendHugeBody(boolean chunked) throws Exception {
        int size = 20 << 20;
        byte[] prefix = "{\"model\":\"mock/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"".getBytes(
                StandardCharsets.US_ASCII);
        try (Socket socket = gw.connect()) {
            OutputStream out = socket.getOutputStream();
            String head = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + (chunked ? "Transfer-Encoding: chunked\r\n" : "Content-Length: " + size + "\r\n")
                    + "x-request-id: huge-" + (chunked ? "chunked" : "length") + "\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread writer = Thread.ofVirtual().start(() -> {
                byte[] block = new byte[64 << 10];
                Arrays.fill(block, (byte) 'a');
                System.arraycopy(prefix, 0, block, 0, prefix.length);
                try {
                    for (int sent = 0; sent < size; sent += block.length) {
                        int n = Math.min(block.length, size - sent);
                        if (chunked) {
                            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        }
                        out.write(block, 0, n);
                        if (chunked) {
                            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                        }
                        Arrays.fill(block, 0, prefix.length, (byte) 'a');
                    }
                    if (chunked) {
                        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                    out.flush();
                } catch (IOException expected) {
                    // the gateway may close the connection once it has answered
                }
            });
            RawResponse res = RawResponse.read(socket.getInputStream());
            writer.join(Duration.ofSeconds(10));
            return res;
        }
    }

    @Test
    void invalidUtf8IsA400() throws Exception {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes("{\"model\":\"mock/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"bad ".getBytes(
                StandardCharsets.US_ASCII));
        body.writeBytes(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, (byte) 0xFE, (byte) 0xED, (byte) 0xA0,
                (byte) 0x80});
        body.writeBytes("\"}]}".getBytes(StandardCharsets.US_ASCII));
        HttpResponse<String> res = gw.post(body.toByteArray());
        JsonNode error = assertOpenAiError(res, 400, "invalid_request_error");
        assertTrue(error.path("message").asText().toLowerCase(Locale.ROOT).contains("utf-8"), error.toString());

        // A lone continuation byte in the model name.
        ByteArrayOutputStream model = new ByteArrayOutputStream();
        model.writeBytes("{\"model\":\"mock/echo".getBytes(StandardCharsets.US_ASCII));
        model.write(0x80);
        model.writeBytes("\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"
                .getBytes(StandardCharsets.US_ASCII));
        assertOpenAiError(gw.post(model.toByteArray()), 400, "invalid_request_error");
    }

    @Test
    void aBodyThatIsNotAnObjectIsA400() throws Exception {
        for (String body : List.of("\"just a string\"", "42", "null", "true", "[]", "  ")) {
            HttpResponse<String> res = gw.post(body);
            JsonNode error = assertOpenAiError(res, 400, "invalid_request_error");
            assertTrue(error.path("message").asText().contains("JSON object")
                            || error.path("message").asText().contains("empty"),
                    () -> body + " -> " + error);
        }
        HttpResponse<String> empty = gw.http.send(HttpRequest.newBuilder(URI.create(gw.base + "/v1/chat/completions"))
                .timeout(TIMEOUT).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertOpenAiError(empty, 400, "invalid_request_error");
    }

    @Test
    void messagesAsAnObjectIsA400NamingTheParam() throws Exception {
        HttpResponse<String> res = gw.post(
                "{\"model\":\"mock/echo\",\"messages\":{\"role\":\"user\",\"content\":\"x\"}}");
        JsonNode error = assertOpenAiError(res, 400, "invalid_request_error");
        assertEquals("messages", error.path("param").asText(), error.toString());

        HttpResponse<String> content = gw.post("{\"model\":\"mock/echo\",\"messages\":[{\"role\":\"user\",\"content\":"
                + "{\"text\":\"x\"}}]}");
        assertEquals("messages[0].content", assertOpenAiError(content, 400, "invalid_request_error")
                .path("param").asText());

        HttpResponse<String> model = gw.post("{\"model\":[\"mock/echo\"],"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");
        assertEquals("model", assertOpenAiError(model, 400, "invalid_request_error").path("param").asText());
    }

    @Test
    void contentPartOfAnUnknownTypeIsPassedThrough() throws Exception {
        String body = """
                {"model":"mock/echo","messages":[{"role":"user","content":[
                  {"type":"text","text":"look at this"},
                  {"type":"x-hologram","x-hologram":{"frames":[1,2,3],"codec":"h9"}},
                  {"type":"input_audio","input_audio":{"data":"UklGRg==","format":"wav"}},
                  {"type":"text","text":"and this"}]}]}""";
        HttpResponse<String> res = gw.post(body);
        assertEquals(200, res.statusCode(), res.body());
        assertEquals("Echo: look at this\nand this",
                JSON.readTree(res.body()).at("/choices/0/message/content").asText());
    }

    @Test
    void aOneMegabyteMessageUnderTheLimitWorks() throws Exception {
        String text = "word ".repeat(200_000).strip();
        assertTrue(text.length() > 999_000 && text.length() < MAX_BODY);
        HttpResponse<String> res = gw.post(chatBody("mock/echo", text));
        assertEquals(200, res.statusCode(), () -> res.body().substring(0, Math.min(500, res.body().length())));
        JsonNode node = JSON.readTree(res.body());
        assertEquals("Echo: " + text, node.at("/choices/0/message/content").asText());
        assertEquals(200_000, node.at("/usage/prompt_tokens").asLong());
    }
}
