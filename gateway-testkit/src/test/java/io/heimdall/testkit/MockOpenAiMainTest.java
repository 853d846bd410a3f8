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
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
