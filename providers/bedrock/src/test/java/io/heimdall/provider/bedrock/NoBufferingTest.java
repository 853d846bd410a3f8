package io.heimdall.provider.bedrock;

import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.provider.Provider;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A token the upstream sends reaches the sink before the upstream sends the next one: the server holds the rest of
 * the stream until the sink has seen the first delta (bounded wait), so a provider that buffered would fail.
 */
class NoBufferingTest {
    @Test
    void eachDeltaReachesTheSinkBeforeTheNextFrameIsSent() throws Exception {
        CountDownLatch firstSeen = new CountDownLatch(1);
        AtomicBoolean released = new AtomicBoolean();
        try (ServerSocket server = new ServerSocket()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            Thread.ofVirtual().start(() -> {
                try (Socket socket = server.accept()) {
                    readRequest(socket.getInputStream());
                    OutputStream out = socket.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/vnd.amazon.eventstream\r\n"
                            + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    chunk(out, EventStreamFrames.event("messageStart", "{\"role\":\"assistant\"}"));
                    chunk(out, EventStreamFrames.event("contentBlockDelta",
                            "{\"contentBlockIndex\":0,\"delta\":{\"text\":\"first\"}}"));
                    released.set(firstSeen.await(5, TimeUnit.SECONDS));
                    chunk(out, EventStreamFrames.event("contentBlockDelta",
                            "{\"contentBlockIndex\":0,\"delta\":{\"text\":\" second\"}}"));
                    chunk(out, EventStreamFrames.event("messageStop", "{\"stopReason\":\"end_turn\"}"));
                    out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                } catch (IOException | InterruptedException e) {
                    // the test fails on its own assertions
                }
            });
            Provider provider = BedrockProviderTest.create(Map.of("base-url", "http://127.0.0.1:"
                    + server.getLocalPort(), "region", "us-east-1"));
            List<String> texts = new ArrayList<>();
            provider.stream(ChatRequest.builder().model("m").addMessage(ChatMessage.user("hi")).stream(true).build(),
                    BedrockProviderTest.call(BedrockProviderTest.key()), (ChatChunk c) -> c.choices().forEach(ch ->
                            ch.delta().content().filter(s -> !s.isEmpty()).ifPresent(s -> {
                                texts.add(s);
                                if (s.equals("first")) {
                                    firstSeen.countDown();
                                }
                            })));
            provider.close();
            assertTrue(released.get(), "the first delta reached the sink while the upstream held the rest");
            assertEquals(List.of("first", " second"), texts);
        }
    }

    private static void readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                return;
            }
            head.write(c);
        }
        String h = head.toString(StandardCharsets.ISO_8859_1).toLowerCase(java.util.Locale.ROOT);
        int i = h.indexOf("content-length:");
        int length = i < 0 ? 0 : Integer.parseInt(h.substring(i + 15, h.indexOf("\r\n", i)).strip());
        in.readNBytes(length);
    }

    private static void chunk(OutputStream out, byte[] bytes) throws IOException {
        out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}
