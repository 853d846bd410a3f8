package io.heimdall.provider.openai;

import io.heimdall.api.RequestContext;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.hook.HookOutcome;
import io.heimdall.api.hook.RequestOutcome;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.Usage;
import io.heimdall.api.observe.Observer;
import io.heimdall.api.observe.RequestSummary;
import io.heimdall.api.observe.ResponseInfo;
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

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * With no hook and no cache, a stream's chunks are relayed as the upstream wrote them (byte for byte, less the
 * {@code "usage":null} the gateway asked for on the client's behalf), while usage and the time to the first token are
 * still accounted; with a hook the chunks are decoded for it and encoded again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class ChunkPassThroughTest {
    @TempDir
    static Path dir;
    private static final LinkedBlockingQueue<RequestSummary> SUMMARIES = new LinkedBlockingQueue<>();
    private static final AtomicInteger HOOK_CHUNKS = new AtomicInteger();
    private static final AtomicInteger REQUEST_HOOK_CALLS = new AtomicInteger();
    /** Odd spacing, unknown members, a member order of its own: what a re-encoding would not reproduce. */
    private static final List<String> CONTENT = List.of(
            "{\"id\":\"chatcmpl-pt\", \"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"m-1\","
                    + "\"x_vendor\":{\"a\":[1, 2.50]},\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\","
                    + "\"content\":\"\"},\"finish_reason\":null}],\"usage\":null}",
            "{\"choices\":[{\"delta\":{\"content\":\"h\\u00e9llo \\\"usage\\\":null\"},\"index\":0,"
                    + "\"finish_reason\":null}] , \"usage\" : null, \"id\":\"chatcmpl-pt\",\"object\":"
                    + "\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"m-1\"}",
            "{\"id\":\"chatcmpl-pt\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,\"model\":\"m-1\","
                    + "\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}],\"usage\":null}");
    private static final String USAGE = "{\"id\":\"chatcmpl-pt\",\"object\":\"chat.completion.chunk\",\"created\":"
            + "1700000000,\"model\":\"m-1\",\"choices\":[],\"usage\":{\"prompt_tokens\":11,\"completion_tokens\":7,"
            + "\"total_tokens\":18}}";
    private LoopbackServer upstream;
    private Gateway plain;
    private Gateway hooked;
    private Gateway requestHooked;

    /**
     * An observer that hands every request's summary to the test; for {@code test-chunk-hook} also a hook that sees
     * chunks, for {@code test-request-hook} one that sees only requests.
     */
    record TestPluginFactory(String id, boolean withHook) implements PluginFactory {
        @Override
        public Plugin create(PluginConfig config, PluginContext context) {
            Observer observer = new Observer() {
                @Override
                public void requestFinished(RequestSummary summary, RequestContext ctx) {
                    SUMMARIES.add(summary);
                }
            };
            Hook hook = new Hook() {
                @Override
                public HookOutcome<ChatChunk> onChunk(ChatChunk chunk, RequestContext ctx) {
                    HOOK_CHUNKS.incrementAndGet();
                    return HookOutcome.proceed(chunk);
                }
            };
            Hook requestHook = new Hook() {
                @Override
                public RequestOutcome onRequest(ChatRequest request, RequestContext ctx) {
                    REQUEST_HOOK_CALLS.incrementAndGet();
                    return RequestOutcome.proceed(request);
                }
            };
            return new Plugin() {
                @Override
                public Optional<Observer> observer() {
                    return Optional.of(observer);
                }

                @Override
                public Optional<Hook> hook() {
                    return withHook ? Optional.of(hook)
                            : id.equals("test-request-hook") ? Optional.of(requestHook) : Optional.empty();
                }
            };
        }
    }

    @BeforeAll
    void start() throws IOException {
        upstream = LoopbackServer.start(this::serve);
        plain = start("plain", "test-observer");
        hooked = start("hooked", "test-chunk-hook");
        requestHooked = start("request-hooked", "test-request-hook");
    }

    private Gateway start(String name, String plugin) throws IOException {
        Path config = dir.resolve(name + ".yaml");
        Files.writeString(config, """
                server: { host: 127.0.0.1, port: 0 }
                providers:
                  up: { type: openai-compatible, base-url: "http://127.0.0.1:%d/v1", keys: [ "sk-pass-through" ] }
                plugins:
                  - { id: %s }
                """.formatted(upstream.port(), plugin));
        return Gateway.builder().config(config).port(0).watchConfig(false)
                .factory(new TestPluginFactory("test-observer", false))
                .factory(new TestPluginFactory("test-chunk-hook", true))
                .factory(new TestPluginFactory("test-request-hook", false)).start();
    }

    @AfterAll
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {plain, hooked, requestHooked, upstream}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                // closing
            }
        }
    }

    private void serve(LoopbackServer.Request request, Socket socket) throws IOException {
        String body = new String(request.body(), StandardCharsets.UTF_8);
        assertTrue(body.contains("\"include_usage\":true"), body);
        StringBuilder events = new StringBuilder();
        for (String c : CONTENT) {
            events.append("data: ").append(c).append("\n\n");
        }
        events.append("data: ").append(USAGE).append("\n\ndata: [DONE]\n\n");
        byte[] bytes = events.toString().getBytes(StandardCharsets.UTF_8);
        OutputStream out = socket.getOutputStream();
        out.write(("HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: " + bytes.length
                + "\r\nconnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(bytes);
        out.flush();
    }

    /** The data lines of a stream through {@code gateway}. */
    private static List<String> stream(Gateway gateway, boolean includeUsage) throws IOException {
        String body = "{\"model\":\"up/m-1\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]"
                + (includeUsage ? ",\"stream_options\":{\"include_usage\":true}" : "") + "}";
        HttpURLConnection c = (HttpURLConnection) URI.create(gateway.baseUrl() + "/v1/chat/completions").toURL()
                .openConnection();
        c.setRequestMethod("POST");
        c.setDoOutput(true);
        c.setRequestProperty("content-type", "application/json");
        try (OutputStream out = c.getOutputStream()) {
            out.write(body.getBytes(StandardCharsets.UTF_8));
        }
        assertEquals(200, c.getResponseCode());
        String text;
        try (InputStream in = c.getInputStream()) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(text.endsWith("\n\n"), text);
        List<String> data = new ArrayList<>();
        for (String event : text.split("\n\n")) {
            assertTrue(event.startsWith("data: "), event);
            data.add(event.substring(6));
        }
        assertEquals("[DONE]", data.getLast());
        return data.subList(0, data.size() - 1);
    }

    private static RequestSummary summary() throws InterruptedException {
        RequestSummary s = SUMMARIES.poll(10, TimeUnit.SECONDS);
        assertTrue(s != null, "no request summary");
        return s;
    }

    @Test
    void withoutHooksTheUpstreamBytesReachTheClientLessTheUsageNobodyAskedFor() throws Exception {
        SUMMARIES.clear();
        List<String> got = stream(plain, false);
        List<String> expected = List.of(
                CONTENT.get(0).replace(",\"usage\":null", ""),
                CONTENT.get(1).replace(", \"usage\" : null", ""),
                CONTENT.get(2).replace(",\"usage\":null", ""));
        assertNotEquals(CONTENT, expected, "the fixture must carry usage:null members");
        assertEquals(expected, got);
        RequestSummary s = summary();
        assertEquals(200, s.status());
        assertEquals(Optional.of(18L), s.usage().map(Usage::totalTokens));
        assertEquals(new ResponseInfo(Optional.of("chatcmpl-pt"), Optional.of("m-1"), List.of("stop")), s.response(),
                "what the relayed chunks said of the answer");
        assertTrue(s.timeToFirstToken().isPresent(), s.toString());
        int written = 0;
        for (String d : got) {
            written += ("data: " + d + "\n\n").getBytes(StandardCharsets.UTF_8).length;
        }
        assertEquals(written + "data: [DONE]\n\n".length(), s.bytesOut(), "bytes out counts what was relayed");
    }

    @Test
    void aClientThatAskedForUsageGetsTheChunksAsTheyCameAndTheUsageChunk() throws Exception {
        SUMMARIES.clear();
        List<String> got = stream(plain, true);
        assertEquals(CONTENT, got.subList(0, 3));
        assertEquals(4, got.size(), String.valueOf(got));
        assertTrue(got.get(3).contains("\"choices\":[]") && got.get(3).contains("\"prompt_tokens\":11")
                && got.get(3).contains("\"completion_tokens\":7"), got.get(3));
        assertEquals(Optional.of(18L), summary().usage().map(Usage::totalTokens));
    }

    @Test
    void aHookThatSeesOnlyRequestsKeepsTheRelay() throws Exception {
        SUMMARIES.clear();
        REQUEST_HOOK_CALLS.set(0);
        List<String> got = stream(requestHooked, true);
        assertEquals(1, REQUEST_HOOK_CALLS.get());
        assertEquals(CONTENT, got.subList(0, 3));
        assertEquals(Optional.of(18L), summary().usage().map(Usage::totalTokens));
    }

    @Test
    void aHookSeesEveryChunkAsAnObjectAndTheClientGetsThemEncodedAgain() throws Exception {
        SUMMARIES.clear();
        HOOK_CHUNKS.set(0);
        List<String> got = stream(hooked, false);
        assertEquals(4, HOOK_CHUNKS.get(), "three content chunks and the usage chunk pass the hook");
        assertEquals(3, got.size(), String.valueOf(got));
        assertFalse(got.get(0).contains(", \"object\""), "re-encoded: " + got.get(0));
        assertTrue(got.get(1).contains("h\\u00e9llo") || got.get(1).contains("héllo"), got.get(1));
        RequestSummary s = summary();
        assertEquals(Optional.of(18L), s.usage().map(Usage::totalTokens));
        assertEquals(new ResponseInfo(Optional.of("chatcmpl-pt"), Optional.of("m-1"), List.of("stop")), s.response(),
                "what the decoded chunks said of the answer");
    }
}
