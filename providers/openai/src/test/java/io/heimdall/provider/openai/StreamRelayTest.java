package io.heimdall.provider.openai;

import io.heimdall.api.RequestContext;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.observe.Observer;
import io.heimdall.api.observe.RequestSummary;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.PluginFactory;
import io.heimdall.core.Gateway;
import io.heimdall.testkit.LoopbackServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The gateway relays a stream without holding chunks back: events that arrived together may leave in one write, but
 * every event is on the client's socket before the gateway waits for the upstream again. The upstream sends a first
 * burst of events and then waits until the client has read them all through the gateway; a gateway that buffered
 * until the next upstream bytes would never let it go on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class StreamRelayTest {
    @TempDir
    static Path dir;
    private LoopbackServer upstream;
    private Gateway gateway;
    private volatile CountDownLatch clientSawFirstBurst = new CountDownLatch(1);
    private volatile int firstBurstEvents = 3;
    private volatile boolean upstreamGaveUp;
    private volatile boolean longStream;
    private static final LinkedBlockingQueue<RequestSummary> SUMMARIES = new LinkedBlockingQueue<>();

    /** An observer plugin that hands every request's summary to the test. */
    static final class SummariesFactory implements PluginFactory {
        @Override
        public String id() {
            return "test-summaries";
        }

        @Override
        public Plugin create(PluginConfig config, PluginContext context) {
            Observer observer = new Observer() {
                @Override
                public void requestFinished(RequestSummary summary, RequestContext ctx) {
                    SUMMARIES.add(summary);
                }
            };
            return new Plugin() {
                @Override
                public Optional<Observer> observer() {
                    return Optional.of(observer);
                }
            };
        }
    }

    @BeforeAll
    void start() throws IOException {
        upstream = LoopbackServer.start(this::serve);
        Path config = dir.resolve("heimdall.yaml");
        Files.writeString(config, """
                server: { host: 127.0.0.1, port: 0 }
                routing: { retries: { max: 0 } }
                providers:
                  up: { type: openai-compatible, base-url: "http://127.0.0.1:%d/v1", keys: [ "sk-relay-test" ] }
                plugins:
                  - { id: test-summaries }
                """.formatted(upstream.port()));
        gateway = Gateway.builder().config(config).port(0).watchConfig(false).factory(new SummariesFactory()).start();
    }

    @AfterAll
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    private static String event(String delta, String finish) {
        return "data: {\"id\":\"chatcmpl-relay\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                + "\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":" + delta + ",\"finish_reason\":"
                + finish + "}]}\n\n";
    }

    private static void chunk(OutputStream out, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** First burst: role + content events in one write; then waits for the client; then the rest. */
    private void serve(LoopbackServer.Request request, Socket socket) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n"
                + "connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        if (longStream) {
            // one event every 10 ms, for up to 5 s: the client leaves after the first
            try {
                chunk(out, event("{\"role\":\"assistant\",\"content\":\"\"}", "null"));
                for (int i = 0; i < 500; i++) {
                    Thread.sleep(10);
                    chunk(out, event("{\"content\":\"w" + i + " \"}", "null"));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return; // the gateway closed the connection (a write fails) or the stream never ends: either way, done
        }
        StringBuilder first = new StringBuilder(event("{\"role\":\"assistant\",\"content\":\"\"}", "null"));
        for (int i = 1; i < firstBurstEvents; i++) {
            first.append(event("{\"content\":\"w" + i + " \"}", "null"));
        }
        chunk(out, first.toString());
        try {
            if (!clientSawFirstBurst.await(5, TimeUnit.SECONDS)) {
                upstreamGaveUp = true; // the client never saw the first burst while it was all the gateway had
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        chunk(out, event("{\"content\":\"end\"}", "null") + event("{}", "\"stop\"") + "data: [DONE]\n\n");
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    private void relaysEveryEventOfABurstBeforeTheNextUpstreamBytes(int events) throws Exception {
        firstBurstEvents = events;
        upstreamGaveUp = false;
        clientSawFirstBurst = new CountDownLatch(1);
        String body = "{\"model\":\"up/gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        HttpURLConnection c = (HttpURLConnection) URI.create(gateway.baseUrl() + "/v1/chat/completions").toURL()
                .openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setConnectTimeout(5_000);
        c.setReadTimeout(30_000);
        c.setRequestProperty("content-type", "application/json");
        try (OutputStream out = c.getOutputStream()) {
            out.write(body.getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(200, c.getResponseCode());
        List<String> lines = new ArrayList<>();
        boolean released = false;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(c.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.startsWith("data: ")) {
                    lines.add(line);
                }
                if (!released && line.contains("\"w" + (events - 1) + " \"")) {
                    // the whole first burst is here while the upstream still waits
                    assertFalse(lines.stream().anyMatch(l -> l.contains("end")));
                    released = true;
                    clientSawFirstBurst.countDown();
                }
            }
        }
        assertTrue(released && !upstreamGaveUp, "the first burst did not reach the client before the upstream sent more");
        assertEquals(events + 3, lines.size(), String.valueOf(lines));
        assertEquals("data: [DONE]", lines.getLast());
        StringBuilder text = new StringBuilder();
        for (String l : lines) {
            int i = l.indexOf("\"content\":\"");
            if (i >= 0) {
                text.append(l, i + 11, l.indexOf('"', i + 11));
            }
        }
        StringBuilder expected = new StringBuilder();
        for (int i = 1; i < events; i++) {
            expected.append("w").append(i).append(' ');
        }
        assertEquals(expected + "end", text.toString());
    }

    @Test
    void aClientLeavingMidStreamEndsTheRequestAs499() throws Exception {
        longStream = true;
        SUMMARIES.clear();
        try (Socket client = new Socket("127.0.0.1", URI.create(gateway.baseUrl()).getPort())) {
            String body = "{\"model\":\"up/gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\","
                    + "\"content\":\"hi\"}]}";
            client.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\n"
                    + "content-type: application/json\r\ncontent-length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            BufferedReader reader = new BufferedReader(new InputStreamReader(client.getInputStream(),
                    StandardCharsets.UTF_8));
            String line = reader.readLine();
            assertTrue(line.startsWith("HTTP/1.1 200"), line);
            while (line != null && !line.startsWith("data: ")) {
                line = reader.readLine();
            }
            assertTrue(line != null, "no event before the end");
        } finally {
            longStream = false;
        }
        RequestSummary summary = SUMMARIES.poll(20, TimeUnit.SECONDS);
        assertTrue(summary != null, "the request never finished");
        assertEquals(499, summary.status(), summary.toString());
        assertEquals(Optional.of("client_closed_request"), summary.error().flatMap(GatewayError::code));
    }

    @Test
    void aBurstOfThreeEventsReachesTheClientBeforeTheUpstreamGoesOn() throws Exception {
        relaysEveryEventOfABurstBeforeTheNextUpstreamBytes(3);
    }

    @Test
    void aBurstLargerThanTheWriteBufferReachesTheClientWhole() throws Exception {
        relaysEveryEventOfABurstBeforeTheNextUpstreamBytes(200);
    }

    /** One line of an HTTP head or of the chunked framing, without its CRLF. */
    private static String line(InputStream in) throws IOException {
        StringBuilder s = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("the connection closed in a line: " + s);
            }
            if (c != '\r') {
                s.append((char) c);
            }
        }
        return s.toString();
    }

    /**
     * The write that relays a burst: each HTTP chunk the client receives (one socket write of the gateway's) holds
     * whole events and fits the server's 4 KB write buffer. Before, the buffer's overflow wrote part of an event and
     * the flush the rest: two writes where one does.
     */
    @Test
    void eachWriteOfABurstCarriesWholeEventsWithinTheWriteBuffer() throws Exception {
        firstBurstEvents = 200;
        upstreamGaveUp = false;
        clientSawFirstBurst = new CountDownLatch(1);
        String body = "{\"model\":\"up/gpt-4o-mini\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        List<String> chunks = new ArrayList<>();
        try (Socket client = new Socket("127.0.0.1", URI.create(gateway.baseUrl()).getPort())) {
            client.setSoTimeout(30_000);
            client.getOutputStream().write(("POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nconnection: close\r\n"
                    + "content-type: application/json\r\ncontent-length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            InputStream in = new BufferedInputStream(client.getInputStream());
            String status = line(in);
            assertTrue(status.startsWith("HTTP/1.1 200"), status);
            boolean chunked = false;
            for (String h = line(in); !h.isEmpty(); h = line(in)) {
                chunked |= h.equalsIgnoreCase("transfer-encoding: chunked");
            }
            assertTrue(chunked, "a stream is sent chunked");
            while (true) {
                int size = Integer.parseInt(line(in).split(";")[0].trim(), 16);
                if (size == 0) {
                    break;
                }
                String data = new String(in.readNBytes(size), StandardCharsets.UTF_8);
                assertEquals("", line(in), "the CRLF after a chunk's data");
                chunks.add(data);
                if (data.contains("\"w199 \"")) {
                    clientSawFirstBurst.countDown();
                }
            }
        }
        assertFalse(upstreamGaveUp, "the first burst did not reach the client before the upstream sent more");
        String all = String.join("", chunks);
        assertEquals(203, all.split("\n\n").length, "every event arrived: " + chunks.size() + " chunks");
        assertTrue(chunks.size() > 5, "a 200-event burst (~40 KB) takes several writes: " + chunks.size());
        for (String c : chunks) {
            assertTrue(c.startsWith("data: ") && c.endsWith("\n\n"), "a write split an event: ..."
                    + c.substring(Math.max(0, c.length() - 40)).replace("\n", "\\n"));
            assertTrue(c.getBytes(StandardCharsets.UTF_8).length <= 4096, "a write over the 4 KB buffer: " + c.length());
        }
    }
}
