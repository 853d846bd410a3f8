package io.heimdall.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The connection-limit and CORS keys of {@code server:} are checked with their exact paths. */
class ServerConfigTest {
    private static List<String> problems(Path dir, String text) throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, text);
        Gateway.GatewayStartException e = assertThrows(Gateway.GatewayStartException.class, () -> Gateway.builder()
                .config(file).watchConfig(false).environment(Map.of()).factory(new ScriptedProviderFactory()).start());
        return e.problems();
    }

    private static void assertHas(List<String> problems, String... expected) {
        for (String e : expected) {
            assertTrue(problems.stream().anyMatch(s -> s.startsWith(e)), "missing '" + e + "' in " + problems);
        }
    }

    @Test
    void badLimitsAreReportedWithTheirPaths(@TempDir Path dir) throws Exception {
        assertHas(problems(dir, """
                server: { header-timeout: soon, body-timeout: 0s, idle-timeout: 5, max-connections: 0 }
                """),
                "server.header-timeout: expected a duration",
                "server.body-timeout: must be more than 0",
                "server.idle-timeout: expected a duration",
                "server.max-connections: must be at least 1");
    }

    @Test
    void badCorsIsReportedWithItsPaths(@TempDir Path dir) throws Exception {
        assertHas(problems(dir, """
                server:
                  cors: { allowed-origin: ["https://a.example.com"], allowed-methods: GET, max-age: long,
                          expose-headers: ["x-ratelimit-*"] }
                """),
                "server.cors.allowed-origin: unknown key",
                "server.cors.allowed-origins: is required",
                "server.cors.allowed-methods: expected a list of strings",
                "server.cors.max-age: expected a duration",
                "server.cors.expose-headers[0]: ");
        assertHas(problems(dir, """
                server:
                  cors: { allowed-origins: ["*"], allow-credentials: true }
                """),
                "server.cors.allow-credentials: cannot be true with allowed-origins '*'");
        assertHas(problems(dir, """
                server:
                  cors: { allowed-origins: ["app.example.com/"], allowed-methods: [GE T] }
                """),
                "server.cors.allowed-origins[0]: ",
                "server.cors.allowed-methods[0]: ");
        assertHas(problems(dir, """
                server:
                  cors: [ "*" ]
                """),
                "server.cors: expected an object");
    }
}
