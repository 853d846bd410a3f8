package io.heimdall.distribution;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.testkit.MockOpenAiServer;
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
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot reload through the real distribution: {@code bin/heimdall --config <temp file> --port 0} as a process, the config
 * file edited under it. A valid change applies within seconds without a restart; an invalid one is logged (with the
 * file's path and the problem's path) while the old config keeps serving; a valid one after it applies again. A client
 * keeps calling an alias that every version has, and must never see a failure; a stream in flight while its provider
 * is removed finishes on the config it started with.
 */
@Timeout(120)
class HotReloadIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /** "Within a few seconds": inotify plus a 150 ms debounce, or at worst the 2 s content poll. */
    private static final Duration APPLY_WITHIN = Duration.ofSeconds(6);

    private static Path dist;

    @TempDir
    Path tmp;

    private DistributionSmokeIT.Gateway gateway;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void findDistribution() {
        dist = Path.of(System.getProperty("heimdall.dist", "target/heimdall")).toAbsolutePath();
        assertTrue(Files.isExecutable(dist.resolve("bin/heimdall")), "no " + dist.resolve("bin/heimdall"));
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (gateway != null) {
            gateway.process().destroy();
            if (!gateway.process().waitFor(10, TimeUnit.SECONDS)) {
                gateway.process().destroyForcibly();
            }
        }
        http.close();
    }

    private static String config(String extraAliases) {
        return """
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
                """ + extraAliases;
    }

    @Test
    void validChangesApplyWithoutRestartAndInvalidOnesAreLoggedAndIgnored() throws Exception {
        Path file = tmp.resolve("hot.yaml");
        Files.writeString(file, config(""));
        gateway = DistributionSmokeIT.Gateway.start(dist, tmp, "--config", file.toString(), "--port", "0");
        long pid = gateway.process().pid();
        assertEquals(404, chat("fresh", "not yet").statusCode(), "alias 'fresh' before the edit");

        // A client that keeps using 'default' during every reload below.
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger served = new AtomicInteger();
        List<String> background = Collections.synchronizedList(new ArrayList<>());
        Thread client = Thread.ofVirtual().start(() -> {
            while (running.get()) {
                try {
                    HttpResponse<String> res = chat("default", "keep going");
                    if (res.statusCode() == 200 && res.body().contains("Echo: keep going")) {
                        served.incrementAndGet();
                    } else {
                        background.add(res.statusCode() + " " + res.body());
                    }
                } catch (Exception e) {
                    background.add(e.toString());
                }
            }
        });

        // 1. Add an alias, writing the file in place.
        long start = System.nanoTime();
        Files.writeString(file, config("""
                  fresh:
                    targets:
                      - model: mock/echo
                """));
        awaitTrue("alias 'fresh' to work after the edit", () -> status("fresh") == 200);
        long appliedMillis = (System.nanoTime() - start) / 1_000_000;
        System.out.printf("hot reload applied after %d ms%n", appliedMillis);
        assertTrue(logged("Config reloaded from " + file), "no 'Config reloaded' line" + gateway.output());
        String echo = JSON.readTree(chat("fresh", "fresh alias").body()).at("/choices/0/message/content").asText();
        assertEquals("Echo: fresh alias", echo);

        // 2. An invalid config: an alias to an unknown provider, and 'fresh' gone. Logged, not applied.
        Files.writeString(file, config("""
                  broken:
                    targets:
                      - model: nosuch/echo
                """));
        awaitTrue("the rejected change to be logged", () -> logged("rejected") && logged("nosuch"));
        String rejection = lineWith("rejected");
        assertTrue(rejection.contains(file.toString()), "the log names the file: " + rejection);
        assertTrue(logged("models.broken.targets[0].model"), "the log names the problem's path" + gateway.output());
        assertEquals(200, status("fresh"), "the old config keeps serving");
        assertEquals(404, status("broken"), "the invalid config was not applied");

        // 3. Not even YAML: also logged, also ignored.
        int rejectionsBefore = count("rejected");
        Files.writeString(file, "providers: [ this is { not yaml\n");
        awaitTrue("the second rejection to be logged", () -> count("rejected") > rejectionsBefore);
        assertEquals(200, status("fresh"), "still the old config");

        // 4. Valid again, replaced atomically as editors do: 'renamed' appears, 'fresh' goes, the body limit shrinks
        //    (applies on reload) and the port changes (needs a restart: only logged).
        Path next = tmp.resolve("hot.yaml.tmp");
        Files.writeString(next, config("""
                  renamed:
                    targets:
                      - model: mock/echo
                """).replace("port: 8080", "port: 8081\n  max-body-size: 4KiB"));
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        awaitTrue("alias 'renamed' to work", () -> status("renamed") == 200);
        assertEquals(404, status("fresh"), "the alias removed by the last valid config");
        HttpResponse<String> large = chat("default", "x".repeat(5000));
        assertEquals(413, large.statusCode(), "server.max-body-size applies on reload: " + large.body());
        assertTrue(logged("take effect after a restart"), "the port change is logged" + gateway.output());
        assertEquals(200, status("default"), "still listening where it started");

        running.set(false);
        client.join(Duration.ofSeconds(10));
        assertEquals(List.of(), background, "requests to 'default' failed during the reloads");
        assertTrue(served.get() >= 10, "the background client made only " + served.get() + " requests");
        assertTrue(gateway.process().isAlive() && gateway.process().pid() == pid, "no restart" + gateway.output());
        System.out.println(gateway.output());
    }

    @Test
    void aStreamInFlightFinishesOnTheConfigItStartedWith() throws Exception {
        try (MockOpenAiServer upstream = MockOpenAiServer.builder().streamChunkDelay(Duration.ofMillis(100)).start()) {
            Path file = tmp.resolve("inflight.yaml");
            Files.writeString(file, """
                    server:
                      host: 127.0.0.1
                      port: 8080
                    providers:
                      mock:
                        type: mock
                      up:
                        type: openai-compatible
                        base-url: "%s"
                    models:
                      default:
                        targets:
                          - model: mock/echo
                      up:
                        targets:
                          - model: up/gpt-4o-mini
                    """.formatted(upstream.baseUrl()));
            gateway = DistributionSmokeIT.Gateway.start(dist, tmp, "--config", file.toString(), "--port", "0");

            String words = IntStream.rangeClosed(1, 25).mapToObj(i -> "w" + i)
                    .collect(Collectors.joining(" "));
            String body = JSON.writeValueAsString(Map.of("model", "up", "stream", true,
                    "messages", List.of(Map.of("role", "user", "content", words))));
            HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(
                            URI.create(gateway.baseUrl() + "/v1/chat/completions")).timeout(Duration.ofSeconds(30))
                    .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                    .build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, stream.statusCode());
            BufferedReader reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
            List<String> events = new ArrayList<>();
            String line;
            while (events.size() < 2 && (line = reader.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    events.add(line.substring(6));
                }
            }

            // Mid-stream, remove the provider and the alias the stream uses.
            Files.writeString(file, config(""));
            awaitTrue("the reload without 'up'", () -> logged("Config reloaded from " + file));
            assertEquals(404, status("up"), "new requests no longer see the alias");

            long rest = System.nanoTime();
            while ((line = reader.readLine()) != null) {
                if (line.startsWith("data: ")) {
                    events.add(line.substring(6));
                }
            }
            reader.close();
            long restMillis = (System.nanoTime() - rest) / 1_000_000;
            assertTrue(restMillis >= 500, "the stream was over before the reload (" + restMillis + " ms)");
            assertEquals("[DONE]", events.getLast(), "the stream in flight was cut off: " + events + gateway.output());
            StringBuilder text = new StringBuilder();
            for (String e : events.subList(0, events.size() - 1)) {
                assertFalse(e.contains("\"error\""), e);
                text.append(JSON.readTree(e).at("/choices/0/delta/content").asText(""));
            }
            assertEquals("Echo: " + words, text.toString());
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + APPLY_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("waited " + APPLY_WITHIN + " for " + what + gateway.output());
    }

    private boolean logged(String text) {
        return count(text) > 0;
    }

    private int count(String text) {
        synchronized (gateway.stderr()) {
            return (int) gateway.stderr().stream().filter(l -> l.contains(text)).count();
        }
    }

    private String lineWith(String text) {
        synchronized (gateway.stderr()) {
            return gateway.stderr().stream().filter(l -> l.contains(text)).findFirst().orElse("");
        }
    }

    private int status(String model) {
        try {
            return chat(model, "probe").statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private HttpResponse<String> chat(String model, String text) throws IOException, InterruptedException {
        String body = JSON.writeValueAsString(Map.of("model", model,
                "messages", List.of(Map.of("role", "user", "content", text))));
        return http.send(HttpRequest.newBuilder(URI.create(gateway.baseUrl() + "/v1/chat/completions"))
                .timeout(REQUEST_TIMEOUT).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
