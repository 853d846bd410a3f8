package io.heimdall.core;

import io.heimdall.api.RequestContext;
import io.heimdall.api.cache.CachedAnswer;
import io.heimdall.api.cache.ResponseCache;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.hook.HookOutcome;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.PluginFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A cache stores a streamed answer as the provider sent it, before the chunk hooks, so a replayed hit passes through
 * them exactly once: with a hook that appends "!" to every content delta, the hit reads like the miss, not "!!".
 */
class CacheStoresAsSentTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final Map<String, CachedAnswer> STORE = new ConcurrentHashMap<>();
    static final LinkedBlockingQueue<CachedAnswer> STORED = new LinkedBlockingQueue<>();

    @TempDir
    static Path dir;
    static Gateway gateway;

    /** A cache keyed by the last message's text, and a hook that marks every content delta with "!". */
    static final class MarkingCacheFactory implements PluginFactory {
        @Override
        public String id() {
            return "test-marking-cache";
        }

        @Override
        public Plugin create(PluginConfig config, PluginContext context) {
            ResponseCache cache = new ResponseCache() {
                @Override
                public Optional<CachedAnswer> lookup(ChatRequest request, RequestContext ctx) {
                    return Optional.ofNullable(STORE.get(request.messages().getLast().text()));
                }

                @Override
                public void store(ChatRequest request, CachedAnswer answer, RequestContext ctx) {
                    STORE.put(request.messages().getLast().text(), answer);
                    STORED.add(answer);
                }
            };
            Hook hook = new Hook() {
                @Override
                public HookOutcome<ChatChunk> onChunk(ChatChunk chunk, RequestContext ctx) {
                    List<ChunkChoice> marked = chunk.choices().stream()
                            .map(c -> c.delta().content().isEmpty() ? c : new ChunkChoice(c.index(),
                                    c.delta().toBuilder().content(c.delta().content().get() + "!").build(),
                                    c.finishReason(), c.logprobs()))
                            .toList();
                    return HookOutcome.proceed(new ChatChunk(chunk.id(), chunk.created(), chunk.model(), marked,
                            chunk.usage(), chunk.systemFingerprint(), chunk.extra()));
                }
            };
            return new Plugin() {
                @Override
                public Optional<Hook> hook() {
                    return Optional.of(hook);
                }

                @Override
                public Optional<ResponseCache> cache() {
                    return Optional.of(cache);
                }
            };
        }
    }

    @BeforeAll
    static void start() throws Exception {
        Path config = Files.writeString(dir.resolve("heimdall.yaml"), """
                server: { host: 127.0.0.1, port: 0 }
                providers:
                  alpha: { type: scripted, label: alpha }
                plugins:
                  - { id: test-marking-cache }
                """);
        gateway = Gateway.builder().config(config).port(0).watchConfig(false)
                .factory(new ScriptedProviderFactory())
                .factory(new MarkingCacheFactory())
                .start();
    }

    @AfterAll
    static void stop() {
        gateway.close();
    }

    static String stream(String text) throws Exception {
        String body = "{\"model\":\"alpha/ok\",\"stream\":true,\"messages\":[{\"role\":\"user\",\"content\":\""
                + text + "\"}]}";
        HttpRequest req = HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(20)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> res = HTTP.send(req, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode(), res.body());
        assertTrue(res.body().strip().endsWith("data: [DONE]"), res.body());
        return res.body();
    }

    @Test
    void aStreamIsStoredBeforeTheChunkHooksAndAHitPassesThemOnce() throws Exception {
        String miss = stream("hello there");
        CachedAnswer stored = STORED.poll(10, TimeUnit.SECONDS);
        assertNotNull(stored, "the stream was not stored");
        String storedText = stored.response().choices().getFirst().message().text();
        assertTrue(!storedText.isEmpty() && !storedText.contains("!"), "stored after the hooks: " + storedText);
        assertTrue(stored.chunks().stream().flatMap(c -> c.choices().stream())
                .allMatch(c -> c.delta().content().map(s -> !s.contains("!")).orElse(true)), "chunks as sent");

        String hit = stream("hello there");
        assertTrue(miss.contains("!\""), miss);
        assertTrue(!hit.contains("!!"), "the hit passed the hooks twice: " + hit);
        assertEquals(contentOf(miss), contentOf(hit));
    }

    private static String contentOf(String sse) {
        StringBuilder out = new StringBuilder();
        for (String line : sse.split("\n")) {
            int i = line.indexOf("\"content\":\"");
            if (line.startsWith("data: {") && i >= 0) {
                int start = i + "\"content\":\"".length();
                out.append(line, start, line.indexOf('"', start));
            }
        }
        return out.toString();
    }
}
