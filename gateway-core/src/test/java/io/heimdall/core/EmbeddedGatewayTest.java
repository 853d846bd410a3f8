package io.heimdall.core;

import io.heimdall.api.GatewayException;
import io.heimdall.api.RequestContext;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.model.ModelInfo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The gateway as a library: built without its HTTP server and called in process. */
class EmbeddedGatewayTest {
    private static String config(int port, String label) {
        return """
                server: { host: 127.0.0.1, port: %d }
                providers:
                  p: { type: scripted, label: %s }
                models:
                  m: { targets: [ { model: p/ok } ] }
                plugins:
                  - { id: test-guard }
                """.formatted(port, label);
    }

    private static ChatRequest ask(String text) {
        return ChatRequest.builder().model("m").addMessage(ChatMessage.user(text)).build();
    }

    private static String text(ChatResponse r) {
        return r.choices().getFirst().message().text();
    }

    @Test
    void chatStreamEmbedAndModelsRunInProcessThroughTheHooksWithoutOpeningAPort(@TempDir Path dir)
            throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Path file = Files.writeString(dir.resolve("heimdall.yaml"), config(port, "alpha"));
        try (Gateway gw = Gateway.builder().config(file).http(false).watchConfig(false)
                .factory(new ScriptedProviderFactory()).factory(new RejectingHookFactory()).start()) {
            assertFalse(gw.serving(), "no HTTP server was built");
            IllegalStateException noPort = assertThrows(IllegalStateException.class, gw::port);
            assertTrue(noPort.getMessage().contains("http(false)"), noPort.getMessage());
            assertThrows(IllegalStateException.class, gw::baseUrl);
            try (ServerSocket free = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
                assertEquals(port, free.getLocalPort(), "the configured port is not taken by the gateway");
            }

            assertEquals("alpha: hello", text(gw.chat(ask("hello"))));
            assertEquals("pong", text(gw.chat(ask("ping"))), "the hook answered");
            GatewayException rejected = assertThrows(GatewayException.class, () -> gw.chat(ask("forbidden word")));
            assertEquals(400, rejected.error().status());
            assertEquals("content_rejected", rejected.error().code().orElseThrow());

            List<ChatChunk> chunks = new ArrayList<>();
            gw.stream(ask("streamed words"), chunks::add);
            StringBuilder streamed = new StringBuilder();
            for (ChatChunk c : chunks) {
                c.choices().forEach(choice -> choice.delta().content().ifPresent(streamed::append));
            }
            assertEquals("alpha: streamed words", streamed.toString().strip());
            assertThrows(GatewayException.class, () -> gw.stream(ask("forbidden"), chunks::add));

            EmbeddingResponse embedded = gw.embed(EmbeddingRequest.of("p/ok", List.of("a", "b")));
            assertEquals(2, embedded.data().size());

            List<String> models = gw.models().stream().map(ModelInfo::id).toList();
            assertEquals(List.of("m", "p/ok"), models);

            RequestContext ctx = gw.newContext("embedder-1", Instant.now().plus(Duration.ofSeconds(5)));
            assertEquals("embedder-1", ctx.requestId());
            ScriptedProviderFactory.CALLS.clear();
            assertEquals("alpha: via pipeline", text(gw.pipeline().chat(ask("via pipeline"), ctx)));
            assertEquals("yes", ScriptedProviderFactory.CALLS.peek().upstreamHeaders().get("x-guarded"),
                    "the hook set an upstream header on the embedder's context");
            assertTrue(gw.newContext().requestId().startsWith("req_"));

            Files.writeString(file, config(port, "beta"));
            assertEquals(List.of(), gw.reload());
            assertEquals("beta: hello", text(gw.chat(ask("hello"))), "a reload applies in process too");
        }
    }

    @Test
    @Timeout(120)
    void anApplicationOnTheClassPathEmbedsItAndItsServicesFilesDeclareFactories(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("heimdall.yaml"), """
                providers:
                  p: { type: scripted, label: cp }
                models:
                  m: { targets: [ { model: p/ok } ] }
                plugins:
                  - { id: classpath-tag }
                """);
        List<String> classPath = new ArrayList<>();
        classPath.add(Path.of(System.getProperty("basedir", ".")).resolve("target/test-classes").toString());
        for (String property : List.of("jdk.module.path", "java.class.path")) {
            for (String entry : System.getProperty(property, "").split(File.pathSeparator)) {
                if (!entry.isBlank()) {
                    classPath.add(entry);
                }
            }
        }
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", String.join(File.pathSeparator, classPath), ClassPathEmbedding.class.getName(), file.toString())
                .redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), output);
        assertEquals(0, process.exitValue(), output);
        List<String> lines = output.lines().filter(l -> l.matches("(module|plugins|chat|models) .*")).toList();
        assertEquals(List.of("module false", "plugins [classpath-tag]", "chat cp: hello",
                "chat tagged on the class path", "models [m, p/ok]"), lines, output);
    }
}
