package io.heimdall.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the built distribution exactly as a user would: {@code target/heimdall/bin/heimdall --config <file> --port 0}
 * as a separate process, with JAVA_HOME unset and a Java 17 first on PATH (when the machine has one), so the launcher
 * has to find a Java >= 25 by itself. Then talks to it over HTTP and stops it with SIGTERM.
 */
class DistributionSmokeIT {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);
    private static final Pattern LISTENING = Pattern.compile("Heimdall listening on (http://[^\\s/]+:(\\d+))\\s*$");
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path dist;

    @TempDir
    Path tmp;

    private Gateway gateway;

    @BeforeAll
    static void findDistribution() {
        dist = Path.of(System.getProperty("heimdall.dist", "target/heimdall")).toAbsolutePath();
        assertTrue(Files.isExecutable(dist.resolve("bin/heimdall")),
                "no executable " + dist.resolve("bin/heimdall") + ": run `./mvnw package` (or verify) first");
    }

    @AfterEach
    void stopGateway() {
        if (gateway != null) {
            gateway.process.destroyForcibly();
        }
    }

    @Test
    void servesChatCompletionsThroughTheMockPluginAndStopsOnSigterm() throws Exception {
        Path config = write("smoke.yaml", """
                server:
                  host: 127.0.0.1
                  port: 8080
                providers:
                  mock:
                    type: mock
                models:
                  default:
                    targets:
                      - model: mock/echo
                plugins: []
                """);
        gateway = Gateway.start(dist, tmp, "--config", config.toString(), "--port", "0");
        assertLauncherPickedJava25OrNewer(gateway);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();

        // /health and /ready
        HttpResponse<String> health = http.send(get(gateway.baseUrl + "/health"), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), () -> "/health: " + health.body() + gateway.output());
        HttpResponse<String> ready = http.send(get(gateway.baseUrl + "/ready"), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, ready.statusCode(), () -> "/ready: " + ready.body() + gateway.output());

        // /v1/models answers in the OpenAI list shape
        HttpResponse<String> models = http.send(get(gateway.baseUrl + "/v1/models"), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, models.statusCode(), () -> "/v1/models: " + models.body() + gateway.output());
        assertTrue(JSON.readTree(models.body()).path("data").isArray(), () -> "/v1/models: " + models.body());

        // a provider model addressed directly, with a request id that must come back
        HttpResponse<String> direct = http.send(chat("mock/echo", "hello heimdall", false, "smoke-request-1"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, direct.statusCode(), () -> "mock/echo: " + direct.body() + gateway.output());
        assertEquals(Optional.of("smoke-request-1"), direct.headers().firstValue("x-request-id"),
                () -> "x-request-id not echoed; headers " + direct.headers().map());
        assertChatCompletion(direct.body(), "hello heimdall");

        // the alias from the config
        HttpResponse<String> alias = http.send(chat("default", "hello alias", false, "smoke-request-2"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, alias.statusCode(), () -> "default: " + alias.body() + gateway.output());
        assertEquals(Optional.of("smoke-request-2"), alias.headers().firstValue("x-request-id"));
        assertChatCompletion(alias.body(), "hello alias");

        // streaming: server-sent events of chat.completion.chunk, ending with data: [DONE]
        HttpResponse<Stream<String>> stream = http.send(chat("mock/echo", "hello stream", true, "smoke-request-3"),
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, stream.statusCode(), () -> "stream status" + gateway.output());
        assertTrue(stream.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"),
                () -> "stream content-type: " + stream.headers().map());
        assertEquals(Optional.of("smoke-request-3"), stream.headers().firstValue("x-request-id"));
        List<String> data;
        try (Stream<String> lines = stream.body()) {
            data = lines.filter(l -> l.startsWith("data:")).map(l -> l.substring(5).strip()).toList();
        }
        assertFalse(data.isEmpty(), "no data: lines in the stream");
        assertEquals("[DONE]", data.getLast(), () -> "stream did not end with data: [DONE]: " + data);
        assertTrue(data.size() >= 2, () -> "no chunk before [DONE]: " + data);
        StringBuilder streamed = new StringBuilder();
        for (String chunk : data.subList(0, data.size() - 1)) {
            JsonNode node = JSON.readTree(chunk);
            assertEquals("chat.completion.chunk", node.path("object").asText(), () -> "chunk: " + chunk);
            streamed.append(node.path("choices").path(0).path("delta").path("content").asText(""));
        }
        assertTrue(streamed.toString().contains("hello stream"), () -> "streamed content: " + streamed);

        // SIGTERM (Process.destroy) stops it gracefully, and quickly
        long stopStart = System.nanoTime();
        gateway.process.destroy();
        boolean exited = gateway.process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        long stopMillis = (System.nanoTime() - stopStart) / 1_000_000;
        assertTrue(exited, () -> "still running " + STOP_TIMEOUT + " after SIGTERM" + gateway.output());
        System.out.printf("gateway stopped %d ms after SIGTERM, exit code %d%n", stopMillis, gateway.process.exitValue());
    }

    @Test
    void startsWithTheExampleHookPluginConfigured() throws Exception {
        Path config = write("hook.yaml", """
                server:
                  host: 127.0.0.1
                  port: 8080
                providers:
                  mock:
                    type: mock
                models:
                  default:
                    targets:
                      - model: mock/echo
                plugins:
                  - id: example-header-hook
                    config:
                      header: x-company
                      value: acme
                """);
        gateway = Gateway.start(dist, tmp, "--config", config.toString(), "--port", "0");
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        HttpResponse<String> response = http.send(chat("default", "hello hook", false, "hook-request-1"),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), () -> "with example-header-hook: " + response.body() + gateway.output());
        assertChatCompletion(response.body(), "hello hook");
        gateway.process.destroy();
        assertTrue(gateway.process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), "still running after SIGTERM");
    }

    @Test
    void helpExitsZero() throws Exception {
        ProcessBuilder builder = new ProcessBuilder(dist.resolve("bin/heimdall").toString(), "--help")
                .redirectErrorStream(true);
        java17FirstOnPath(builder.environment());
        Process process = builder.start();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        if (!process.waitFor(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            fail("bin/heimdall --help did not exit within " + START_TIMEOUT);
        }
        String text = output.get(5, TimeUnit.SECONDS);
        assertEquals(0, process.exitValue(), () -> "bin/heimdall --help:\n" + text);
        assertTrue(text.contains("--config") && text.contains("--port"), () -> "bin/heimdall --help:\n" + text);
    }

    // ---------------------------------------------------------------------------------------------------------------

    private Path write(String name, String content) throws IOException {
        return Files.writeString(tmp.resolve(name), content);
    }

    private static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).timeout(REQUEST_TIMEOUT).GET().build();
    }

    private HttpRequest chat(String model, String prompt, boolean stream, String requestId) throws IOException {
        Map<String, Object> body = Map.of(
                "model", model,
                "stream", stream,
                "messages", List.of(Map.of("role", "user", "content", prompt)));
        return HttpRequest.newBuilder(URI.create(gateway.baseUrl + "/v1/chat/completions"))
                .timeout(REQUEST_TIMEOUT)
                .header("content-type", "application/json")
                .header("x-request-id", requestId)
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
                .build();
    }

    private void assertChatCompletion(String body, String prompt) throws IOException {
        JsonNode node = JSON.readTree(body);
        assertEquals("chat.completion", node.path("object").asText(), () -> "not a chat.completion: " + body);
        JsonNode message = node.path("choices").path(0).path("message");
        assertEquals("assistant", message.path("role").asText(), () -> "choices[0].message: " + body);
        assertTrue(message.path("content").asText("").contains(prompt),
                () -> "mock/echo should echo \"" + prompt + "\": " + body);
    }

    /** Linux only: the launcher execs java, so the process is the JVM; check its home is a Java >= 25. */
    private static void assertLauncherPickedJava25OrNewer(Gateway gateway) throws IOException {
        Path exe = Path.of("/proc", Long.toString(gateway.process.pid()), "exe");
        if (!Files.exists(exe)) {
            return;
        }
        Path java = exe.toRealPath();
        Path release = java.getParent().getParent().resolve("release");
        if (!Files.isRegularFile(release)) {
            return;
        }
        Matcher version = Pattern.compile("(?m)^JAVA_VERSION=\"(\\d+)").matcher(Files.readString(release));
        assertTrue(version.find(), () -> "no JAVA_VERSION in " + release);
        assertTrue(Integer.parseInt(version.group(1)) >= 25,
                () -> "the launcher started " + java + " (Java " + version.group(1) + ")" + gateway.output());
    }

    /**
     * The environment of a user without JAVA_HOME whose default java is 17: drops JAVA_HOME (the Maven wrapper sets it
     * to a JDK 25) and every PATH entry that is a JDK's own bin folder, then puts a Java 17 first on PATH if the machine
     * has one. System folders such as /usr/bin stay (the launcher needs sed, sort, ...), with whatever java they hold.
     */
    static void java17FirstOnPath(Map<String, String> env) {
        env.remove("JAVA_HOME");
        env.remove("HEIMDALL_JAVA_OPTS");
        String path = env.getOrDefault("PATH", "/usr/bin:/bin");
        List<String> entries = new ArrayList<>();
        for (String entry : path.split(":")) {
            if (!entry.isEmpty() && !isJdkBin(Path.of(entry))) {
                entries.add(entry);
            }
        }
        findJava17().ifPresent(bin -> entries.addFirst(bin.toString()));
        env.put("PATH", String.join(":", entries));
    }

    private static boolean isJdkBin(Path dir) {
        try {
            Path real = dir.toRealPath();
            return Files.isExecutable(real.resolve("java")) && real.getParent() != null
                    && Files.isRegularFile(real.getParent().resolve("release"));
        } catch (IOException e) {
            return false;
        }
    }

    private static Optional<Path> findJava17() {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> homes = Files.list(jvms)) {
            return homes.filter(home -> home.getFileName().toString().contains("17"))
                    .map(home -> home.resolve("bin"))
                    .filter(bin -> Files.isExecutable(bin.resolve("java")))
                    .sorted()
                    .findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "<" + e + ">";
        }
    }

    /** A started bin/heimdall process, its base URL, and everything it printed (for failure messages). */
    record Gateway(Process process, String baseUrl, List<String> stdout, List<String> stderr) {

        static Gateway start(Path dist, Path workDir, String... args) throws Exception {
            return start(dist, workDir, Map.of(), args);
        }

        static Gateway start(Path dist, Path workDir, Map<String, String> env, String... args) throws Exception {
            List<String> command = new ArrayList<>();
            command.add(dist.resolve("bin/heimdall").toString());
            command.addAll(List.of(args));
            ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
            java17FirstOnPath(builder.environment());
            builder.environment().putAll(env);
            Process process = builder.start();
            List<String> stdout = new ArrayList<>();
            List<String> stderr = new ArrayList<>();
            CompletableFuture<String> listening = new CompletableFuture<>();
            pump(process.getInputStream(), stdout, listening, "heimdall-stdout");
            pump(process.getErrorStream(), stderr, null, "heimdall-stderr");
            process.onExit().thenRun(() -> listening.completeExceptionally(
                    new IllegalStateException("bin/heimdall exited with " + process.exitValue() + " before listening")));
            Gateway gateway = new Gateway(process, "", stdout, stderr);
            String url;
            try {
                url = listening.get(START_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception e) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError("no \"Heimdall listening on\" line within " + START_TIMEOUT + ": " + e
                        + gateway.output(), e);
            }
            return new Gateway(process, url, stdout, stderr);
        }

        private static void pump(InputStream in, List<String> sink, CompletableFuture<String> listening, String name) {
            Thread.ofPlatform().daemon().name(name).start(() -> {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = reader.readLine()) != null) {
                        synchronized (sink) {
                            sink.add(line);
                        }
                        if (listening != null) {
                            Matcher m = LISTENING.matcher(line);
                            if (m.find()) {
                                listening.complete(m.group(1));
                            }
                        }
                    }
                } catch (IOException ignored) {
                    // the process ended
                }
            });
        }

        String output() {
            String out;
            String err;
            synchronized (stdout) {
                out = stdout.stream().collect(Collectors.joining("\n  ", "\n  ", ""));
            }
            synchronized (stderr) {
                err = stderr.stream().collect(Collectors.joining("\n  ", "\n  ", ""));
            }
            return "\n--- gateway stdout:" + out + "\n--- gateway stderr:" + err;
        }
    }
}
