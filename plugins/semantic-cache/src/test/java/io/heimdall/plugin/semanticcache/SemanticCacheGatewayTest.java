package io.heimdall.plugin.semanticcache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.core.Gateway;
import io.heimdall.testkit.MockOpenAiServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cache in a real gateway on an ephemeral port, found through its module descriptor, in front of a
 * {@link MockOpenAiServer} (provider type {@code openai-compatible}), with the bundled embedder. Each test uses its
 * own namespace, so tests do not see each other's entries.
 */
class SemanticCacheGatewayTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CHAT = "/v1/chat/completions";

    @TempDir
    static Path dir;
    static MockOpenAiServer upstream;
    static Gateway gateway;

    @BeforeAll
    static void start() throws Exception {
        upstream = MockOpenAiServer.start();
        gateway = startGateway(dir.resolve("cache"));
    }

    static Gateway startGateway(Path cacheDir) throws Exception {
        Path config = Files.createTempFile(dir, "heimdall", ".yaml");
        Files.writeString(config, """
                server: { host: 127.0.0.1, port: 0 }
                providers:
                  up: { type: openai-compatible, base-url: "%s" }
                plugins:
                  - id: semantic-cache
                    config: { directory: "%s", purge-interval: 200ms, commit-interval: 100ms, max-temperature: 1.0,
                              merge-when-idle: 100ms }
                """.formatted(upstream.baseUrl(), cacheDir.toString().replace("\\", "/")));
        return Gateway.builder().config(config).port(0).watchConfig(false).start();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        if (upstream != null) {
            upstream.close();
        }
    }

    static String body(String prompt, boolean stream) {
        return """
                {"model":"up/gpt-4o-mini","stream":%s,"messages":[{"role":"user","content":%s}]}"""
                .formatted(stream, JSON.getNodeFactory().textNode(prompt));
    }

    static Http.Reply chat(Gateway g, String prompt, String namespace, Map<String, String> more) throws Exception {
        Map<String, String> headers = new HashMap<>(more);
        headers.put("x-heimdall-cache-namespace", namespace);
        return Http.call(g.baseUrl(), "POST", CHAT, body(prompt, false), headers);
    }

    static Http.Reply chat(String prompt, String namespace) throws Exception {
        return chat(gateway, prompt, namespace, Map.of());
    }

    /** Asks until the answer comes from the cache (the store runs after the response), at most 10 s. */
    static Http.Reply awaitHit(Gateway g, String prompt, String namespace) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            Http.Reply r = chat(g, prompt, namespace, Map.of("x-heimdall-cache-no-store", "true"));
            if (!r.cache().equals("miss") || System.nanoTime() > end) {
                return r;
            }
            Thread.sleep(20);
        }
    }

    static String content(String body) throws Exception {
        return JSON.readTree(body).at("/choices/0/message/content").asText();
    }

    @Test
    void exactHitIsServedFromTheCacheWithItsHeaders() throws Exception {
        Http.Reply first = chat("What is the capital of France?", "exact");
        assertEquals(200, first.status(), first.body());
        assertEquals("miss", first.cache());
        assertEquals("exact", awaitHit(gateway, "What is the capital of France?", "exact").cache());
        long calls = upstream.requestCount();
        Http.Reply hit = chat("What is the capital of France?", "exact");
        assertEquals("exact", hit.cache(), hit.body());
        assertEquals("1.0000", hit.score());
        assertEquals(first.key(), hit.key());
        assertEquals(content(first.body()), content(hit.body()));
        assertEquals(calls, upstream.requestCount(), "a hit must not reach the upstream");
        assertTrue(hit.lookupMicros().matches("[0-9]+"), hit.lookupMicros());
        assertTrue(first.lookupMicros().matches("[0-9]+"), "a miss reports its lookup time too");
    }

    @Test
    void paraphraseHitsTheSemanticTierAndNearMissDoesNot() throws Exception {
        chat("What is the capital of Japan?", "para");
        awaitHit(gateway, "What is the capital of Japan?", "para");
        Http.Reply para = chat("Which city is the capital of Japan?", "para");
        assertEquals("semantic", para.cache(), para.body());
        assertTrue(Double.parseDouble(para.score()) >= Settings.DEFAULT_THRESHOLD, para.score());
        assertEquals(MockOpenAiServer.echo("What is the capital of Japan?"), content(para.body()));

        long calls = upstream.requestCount();
        Http.Reply near = chat("What is the capital of China?", "para");
        assertEquals("miss", near.cache(), near.body());
        assertEquals(MockOpenAiServer.echo("What is the capital of China?"), content(near.body()));
        assertEquals(calls + 1, upstream.requestCount());
    }

    @Test
    void namespacesAreIsolatedAndCanBeInvalidated() throws Exception {
        chat("Who wrote the Odyssey?", "tenant-a");
        assertEquals("exact", awaitHit(gateway, "Who wrote the Odyssey?", "tenant-a").cache());
        assertEquals("miss", chat("Who wrote the Odyssey?", "tenant-b").cache());
        Http.Reply del = Http.call(gateway.baseUrl(), "DELETE", "/v1/semantic-cache/namespaces/tenant-a", null,
                Map.of());
        assertEquals(200, del.status(), del.body());
        assertTrue(JSON.readTree(del.body()).get("deleted").asLong() >= 1, del.body());
        assertEquals("miss", chat(gateway, "Who wrote the Odyssey?", "tenant-a",
                Map.of("x-heimdall-cache-no-store", "true")).cache());
    }

    @Test
    void entriesExpireAfterTheirTtl() throws Exception {
        chat(gateway, "How many legs does a spider have?", "ttl", Map.of("x-heimdall-cache-ttl", "1s"));
        assertEquals("exact", awaitHit(gateway, "How many legs does a spider have?", "ttl").cache());
        long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String seen = "exact";
        while (!seen.equals("miss") && System.nanoTime() < end) {
            Thread.sleep(100);
            seen = chat(gateway, "How many legs does a spider have?", "ttl",
                    Map.of("x-heimdall-cache-no-store", "true")).cache();
        }
        assertEquals("miss", seen);
    }

    @Test
    void noCacheBypassesAndNoStoreDoesNotStoreAndHotRequestsAreNotCached() throws Exception {
        chat("What is the speed of light?", "controls");
        assertEquals("exact", awaitHit(gateway, "What is the speed of light?", "controls").cache());
        assertEquals("miss", chat(gateway, "What is the speed of light?", "controls",
                Map.of("x-heimdall-cache-no-cache", "true")).cache());

        chat(gateway, "What is the speed of sound?", "controls", Map.of("x-heimdall-cache-no-store", "1"));
        String hot = """
                {"model":"up/gpt-4o-mini","temperature":1.5,"messages":[{"role":"user","content":"Tell a story"}]}""";
        Http.call(gateway.baseUrl(), "POST", CHAT, hot, Map.of("x-heimdall-cache-namespace", "controls"));
        Thread.sleep(300);
        assertEquals("miss", chat("What is the speed of sound?", "controls").cache());
        Http.Reply again = Http.call(gateway.baseUrl(), "POST", CHAT, hot,
                Map.of("x-heimdall-cache-namespace", "controls"));
        assertEquals("miss", again.cache());
    }

    @Test
    void aStreamIsStoredWhenCompleteAndReplayedAsSse() throws Exception {
        String prompt = "Tell me three facts about the Moon please";
        Map<String, String> ns = Map.of("x-heimdall-cache-namespace", "stream");
        Http.Reply live = Http.call(gateway.baseUrl(), "POST", CHAT, body(prompt, true), ns);
        assertEquals(200, live.status(), live.body());
        assertEquals("miss", live.cache());
        awaitHit(gateway, prompt, "stream");
        Http.Reply replay = Http.call(gateway.baseUrl(), "POST", CHAT, body(prompt, true), ns);
        assertEquals("exact", replay.cache());
        assertTrue(replay.contentType().startsWith("text/event-stream"), replay.contentType());
        assertEquals(sseText(live.body()), sseText(replay.body()));
        assertTrue(replay.body().strip().endsWith("data: [DONE]"), replay.body());
        // The non-streamed form of the same request is answered from the streamed entry.
        Http.Reply whole = chat(prompt, "stream");
        assertEquals("exact", whole.cache());
        assertEquals(sseText(live.body()), content(whole.body()));
    }

    /** The text of an SSE chat stream, checking every event is valid JSON. */
    static String sseText(String sse) throws Exception {
        StringBuilder out = new StringBuilder();
        for (String line : sse.split("\n")) {
            if (!line.startsWith("data: ") || line.equals("data: [DONE]")) {
                continue;
            }
            JsonNode chunk = JSON.readTree(line.substring(6));
            assertEquals("chat.completion.chunk", chunk.get("object").asText(), line);
            JsonNode delta = chunk.at("/choices/0/delta/content");
            if (!delta.isMissingNode() && !delta.isNull()) {
                out.append(delta.asText());
            }
        }
        return out.toString();
    }

    @Test
    void concurrentReadersAndWritersAllSucceed() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Http.Reply>> replies = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                String prompt = "Concurrent question number " + (i % 8) + " about caching";
                replies.add(pool.submit(() -> chat(prompt, "concurrent")));
            }
            for (Future<Http.Reply> f : replies) {
                Http.Reply r = f.get();
                assertEquals(200, r.status(), r.body());
                assertTrue(List.of("miss", "exact", "semantic").contains(r.cache()), r.cache());
            }
        } finally {
            pool.shutdown();
        }
        for (int i = 0; i < 8; i++) {
            String prompt = "Concurrent question number " + i + " about caching";
            Http.Reply r = awaitHit(gateway, prompt, "concurrent");
            assertEquals("exact", r.cache(), prompt);
            assertEquals(MockOpenAiServer.echo(prompt), content(r.body()));
        }
        Http.Reply stats = Http.call(gateway.baseUrl(), "GET", "/v1/semantic-cache/stats", null, Map.of());
        assertEquals(200, stats.status(), stats.body());
        assertEquals(0, JSON.readTree(stats.body()).get("errors").asLong(), stats.body());
        // Writes have paused: the index is merged into one segment in the background (merge-when-idle: 100ms).
        for (int tries = 0; tries < 200 && JSON.readTree(stats.body()).get("segments").asInt() != 1; tries++) {
            Thread.sleep(50);
            stats = Http.call(gateway.baseUrl(), "GET", "/v1/semantic-cache/stats", null, Map.of());
        }
        assertEquals(1, JSON.readTree(stats.body()).get("segments").asInt(), stats.body());
        // (merges_when_idle counts the idle merges; Lucene's own merges may have got there first)
        assertTrue(JSON.readTree(stats.body()).has("merges_when_idle"), stats.body());
        for (int i = 0; i < 8; i++) { // still there after the merge
            assertEquals("exact", chat("Concurrent question number " + i + " about caching", "concurrent").cache());
        }
    }

    @Test
    void anEntryCanBeInvalidatedByItsKey() throws Exception {
        Http.Reply first = chat("What is the boiling point of water?", "entry");
        assertEquals("exact", awaitHit(gateway, "What is the boiling point of water?", "entry").cache());
        Http.Reply del = Http.call(gateway.baseUrl(), "DELETE", "/v1/semantic-cache/entries/" + first.key(), null,
                Map.of());
        assertEquals(200, del.status(), del.body());
        Http.Reply gone = Http.call(gateway.baseUrl(), "DELETE", "/v1/semantic-cache/entries/" + first.key(), null,
                Map.of());
        assertEquals(404, gone.status(), gone.body());
        assertTrue(gone.body().contains("\"error\""), gone.body());
        assertFalse(chat(gateway, "What is the boiling point of water?", "entry",
                Map.of("x-heimdall-cache-no-store", "true")).cache().equals("exact"));
    }

    @Test
    void entriesSurviveARestart(@TempDir Path own) throws Exception {
        Path cacheDir = own.resolve("cache");
        String answer;
        try (Gateway g = startGateway(cacheDir)) {
            Http.Reply first = chat(g, "What is the currency of Switzerland?", "restart", Map.of());
            answer = content(first.body());
            assertEquals("exact", awaitHit(g, "What is the currency of Switzerland?", "restart").cache());
        }
        try (Gateway g = startGateway(cacheDir)) {
            long calls = upstream.requestCount();
            Http.Reply hit = chat(g, "What is the currency of Switzerland?", "restart",
                    Map.of("x-heimdall-cache-no-store", "true"));
            assertEquals("exact", hit.cache(), hit.body());
            assertEquals(answer, content(hit.body()));
            Http.Reply para = chat(g, "Which currency is used in Switzerland?", "restart",
                    Map.of("x-heimdall-cache-no-store", "true"));
            assertEquals("semantic", para.cache(), para.body());
            assertEquals(calls, upstream.requestCount());
        }
    }
}
