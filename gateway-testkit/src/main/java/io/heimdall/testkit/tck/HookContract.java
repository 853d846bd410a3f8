package io.heimdall.testkit.tck;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.plugin.PluginFactory;
import io.heimdall.testkit.MockOpenAiServer;
import io.heimdall.testkit.harness.GatewayHarness;
import io.heimdall.testkit.harness.StreamResult;
import io.heimdall.testkit.internal.ProbeHookFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import io.heimdall.testkit.harness.HttpResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Contract tests every hook plugin must pass: extend it in your plugin's tests and give the factory and a config
 * under which {@link #benignPrompt()} is let through unchanged. The plugin runs in a {@link GatewayHarness} between
 * two recording probe hooks ({@code contract-before}, the plugin, {@code contract-after}) over a mock upstream that
 * echoes the prompt. Checked: hook order before and after the upstream, a short-circuit answer by a later hook, a
 * stream passing through chunk by chunk, and concurrent requests not mixing up their state.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class HookContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Queue<String> events = new ConcurrentLinkedQueue<>();
    private GatewayHarness harness;

    /** For subclasses. */
    protected HookContract() {
    }

    /** The factory of the plugin under test. */
    protected abstract PluginFactory factory();

    /** A config of the plugin under which {@link #benignPrompt()} passes unchanged. */
    protected abstract Map<String, Object> config();

    /** A prompt the plugin lets through, answered by the mock upstream with {@code "Echo: " + prompt}. */
    protected String benignPrompt() {
        return "Hello there, how is the weather today";
    }

    /** The model the requests use. */
    protected String model() {
        return GatewayHarness.MODEL;
    }

    /** Starts the harness: the probes around the plugin. */
    @BeforeAll
    public final void startHarness() {
        harness = GatewayHarness.create()
                .plugin(new ProbeHookFactory("contract-before", events), Map.of())
                .plugin(factory(), config())
                .plugin(new ProbeHookFactory("contract-after", events), Map.of())
                .start();
    }

    /** Stops the harness. */
    @AfterAll
    public final void stopHarness() {
        if (harness != null) {
            harness.close();
        }
    }

    /** Resets the upstream and the recorded events. */
    @BeforeEach
    public final void resetUpstream() {
        harness.upstream().reset();
        events.clear();
    }

    private HttpResult send(String id, String prompt, boolean stream, Map<String, String> headers) {
        Map<String, String> h = new java.util.HashMap<>(headers);
        h.put("x-request-id", id);
        return harness.post("/v1/chat/completions", GatewayHarness.chatBody(model(), prompt, stream), h);
    }

    private List<String> eventsOf(String id) {
        List<String> out = new ArrayList<>();
        for (String e : events) {
            if (e.endsWith(":" + id) && !e.contains(":onChunk:")) {
                out.add(e.substring(0, e.length() - id.length() - 1));
            }
        }
        return out;
    }

    private static String content(HttpResult res) throws Exception {
        JsonNode body = JSON.readTree(res.body());
        return body.path("choices").path(0).path("message").path("content").asText();
    }

    /** Hooks run in list order before the upstream and in reverse order after it. */
    @Test
    public void hooksRunInOrderAroundThePlugin() throws Exception {
        String id = "contract-" + UUID.randomUUID();
        HttpResult res = send(id, benignPrompt(), false, Map.of());
        assertEquals(200, res.status(), res.body());
        assertEquals(MockOpenAiServer.echo(benignPrompt()), content(res), "the plugin changed a benign answer");
        assertEquals(List.of("contract-before:onRequest", "contract-after:onRequest", "contract-after:onResponse",
                "contract-before:onResponse"), eventsOf(id));
        assertEquals(1, harness.upstream().requestCount("/v1/chat/completions"));
    }

    /** A later hook that answers itself skips the upstream; the plugin copes with a response it did not route. */
    @Test
    public void aLaterHookMayAnswerInstead() throws Exception {
        String id = "contract-" + UUID.randomUUID();
        HttpResult res = send(id, benignPrompt(), false, Map.of("x-contract-answer", "contract-after"));
        assertEquals(200, res.status(), res.body());
        assertEquals(ProbeHookFactory.ANSWER, content(res));
        assertEquals(0, harness.upstream().requestCount("/v1/chat/completions"));
        assertEquals(List.of("contract-before:onRequest", "contract-after:onRequest", "contract-after:onResponse",
                "contract-before:onResponse"), eventsOf(id));
    }

    /** An earlier hook that answers itself means the plugin's hook is not called at all. */
    @Test
    public void anEarlierHookAnsweringSkipsThePlugin() throws Exception {
        String id = "contract-" + UUID.randomUUID();
        HttpResult res = send(id, benignPrompt(), false, Map.of("x-contract-answer", "contract-before"));
        assertEquals(200, res.status(), res.body());
        assertEquals(ProbeHookFactory.ANSWER, content(res));
        assertEquals(List.of("contract-before:onRequest", "contract-before:onResponse"), eventsOf(id));
    }

    /** A stream passes the plugin chunk by chunk and carries the same text as the whole answer. */
    @Test
    public void streamsPassChunkByChunk() {
        String id = "contract-" + UUID.randomUUID();
        StreamResult res = StreamResult.of(send(id, benignPrompt(), true, Map.of()));
        assertEquals(200, res.status(), res.body());
        assertTrue(res.done(), "the stream ends with [DONE]: " + res.body());
        assertEquals(MockOpenAiServer.echo(benignPrompt()), res.text());
        long chunks = events.stream().filter(e -> e.equals("contract-after:onChunk:" + id)).count();
        assertTrue(chunks >= 2, "the hook after the plugin saw " + chunks + " chunks");
        assertEquals(chunks, events.stream().filter(e -> e.equals("contract-before:onChunk:" + id)).count());
    }

    /** Concurrent requests, plain and streamed, each get their own answer. */
    @Test
    public void concurrentRequestsKeepTheirOwnState() throws Exception {
        int n = 24;
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<String>> answers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                String prompt = benignPrompt() + " number " + i;
                boolean stream = i % 2 == 0;
                answers.add(pool.submit(() -> {
                    HttpResult res = send("contract-c" + prompt.hashCode(), prompt, stream, Map.of());
                    assertEquals(200, res.status(), res.body());
                    return stream ? StreamResult.of(res).text() : content(res);
                }));
            }
            for (int i = 0; i < n; i++) {
                assertEquals(MockOpenAiServer.echo(benignPrompt() + " number " + i), answers.get(i).get());
            }
        }
    }
}
