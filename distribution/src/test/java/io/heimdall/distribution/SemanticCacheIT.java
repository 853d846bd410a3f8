package io.heimdall.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.testkit.MockOpenAiServer;
import org.junit.jupiter.api.AfterEach;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged distribution ({@code bin/heimdall}) with the shipped {@code semantic-cache} and
 * {@code local-embeddings} plugin folders, in front of a {@link MockOpenAiServer}: embeddings from the bundled model,
 * exact, semantic and near-miss lookups, a streamed answer replayed, the index surviving a restart (SIGTERM, then a
 * new process), and the cache embedding through a configured {@code local-embeddings} provider.
 */
class SemanticCacheIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static Path dist;

    @TempDir
    Path tmp;
    private final List<DistributionSmokeIT.Gateway> started = new ArrayList<>();
    private MockOpenAiServer upstream;

    @BeforeAll
    static void findDistribution() {
        dist = Path.of(System.getProperty("heimdall.dist", "target/heimdall")).toAbsolutePath();
        assertTrue(Files.isExecutable(dist.resolve("bin/heimdall")), "no " + dist.resolve("bin/heimdall"));
    }

    @AfterEach
    void stop() {
        started.forEach(g -> g.process().destroyForcibly());
        if (upstream != null) {
            upstream.close();
        }
    }

    private DistributionSmokeIT.Gateway start(String cacheConfig) throws Exception {
        Path config = tmp.resolve("heimdall-" + started.size() + ".yaml");
        Files.writeString(config, """
                server: { host: 127.0.0.1, port: 0 }
                providers:
                  up: { type: openai-compatible, base-url: "%s" }
                  emb: { type: local-embeddings }
                plugins:
                  - id: semantic-cache
                    config: { directory: "%s", commit-interval: 100ms %s }
                """.formatted(upstream.baseUrl(), tmp.resolve("cache"), cacheConfig));
        DistributionSmokeIT.Gateway g = DistributionSmokeIT.Gateway.start(dist, tmp, "--config", config.toString(),
                "--port", "0");
        started.add(g);
        return g;
    }

    private record Reply(int status, String cache, String body) {
    }

    private static Reply post(DistributionSmokeIT.Gateway g, String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(g.baseUrl() + path))
                .timeout(Duration.ofSeconds(60)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.headers().firstValue("x-heimdall-cache").orElse(""), r.body());
    }

    private static Reply chat(DistributionSmokeIT.Gateway g, String prompt, boolean stream) throws Exception {
        return post(g, "/v1/chat/completions", """
                {"model":"up/gpt-4o-mini","stream":%s,"messages":[{"role":"user","content":%s}]}"""
                .formatted(stream, JSON.getNodeFactory().textNode(prompt)));
    }

    /** Asks until the cache answers (the store runs after the response), at most 20 s. */
    private static Reply awaitCached(DistributionSmokeIT.Gateway g, String prompt, boolean stream) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Reply r = chat(g, prompt, stream);
        while (r.cache().equals("miss") && System.nanoTime() < end) {
            Thread.sleep(50);
            r = chat(g, prompt, stream);
        }
        return r;
    }

    @Test
    void cachesExactlyAndSemanticallyReplaysStreamsAndSurvivesARestart() throws Exception {
        upstream = MockOpenAiServer.start();
        DistributionSmokeIT.Gateway g = start("");

        Reply emb = post(g, "/v1/embeddings", "{\"model\":\"emb/all-minilm-l6-v2\",\"input\":\"hello\"}");
        assertEquals(200, emb.status(), emb.body() + g.output());
        assertEquals(384, JSON.readTree(emb.body()).at("/data/0/embedding").size());

        Reply first = chat(g, "What is the capital of France?", false);
        assertEquals(200, first.status(), first.body() + g.output());
        assertEquals("miss", first.cache());
        assertEquals("exact", awaitCached(g, "What is the capital of France?", false).cache(), g.output());
        Reply para = chat(g, "Which city is the capital of France?", false);
        assertEquals("semantic", para.cache(), para.body());
        assertEquals(MockOpenAiServer.echo("What is the capital of France?"), text(para.body()));
        Reply near = chat(g, "What is the capital of Germany?", false);
        assertEquals("miss", near.cache());
        assertEquals(MockOpenAiServer.echo("What is the capital of Germany?"), text(near.body()));

        String streamed = "Name three moons of Jupiter";
        Reply live = chat(g, streamed, true);
        Reply replay = awaitCached(g, streamed, true);
        assertEquals("exact", replay.cache());
        assertEquals(sse(live.body()), sse(replay.body()));
        assertTrue(replay.body().strip().endsWith("data: [DONE]"), replay.body());
        assertFalse(String.join("\n", g.stderr()).contains("was not loaded"), g.output());

        g.process().destroy();
        assertTrue(g.process().waitFor(30, TimeUnit.SECONDS), "no exit after SIGTERM" + g.output());
        DistributionSmokeIT.Gateway again = start("");
        long calls = upstream.requestCount();
        assertEquals("exact", chat(again, "What is the capital of France?", false).cache(), again.output());
        assertEquals("semantic", chat(again, "Which city is the capital of France?", false).cache());
        assertEquals(calls, upstream.requestCount(), "hits after the restart reached the upstream");
    }

    @Test
    void embedsThroughAConfiguredLocalEmbeddingsProvider() throws Exception {
        upstream = MockOpenAiServer.start();
        DistributionSmokeIT.Gateway g = start(", embedder: emb/all-minilm-l6-v2");
        chat(g, "How tall is the Eiffel Tower?", false);
        assertEquals("exact", awaitCached(g, "How tall is the Eiffel Tower?", false).cache(), g.output());
        assertEquals("semantic", chat(g, "What is the height of the Eiffel Tower?", false).cache(), g.output());
        assertEquals("miss", chat(g, "How tall is the Statue of Liberty?", false).cache());
    }

    private static String text(String body) throws Exception {
        return JSON.readTree(body).at("/choices/0/message/content").asText();
    }

    private static String sse(String body) throws Exception {
        StringBuilder out = new StringBuilder();
        for (String line : body.split("\n")) {
            if (line.startsWith("data: {")) {
                JsonNode d = JSON.readTree(line.substring(6)).at("/choices/0/delta/content");
                out.append(d.isMissingNode() || d.isNull() ? "" : d.asText());
            }
        }
        return out.toString();
    }
}
