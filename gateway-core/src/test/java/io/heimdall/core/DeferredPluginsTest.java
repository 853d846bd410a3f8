package io.heimdall.core;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * A start that loads only the plugin folders its config names and the others after it listens
 * ({@link Gateway.Builder#deferUnusedPlugins(boolean)}) ends with what a start that loads them all first gives: the
 * same factories, failures, errors, and the same factory for an id two folders provide.
 */
@Timeout(120)
class DeferredPluginsTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path jars;
    static Path dupFirst;
    static Path dupSecond;
    static Path other;

    @BeforeAll
    static void buildPluginJars() throws IOException {
        dupFirst = PluginJars.build(jars.resolve("first"), PluginJars.headerHook("com.example.first", "dup-hook",
                "x-dup", "1", "test_dup_first"), jars.resolve("first.jar"));
        dupSecond = PluginJars.build(jars.resolve("second"), PluginJars.headerHook("com.example.second", "dup-hook",
                "x-dup", "2", "test_dup_second"), jars.resolve("second.jar"));
        other = PluginJars.build(jars.resolve("other"), PluginJars.headerHook("com.example.other", "other-hook",
                "x-other", "3", "test_other_hook"), jars.resolve("other.jar"));
    }

    private static Path config(Path dir, String pluginId) throws IOException {
        return Files.writeString(dir.resolve("c.yaml"), """
                server: { host: 127.0.0.1, port: 0 }
                providers:
                  p: { type: scripted, label: p }
                models:
                  m: { targets: [ { model: p/ok } ] }
                plugins:
                  - { id: %s }
                """.formatted(pluginId));
    }

    private static Path install(Path plugins, String folder, Path jar) throws IOException {
        Path dir = Files.createDirectories(plugins.resolve(folder));
        Files.copy(jar, dir.resolve(folder + ".jar"));
        return dir;
    }

    private static Gateway start(Path config, Path plugins, boolean deferred) {
        return Gateway.builder().config(config).pluginsDir(plugins).watchConfig(false)
                .factory(new ScriptedProviderFactory()).deferUnusedPlugins(deferred).start();
    }

    private static String header(Gateway gw, String name) throws Exception {
        HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(30)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode(), res.body());
        return res.headers().firstValue(name).orElse("");
    }

    @Test
    void theFoldersLoadedAfterTheStartAreThoseAFullStartLoads(@TempDir Path dir) throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        install(plugins, "dup-hook", dupSecond);
        install(plugins, "tools", other);
        Files.write(Files.createDirectories(plugins.resolve("corrupt")).resolve("corrupt.jar"), new byte[]{1, 2, 3});
        Path config = config(dir, "dup-hook");
        List<String> failures;
        Map<String, List<String>> factories;
        try (Gateway eager = start(config, plugins, false)) {
            failures = eager.pluginFailures();
            factories = eager.loadedFactories();
        }
        try (Gateway gw = start(config, plugins, true)) {
            assertEquals("2", header(gw, "x-dup"));
            assertEquals(failures, gw.pluginFailures());
            assertEquals(factories, gw.loadedFactories());
            assertEquals(List.of("other-hook", "dup-hook").stream().sorted().toList(),
                    gw.loadedFactories().get("plugin").stream().sorted().toList());
        }
    }

    @Test
    void aPluginWhoseFolderIsNamedOtherwiseStillStarts(@TempDir Path dir) throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        install(plugins, "tools", other);
        try (Gateway gw = start(config(dir, "other-hook"), plugins, true)) {
            assertEquals("3", header(gw, "x-other"));
        }
    }

    @Test
    void configErrorsAreThoseOfAFullStart(@TempDir Path dir) throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        install(plugins, "tools", other);
        install(plugins, "dup-hook", dupSecond);
        Path config = config(dir, "no-such-hook");
        List<String> eager = assertThrows(Gateway.GatewayStartException.class,
                () -> start(config, plugins, false)).problems();
        List<String> deferred = assertThrows(Gateway.GatewayStartException.class,
                () -> start(config, plugins, true)).problems();
        assertEquals(eager, deferred);
    }

    @Test
    void anIdTwoFoldersProvideEndsWithTheFactoryAFullStartPicks(@TempDir Path dir) throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        install(plugins, "a-first", dupFirst); // sorts first: a full start takes dup-hook from it
        install(plugins, "dup-hook", dupSecond); // the folder a deferred start loads first, by its name
        Path config = config(dir, "dup-hook");
        try (Gateway eager = start(config, plugins, false)) {
            assertEquals("1", header(eager, "x-dup"));
        }
        try (Gateway gw = start(config, plugins, true)) {
            Instant deadline = Instant.now().plusSeconds(20);
            String seen = header(gw, "x-dup");
            while (!seen.equals("1") && Instant.now().isBefore(deadline)) {
                Thread.sleep(20);
                seen = header(gw, "x-dup");
            }
            assertEquals("1", seen);
            assertEquals(1, gw.pluginFailures().size(), gw.pluginFailures().toString());
        }
    }
}
