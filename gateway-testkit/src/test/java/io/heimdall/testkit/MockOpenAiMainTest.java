package io.heimdall.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the standalone mock as its own JVM, as benchmarks do. */
@Timeout(30)
class MockOpenAiMainTest {
    private static final Pattern READY = Pattern.compile("mock-openai listening on http://127\\.0\\.0\\.1:(\\d+)");

    private static ProcessBuilder launcher(String... flags) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String modulePath = System.getProperty("jdk.module.path");
        assertNotNull(modulePath, "tests run on the module path");
        List<String> command = new java.util.ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-Xmx128m",
                "-p", modulePath, "-m", "io.heimdall.testkit/io.heimdall.testkit.MockOpenAiMain"));
        command.addAll(List.of(flags));
        return new ProcessBuilder(command);
    }

    @Test
    void printsTheReadyLineAndServesUntilKilled() throws Exception {
        Process process = launcher("--port", "0", "--latency-ms", "150")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).get(20, TimeUnit.SECONDS);
            Matcher m = READY.matcher(String.valueOf(line));
            assertTrue(m.matches(), "ready line: " + line);
            int port = Integer.parseInt(m.group(1));

            long start = System.nanoTime();
            HttpResponse<String> res = Http.CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/v1/chat/completions")).timeout(Duration.ofSeconds(10))
                    .POST(HttpRequest.BodyPublishers.ofString(Http.chat("standalone", false))).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertEquals(200, res.statusCode());
            assertTrue(res.body().contains("\"Echo: standalone\""));
            assertTrue(System.nanoTime() - start >= 150_000_000L, "--latency-ms applied");
        } finally {
            process.destroy();
            assertTrue(process.waitFor(10, TimeUnit.SECONDS), "stops on SIGTERM");
        }
    }

    private static int readyPort(Process process) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8));
        String line = CompletableFuture.supplyAsync(() -> {
            try {
                return out.readLine();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }).get(20, TimeUnit.SECONDS);
        Matcher m = READY.matcher(String.valueOf(line));
        assertTrue(m.matches(), "ready line: " + line);
        return Integer.parseInt(m.group(1));
    }

    private static HttpResponse<String> send(int port, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10));
        b = body == null ? b.GET() : b.method(method, HttpRequest.BodyPublishers.ofString(body));
        return Http.CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void persistentModesFromTheCommandLineMatchTheLibrarySeed() throws Exception {
        Process process = launcher("--mode", "status:429:5", "--fail-rate", "0.3", "--fail-status", "503",
                "--seed", "42").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try (MockOpenAiServer local = MockOpenAiServer.start()) {
            int port = readyPort(process);
            local.setDefault(MockBehavior.status(429, 5)).setChaos(0.3, MockBehavior.status(503), 42);
            List<Integer> remote = new java.util.ArrayList<>();
            List<Integer> expected = new java.util.ArrayList<>();
            for (int i = 0; i < 40; i++) {
                HttpResponse<String> res = send(port, "POST", "/v1/chat/completions", Http.chat("x", false));
                remote.add(res.statusCode());
                if (res.statusCode() == 429) {
                    assertEquals(java.util.Optional.of("5"), res.headers().firstValue("retry-after"));
                }
                expected.add(Http.post(local, "/v1/chat/completions", Http.chat("x", false)).statusCode());
            }
            assertEquals(expected, remote, "the same seed fails the same requests");
            assertTrue(remote.contains(503) && remote.contains(429), remote.toString());

            HttpResponse<String> stats = send(port, "GET", "/_mock/stats", null);
            assertEquals(200, stats.statusCode());
            assertEquals(40, Http.json(stats.body()).path("requests").asLong(), stats.body());
            assertTrue(Http.json(stats.body()).path("open_connections").asInt() >= 1, "tracking is on: "
                    + stats.body());
        } finally {
            process.destroy();
            assertTrue(process.waitFor(10, TimeUnit.SECONDS), "stops on SIGTERM");
        }
    }

    @Test
    void parsesTheFaultFlags() {
        MockOpenAiMain.Options plain = MockOpenAiMain.parse("--port", "0", "--latency-ms", "5");
        assertFalse(plain.trackConnections(), "a plain benchmark mock has no relay hop");
        assertTrue(plain.mode().isEmpty());
        assertEquals(0, plain.failRate());

        MockOpenAiMain.Options chaos = MockOpenAiMain.parse("--fail-rate", "0.3", "--fail-status", "500",
                "--seed", "42");
        assertEquals(0.3, chaos.failRate());
        assertEquals("MockBehavior[ERROR 500]", chaos.failure().toString());
        assertEquals(42, chaos.seed());
        assertTrue(chaos.trackConnections());

        MockOpenAiMain.Options mode = MockOpenAiMain.parse("--mode", "status:429:5", "--fail-rate", "0.1",
                "--fail-mode", "reset", "--track-connections", "true", "--host", "::1", "--port", "9000");
        assertEquals("MockBehavior[ERROR 429]", mode.mode().orElseThrow().toString());
        assertEquals(java.util.Map.of("retry-after", "5"), mode.mode().orElseThrow().headers);
        assertEquals(MockBehavior.Kind.RESET, mode.failure().kind);
        assertEquals(9000, mode.port());
        assertEquals("::1", mode.host());
        assertEquals(0, MockOpenAiMain.parse("--fail-rate", "0.5").seed(), "seed 0 by default");
        assertEquals(MockBehavior.Kind.HANG, MockOpenAiMain.parse("--mode", "hang").mode().orElseThrow().kind);
        assertFalse(MockOpenAiMain.parse("--mode", "hang", "--track-connections", "false").trackConnections());
        assertTrue(MockOpenAiMain.parse("--help").help());

        for (String[] bad : List.of(new String[] {"--fail-status", "500"}, new String[] {"--seed", "1"},
                new String[] {"--fail-rate", "1.5"}, new String[] {"--fail-rate", "x"},
                new String[] {"--fail-rate", "0.2", "--fail-status", "200"},
                new String[] {"--fail-rate", "0.2", "--fail-status", "500", "--fail-mode", "hang"},
                new String[] {"--mode", "bogus"}, new String[] {"--mode", "status:abc"},
                new String[] {"--mode", "reset", "--track-connections", "false"},
                new String[] {"--track-connections", "yes"}, new String[] {"--port", "70000"},
                new String[] {"--port"}, new String[] {"--bogus", "1"})) {
            assertThrows(IllegalArgumentException.class, () -> MockOpenAiMain.parse(bad), String.join(" ", bad));
        }
    }

    @Test
    void parsesEveryBehaviourSpelling() {
        record Case(String spec, String shown) {
        }
        for (Case c : List.of(new Case("normal", "MockBehavior[NORMAL]"), new Case("hang", "MockBehavior[HANG]"),
                new Case("reset", "MockBehavior[RESET]"),
                new Case("reset-mid-stream", "MockBehavior[RESET_MID_STREAM after 1 chunks]"),
                new Case("reset-mid-stream:3", "MockBehavior[RESET_MID_STREAM after 3 chunks]"),
                new Case("drop", "MockBehavior[DROP]"),
                new Case("drop-mid-stream:2", "MockBehavior[DROP_MID_STREAM after 2 chunks]"),
                new Case("malformed", "MockBehavior[MALFORMED]"),
                new Case("missing-fields", "MockBehavior[MISSING_FIELDS]"),
                new Case("trickle", "MockBehavior[TRICKLE 16 bytes every PT0.1S]"),
                new Case("trickle:250:4", "MockBehavior[TRICKLE 4 bytes every PT0.25S]"),
                new Case("slow-headers:1500", "MockBehavior[NORMAL delayed PT1.5S]"),
                new Case("status:503", "MockBehavior[ERROR 503]"),
                new Case("stream-error:2", "MockBehavior[STREAM_ERROR after 2 chunks]"))) {
            assertEquals(c.shown(), MockBehavior.parse(c.spec()).toString(), c.spec());
        }
        for (String bad : List.of("", "hang:1", "status", "status:200", "status:429:x", "trickle:0",
                "reset-mid-stream:0", "slow-headers", "nope")) {
            assertThrows(IllegalArgumentException.class, () -> MockBehavior.parse(bad), bad);
        }
    }

    @Test
    void rejectsUnknownFlags() throws Exception {
        Process process = launcher("--bogus", "1").redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            assertTrue(process.waitFor(20, TimeUnit.SECONDS));
            assertEquals(2, process.exitValue());
        } finally {
            process.destroyForcibly();
        }
    }
}
