package io.heimdall.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a client is told when every target of an alias fails, and model names that could reach a URL path. */
class AliasErrorsTest {
    @TempDir
    Path dir;

    @Test
    void aTargetWhoseKeyIsUnsetIsNamedInTheClientsErrorAndModelNamesAreChecked() throws Exception {
        Path config = Files.writeString(dir.resolve("heimdall.yaml"), """
                server: { host: 127.0.0.1, port: 0 }
                routing: { retries: { max: 0 } }
                providers:
                  primary: { type: scripted, keys: [ { name: main-key, value: "${env:PRIMARY_KEY_UNSET}" } ] }
                  backup: { type: scripted }
                models:
                  chat: { targets: [ { model: primary/ok } ], fallbacks: [ backup/fail-500 ] }
                """);
        try (Gateway gateway = Gateway.builder().config(config).port(0).watchConfig(false)
                .environment(Map.of()).factory(new ScriptedProviderFactory()).start()) {
            HttpResponse<String> res = post(gateway, "chat");
            assertEquals(500, res.statusCode(), res.body());
            String message = new ObjectMapper().readTree(res.body()).at("/error/message").asText();
            assertTrue(message.contains("main-key") && message.contains("PRIMARY_KEY_UNSET is not set"), message);

            HttpResponse<String> traversal = post(gateway, "backup/../../admin?x=1");
            assertEquals(400, traversal.statusCode(), traversal.body());
            JsonNode error = new ObjectMapper().readTree(traversal.body()).path("error");
            assertEquals("model", error.path("param").asText());
            ScriptedProviderFactory.CALLS.clear();
            assertEquals(400, post(gateway, "backup/a b").statusCode());
            assertFalse(ScriptedProviderFactory.CALLS.stream().anyMatch(c -> c.model().contains("..")),
                    "never sent upstream");
            assertEquals(200, post(gateway, "backup/org/model-1.5:latest@v2").statusCode(),
                    "slashes, colons, dots and @ are fine");
        }
    }

    private static HttpResponse<String> post(Gateway gateway, String model) throws Exception {
        String body = "{\"model\":" + new ObjectMapper().writeValueAsString(model)
                + ",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}";
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(gateway.baseUrl()
                        + "/v1/chat/completions")).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
