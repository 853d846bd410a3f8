package io.heimdall.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The config file is watched: valid edits apply without dropping requests in flight, invalid ones are refused. */
class HotReloadTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static String config(String label, String delay) {
        return """
                server: { port: 0 }
                providers:
                  p: { type: scripted, label: %s, delay: %s }
                models:
                  m: { targets: [ { model: p/ok } ] }
                """.formatted(label, delay);
    }

    private static HttpRequest chat(String base, String model) {
        return HttpRequest.newBuilder(URI.create(base + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}"))
                .build();
    }

    private static String answer(String base, String model) throws Exception {
        HttpResponse<String> res = HTTP.send(chat(base, model), HttpResponse.BodyHandlers.ofString());
        return res.statusCode() + " " + JSON.readTree(res.body()).at("/choices/0/message/content").asText();
    }

    @Test
    void validChangeAppliesInvalidChangeIsRejectedAndInFlightRequestsFinish(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("heimdall.yaml");
        Files.writeString(file, config("one", "600ms"));
        try (Gateway gw = Gateway.builder().config(file).factory(new ScriptedProviderFactory()).start()) {
            String base = gw.baseUrl();
            assertEquals("200 one: x", answer(base, "m"));

            // Requests in flight on the old config (600 ms each) while the file changes.
            List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                inFlight.add(HTTP.sendAsync(chat(base, "m"), HttpResponse.BodyHandlers.ofString()));
            }
            Thread.sleep(150);
            Path tmp = dir.resolve("heimdall.yaml.tmp");
            Files.writeString(tmp, config("two", "0ms") + """
                  n: { targets: [ { model: p/ok } ] }
                """);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

            awaitAnswer(base, "m", "200 two: x");
            assertEquals("200 two: x", answer(base, "n"));
            for (CompletableFuture<HttpResponse<String>> f : inFlight) {
                HttpResponse<String> res = f.get();
                assertEquals(200, res.statusCode(), res.body());
                assertEquals("one: x", JSON.readTree(res.body()).at("/choices/0/message/content").asText());
            }

            // An invalid change is refused and the running config stays.
            Files.writeString(file, config("three", "0ms").replace("type: scripted", "type: nonexistent"));
            Thread.sleep(2500);
            assertEquals("200 two: x", answer(base, "m"));
            List<String> problems = gw.reload();
            assertFalse(problems.isEmpty());
            assertTrue(problems.getFirst().startsWith("providers.p.type: unknown provider type 'nonexistent'"),
                    problems.toString());

            Files.writeString(file, "providers: [ broken");
            assertTrue(gw.reload().getFirst().contains("not valid YAML"));
            assertEquals("200 two: x", answer(base, "m"));
        }
    }

    private static void awaitAnswer(String base, String model, String expected) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String last = null;
        while (System.nanoTime() < until) {
            last = answer(base, model);
            if (last.equals(expected)) {
                return;
            }
            Thread.sleep(100);
        }
        assertEquals(expected, last, "the change was not applied within 10 s");
    }
}
