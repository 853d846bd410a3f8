package io.heimdall.plugin.profanityfilter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.RequestContext;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.hook.RequestOutcome;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.ChunkDelta;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.PluginFactory;
import io.heimdall.testkit.MockBehavior;
import io.heimdall.testkit.harness.GatewayHarness;
import io.heimdall.testkit.harness.HttpResult;
import io.heimdall.testkit.harness.StreamResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The filter in a running gateway: requests rejected or masked, responses and split stream chunks masked. */
class ProfanityFilterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Answers a request whose text starts with "split:" itself, as a stream of the pieces separated by "~~~" (three
     * separators are more than a match may span, so the request filter leaves the prompt alone).
     */
    static final class SplitStreamFactory implements PluginFactory {
        @Override
        public String id() {
            return "test-split-stream";
        }

        @Override
        public Plugin create(PluginConfig config, PluginContext context) {
            Hook hook = new Hook() {
                @Override
                public RequestOutcome onRequest(ChatRequest request, RequestContext ctx) {
                    String text = request.messages().getLast().text();
                    if (!text.startsWith("split:")) {
                        return RequestOutcome.proceed(request);
                    }
                    List<String> pieces = List.of(text.substring(6).split("~~~", -1));
                    return RequestOutcome.stream(sink -> {
                        sink.accept(ChatChunk.of("s", 1, request.model(), ChunkChoice.of(0,
                                ChunkDelta.assistantStart(), null)));
                        for (String p : pieces) {
                            sink.accept(ChatChunk.of("s", 1, request.model(), ChunkChoice.of(0, ChunkDelta.text(p),
                                    null)));
                        }
                        sink.accept(ChatChunk.of("s", 1, request.model(), ChunkChoice.of(0, ChunkDelta.EMPTY,
                                FinishReason.STOP)));
                    });
                }
            };
            return new Plugin() {
                @Override
                public Optional<Hook> hook() {
                    return Optional.of(hook);
                }
            };
        }
    }

    @RegisterExtension
    static final GatewayHarness MASK = GatewayHarness.withPlugin(new ProfanityFilterFactory(),
                    Map.of("words", List.of("frak")))
            .plugin(new SplitStreamFactory(), Map.of());

    @TempDir
    static Path dir;

    private static JsonNode body(HttpResult res) throws Exception {
        return JSON.readTree(res.body());
    }

    @Test
    void masksTheRequestBeforeTheUpstreamSeesIt() throws Exception {
        HttpResult res = MASK.chat(GatewayHarness.MODEL, "what the FRAK is this sh1t");
        assertEquals(200, res.status(), res.body());
        String sent = MASK.upstream().lastRequest().orElseThrow().body();
        assertTrue(sent.contains("what the **** is this ****"), sent);
        assertEquals("Echo: what the **** is this ****",
                body(res).path("choices").path(0).path("message").path("content").asText());
    }

    @Test
    void masksAResponse() throws Exception {
        MASK.upstream().enqueue(MockBehavior.reply("Well, f.u.c.k that, and Scunthorpe is fine."));
        HttpResult res = MASK.chat(GatewayHarness.MODEL, "hello");
        assertEquals("Well, ******* that, and Scunthorpe is fine.",
                body(res).path("choices").path(0).path("message").path("content").asText());
    }

    @Test
    void masksAWordSplitAcrossStreamChunks() {
        StreamResult res = MASK.stream(GatewayHarness.MODEL, "split:oh f~~~u~~~ck it, sh~~~it happens~~~, pass~~~ages fine");
        assertEquals(200, res.status(), res.body());
        assertTrue(res.done(), res.body());
        assertEquals("oh **** it, **** happens, passages fine", res.text());
        for (String piece : res.contents()) {
            assertFalse(piece.contains("fu") || piece.contains("sh"), "a prefix leaked: " + res.contents());
        }
    }

    @Test
    void releasesHeldTextWithTheNextChunkAndAtTheEnd() {
        StreamResult res = MASK.stream(GatewayHarness.MODEL, "split:see you at f~~~ive, then sh");
        assertEquals("see you at five, then sh", res.text());
        List<String> contents = res.contents();
        assertEquals("see you at ", contents.get(1), "'f' is held back: it may start a listed word");
        assertEquals("five, then ", contents.get(2), "released with the next chunk");
        assertEquals("sh", contents.getLast(), "the tail is released with the finish_reason chunk");
    }

    @Test
    void streamsFromTheUpstreamAreMasked() {
        MASK.upstream().enqueue(MockBehavior.reply("that is bullshit and you know it"));
        StreamResult res = MASK.stream(GatewayHarness.MODEL, "hello");
        assertEquals("that is ******** and you know it", res.text());
    }

    @Test
    void rejectModeAnswers400NamingTheMessage() throws Exception {
        try (GatewayHarness reject = GatewayHarness.withPlugin(new ProfanityFilterFactory(),
                Map.of("mode", "reject")).start()) {
            String bodyText = GatewayHarness.json(Map.of("model", GatewayHarness.MODEL, "messages", List.of(
                    Map.of("role", "system", "content", "be nice"),
                    Map.of("role", "user", "content", List.of(Map.of("type", "text", "text", "you b!tch"))))));
            HttpResult res = reject.post("/v1/chat/completions", bodyText);
            assertEquals(400, res.status(), res.body());
            JsonNode error = body(res).path("error");
            assertEquals("profanity_detected", error.path("code").asText());
            assertEquals("invalid_request_error", error.path("type").asText());
            assertEquals("messages[1].content", error.path("param").asText());
            assertEquals(0, reject.upstream().requestCount("/v1/chat/completions"));
            assertEquals(200, reject.chat(GatewayHarness.MODEL, "a perfectly nice message").status());
        }
    }

    @Test
    void wordFilesAddWordsAndAMissingFileIsAConfigError() throws Exception {
        Path words = Files.writeString(dir.resolve("words.txt"), "# ours\nsmeg\n\nGIT\n");
        try (GatewayHarness h = GatewayHarness.withPlugin(new ProfanityFilterFactory(), Map.of("builtin", false,
                "word-files", List.of(words.toString()))).start()) {
            HttpResult res = h.chat(GatewayHarness.MODEL, "you smegging git, shit");
            assertEquals("Echo: you ******** ***, shit",
                    body(res).path("choices").path(0).path("message").path("content").asText());
        }
        RuntimeException e = assertThrows(RuntimeException.class, () -> GatewayHarness.withPlugin(
                new ProfanityFilterFactory(), Map.of("word-files", List.of(dir.resolve("nope.txt").toString())))
                .start());
        assertTrue(e.getMessage().contains("word-files") && e.getMessage().contains("nope.txt"), e.getMessage());
    }
}
