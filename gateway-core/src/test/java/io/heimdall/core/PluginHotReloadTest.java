package io.heimdall.core;

import io.heimdall.api.metrics.MetricFamily;
import io.heimdall.api.metrics.MetricSample;
import io.heimdall.core.internal.plugin.PluginRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.ref.WeakReference;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Plugin folders added, replaced or removed while the gateway runs, with plugin jars compiled at test time: a replaced
 * jar is served from a new layer after the next reload and the old layer's class loader is collected once its last
 * request ended; an added folder is usable without a restart; a removed folder that the config still uses makes the
 * reload fail and the old state keeps serving.
 */
@Timeout(120)
class PluginHotReloadTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String GAUGE = "heimdall_test_version_hook";

    @TempDir
    static Path jars;
    static Path versionV1;
    static Path versionV2;
    static Path extra;

    @BeforeAll
    static void buildPluginJars() throws IOException {
        versionV1 = PluginJars.build(jars.resolve("v1"), PluginJars.headerHook("com.example.version", "version-hook",
                "x-version", "1", "test_version_hook"), jars.resolve("v1.jar"));
        versionV2 = PluginJars.build(jars.resolve("v2"), PluginJars.headerHook("com.example.version", "version-hook",
                "x-version", "2", "test_version_hook"), jars.resolve("v2.jar"));
        extra = PluginJars.build(jars.resolve("extra"), PluginJars.headerHook("com.example.extra", "extra-hook",
                "x-extra", "7", "test_extra_hook"), jars.resolve("extra.jar"));
    }

    private static String config(String... pluginIds) {
        StringBuilder plugins = new StringBuilder();
        for (String id : pluginIds) {
            plugins.append("  - { id: ").append(id).append(" }\n");
        }
        return """
                server: { host: 127.0.0.1, port: 0 }
                providers:
                  p: { type: scripted, label: p }
                models:
                  m: { targets: [ { model: p/ok } ] }
                """ + (pluginIds.length == 0 ? "" : "plugins:\n" + plugins);
    }

    /** Puts {@code jar} at {@code plugins/<folder>/<folder>.jar} the way an operator replaces a file: move it in. */
    private static void install(Path jar, Path plugins, String folder) throws IOException {
        Path dir = Files.createDirectories(plugins.resolve(folder));
        Path staged = plugins.getParent().resolve(folder + ".jar.new");
        Files.copy(jar, staged, StandardCopyOption.REPLACE_EXISTING);
        Files.move(staged, dir.resolve(folder + ".jar"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
    }

    private static void delete(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static HttpRequest chat(Gateway gw, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(gw.baseUrl() + "/v1/chat/completions"))
                .timeout(Duration.ofSeconds(30)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return b.build();
    }

    private static HttpResponse<String> send(Gateway gw) throws Exception {
        HttpResponse<String> res = HTTP.send(chat(gw), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, res.statusCode(), res.body());
        return res;
    }

    private static Optional<String> header(HttpResponse<String> res, String name) {
        return res.headers().firstValue(name);
    }

    private static Optional<Double> gauge(Gateway gw, String name) {
        return gauge(gw, name, Map.of());
    }

    private static Optional<Double> gauge(Gateway gw, String name, Map<String, String> labels) {
        for (MetricFamily f : gw.metricsRegistry().snapshot()) {
            if (f.name().equals(name)) {
                return f.samples().stream().filter(s -> s.labels().equals(labels)).map(MetricSample::value)
                        .findFirst();
            }
        }
        return Optional.empty();
    }

    /** The class loader of a plugin factory, held weakly; no strong reference stays on this frame. */
    private static WeakReference<ClassLoader> loaderOf(Gateway gw, String id) {
        ClassLoader loader = gw.registry().find(PluginRegistry.Kind.PLUGIN, id).orElseThrow().factory().getClass()
                .getClassLoader();
        assertNotSame(ClassLoader.getSystemClassLoader(), loader, "a plugin layer's own loader");
        return new WeakReference<>(loader);
    }

    private static boolean collected(WeakReference<?> ref, long millis) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        do {
            System.gc();
            if (ref.get() == null) {
                return true;
            }
            Thread.sleep(50);
        } while (System.nanoTime() < until);
        return false;
    }

    private static void await(BooleanSupplier condition, String what) throws InterruptedException {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < until, "timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void aReplacedJarIsServedFromANewLayerAndTheOldLayerIsCollectedOnceItsRequestsEnded(@TempDir Path dir)
            throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        install(versionV1, plugins, "version");
        Path file = Files.writeString(dir.resolve("heimdall.yaml"), config("version-hook"));
        try (Gateway gw = Gateway.builder().config(file).pluginsDir(plugins).watchConfig(false)
                .factory(new ScriptedProviderFactory()).start()) {
            assertEquals("1", header(send(gw), "x-version").orElseThrow());
            assertEquals(Optional.of(1.0), gauge(gw, GAUGE));
            WeakReference<ClassLoader> v1 = loaderOf(gw, "version-hook");

            // A request on v1 is held inside the hook while the jar is replaced and the gateway reloads.
            Path hold = dir.resolve("hold");
            CompletableFuture<HttpResponse<String>> held = HTTP.sendAsync(chat(gw, "x-hold", hold.toString()),
                    HttpResponse.BodyHandlers.ofString());
            await(() -> Files.exists(Path.of(hold + ".entered")), "the held request to reach the v1 hook");

            install(versionV2, plugins, "version");
            assertEquals(List.of(), gw.reload());
            assertEquals("2", header(send(gw), "x-version").orElseThrow(), "new requests run the new jar");
            assertEquals(Optional.of(2.0), gauge(gw, GAUGE), "the new instance took the gauge over");
            assertEquals(Optional.of(1.0), gauge(gw, GAUGE + "_build", Map.of("version", "1")), "v1 still runs");
            WeakReference<ClassLoader> v2 = loaderOf(gw, "version-hook");
            assertNotSame(v1.get(), v2.get(), "a new layer");

            assertFalse(collected(v1, 300), "the old layer stays while a request still runs on it");
            Files.writeString(Path.of(hold + ".release"), "");
            HttpResponse<String> old = held.get(30, TimeUnit.SECONDS);
            assertEquals(200, old.statusCode(), old.body());
            assertEquals("1", header(old, "x-version").orElseThrow(), "the held request finished on v1");

            assertTrue(collected(v1, 10_000), "the old layer's class loader is collected once drained");
            assertNotNull(v2.get(), "the layer in force stays");
            assertEquals(Optional.of(2.0), gauge(gw, GAUGE), "closing v1 left v2's gauge alone");
            assertEquals(Optional.empty(), gauge(gw, GAUGE + "_build", Map.of("version", "1")), "v1's gauge went");
            assertEquals(Optional.of(2.0), gauge(gw, GAUGE + "_build", Map.of("version", "2")));
            assertEquals("2", header(send(gw), "x-version").orElseThrow());
        }
    }

    @Test
    void anAddedFolderIsUsableAfterTheNextReloadAndUnchangedFoldersKeepTheirFactories(@TempDir Path dir)
            throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        install(versionV1, plugins, "version");
        Path file = Files.writeString(dir.resolve("heimdall.yaml"), config("version-hook"));
        try (Gateway gw = Gateway.builder().config(file).pluginsDir(plugins).watchConfig(false)
                .factory(new ScriptedProviderFactory()).start()) {
            Object versionFactory = gw.registry().find(PluginRegistry.Kind.PLUGIN, "version-hook").orElseThrow()
                    .factory();
            assertFalse(gw.loadedFactories().get("plugin").contains("extra-hook"));

            install(extra, plugins, "extra");
            Files.write(Files.createDirectories(plugins.resolve("broken")).resolve("broken.jar"), new byte[]{1, 2});
            Files.writeString(file, config("version-hook", "extra-hook"));
            assertEquals(List.of(), gw.reload());

            HttpResponse<String> res = send(gw);
            assertEquals("7", header(res, "x-extra").orElseThrow(), "the added plugin runs");
            assertEquals("1", header(res, "x-version").orElseThrow());
            assertSame(versionFactory, gw.registry().find(PluginRegistry.Kind.PLUGIN, "version-hook").orElseThrow()
                    .factory(), "an unchanged folder keeps its layer and factory");
            assertTrue(gw.pluginFailures().stream().anyMatch(f -> f.startsWith("broken: ")), gw.pluginFailures()
                    .toString());

            delete(plugins.resolve("broken"));
            assertEquals(List.of(), gw.reload());
            assertEquals(List.of(), gw.pluginFailures(), "a removed folder's failure goes with it");
        }
    }

    @Test
    void aRemovedFolderThatTheConfigUsesIsRefusedAndTheOldStateKeepsServing(@TempDir Path dir) throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        install(versionV1, plugins, "version");
        install(extra, plugins, "extra");
        Path file = Files.writeString(dir.resolve("heimdall.yaml"), config("version-hook", "extra-hook"));
        try (Gateway gw = Gateway.builder().config(file).pluginsDir(plugins).watchConfig(false)
                .factory(new ScriptedProviderFactory()).start()) {
            assertEquals("7", header(send(gw), "x-extra").orElseThrow());

            delete(plugins.resolve("extra"));
            List<String> problems = gw.reload();
            assertEquals(1, problems.size(), problems.toString());
            assertTrue(problems.getFirst().startsWith("plugins[1].id: no loaded plugin has id 'extra-hook'"),
                    problems.toString());
            assertEquals("7", header(send(gw), "x-extra").orElseThrow(), "the old plugins keep serving");
            assertTrue(gw.loadedFactories().get("plugin").contains("extra-hook"), "the old registry stays in force");

            Files.writeString(file, config("version-hook"));
            assertEquals(List.of(), gw.reload());
            HttpResponse<String> res = send(gw);
            assertEquals(Optional.empty(), header(res, "x-extra"));
            assertEquals("1", header(res, "x-version").orElseThrow());
            assertFalse(gw.loadedFactories().get("plugin").contains("extra-hook"));
        }
    }

    @Test
    void theWatchersPickUpAFolderAddedWhileRunningAndAConfigThatUsesIt(@TempDir Path dir) throws Exception {
        Path plugins = Files.createDirectories(dir.resolve("plugins"));
        Path file = Files.writeString(dir.resolve("heimdall.yaml"), config());
        try (Gateway gw = Gateway.builder().config(file).pluginsDir(plugins)
                .factory(new ScriptedProviderFactory()).start()) {
            assertEquals(Optional.empty(), header(send(gw), "x-extra"));

            install(extra, plugins, "extra");
            await(() -> gw.loadedFactories().get("plugin").contains("extra-hook"), "the new folder to be loaded");

            Files.writeString(file, config("extra-hook"));
            await(() -> {
                try {
                    return header(send(gw), "x-extra").isPresent();
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
            }, "the config change to apply");
        }
    }
}
