package io.heimdall.testkit.harness;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.plugin.Factory;
import io.heimdall.api.plugin.PluginFactory;
import io.heimdall.core.Gateway;
import io.heimdall.testkit.MockOpenAiServer;
import io.heimdall.testkit.internal.HarnessProviderFactory;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A JUnit 5 extension that runs the gateway in process over a real socket on 127.0.0.1, with the plugins under test
 * and a {@link MockOpenAiServer} as the only upstream (provider {@code upstream}; models {@code upstream/<name>},
 * e.g. {@link #MODEL}). Register it on a static field to share one gateway by all tests of a class, or on an
 * instance field for one gateway per test; the upstream's queued behaviours and recorded requests are reset before
 * each test.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final GatewayHarness harness = GatewayHarness.withPlugin(new MyFactory(), Map.of("mode", "mask"));
 *
 * @Test
 * void masks() throws Exception {
 *     harness.upstream().enqueue(MockBehavior.reply("darn it"));
 *     HttpResult res = harness.chat(GatewayHarness.MODEL, "hi");
 * }
 * }</pre>
 */
public final class GatewayHarness implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, AutoCloseable {
    /** The model name clients use to reach the mock upstream. */
    public static final String MODEL = "upstream/gpt-4o-mini";

    private static final ObjectMapper JSON = new ObjectMapper();
    private final List<Map<String, Object>> entries = new ArrayList<>();
    private final Map<Factory<?>, Boolean> factories = new IdentityHashMap<>();
    private final Map<String, Object> extraConfig = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private MockOpenAiServer upstream;
    private Gateway gateway;
    private Path dir;
    private boolean perTest;

    private GatewayHarness() {
    }

    /** A harness with no plugin yet; add them with {@link #plugin}. */
    public static GatewayHarness create() {
        return new GatewayHarness();
    }

    /** A harness with one plugin entry {@code { id: factory.id(), config: config }}. */
    public static GatewayHarness withPlugin(PluginFactory factory, Map<String, ?> config) {
        return create().plugin(factory, config);
    }

    /** Appends a {@code plugins:} entry (hooks run in this order before the request, in reverse after it). */
    public GatewayHarness plugin(PluginFactory factory, Map<String, ?> config) {
        return plugin(factory, config, false);
    }

    /** Appends a {@code plugins:} entry with the core's {@code fail-open} option. */
    public GatewayHarness plugin(PluginFactory factory, Map<String, ?> config, boolean failOpen) {
        factories.put(factory, Boolean.TRUE);
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("id", factory.id());
        entry.put("config", config);
        if (failOpen) {
            entry.put("fail-open", true);
        }
        entries.add(entry);
        return this;
    }

    /** Adds a factory without a config entry (a provider type, or a plugin another entry refers to). */
    public GatewayHarness factory(Factory<?> factory) {
        factories.put(factory, Boolean.TRUE);
        return this;
    }

    /** Sets a top-level config key besides {@code server}, {@code providers} and {@code plugins}, e.g. {@code models}. */
    public GatewayHarness config(String key, Object value) {
        extraConfig.put(key, value);
        return this;
    }

    /** Starts the mock upstream and the gateway (the extension calls this; call it yourself without JUnit). */
    public synchronized GatewayHarness start() {
        if (gateway != null) {
            return this;
        }
        upstream = MockOpenAiServer.start();
        try {
            dir = Files.createTempDirectory("heimdall-harness");
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("server", Map.of("host", "127.0.0.1", "port", 0));
            config.put("providers", Map.of("upstream", Map.of("type", HarnessProviderFactory.ID,
                    "base-url", upstream.baseUrl())));
            config.put("plugins", entries);
            config.putAll(extraConfig);
            Path file = dir.resolve("heimdall.json");
            Files.write(file, JSON.writeValueAsBytes(config));
            Gateway.Builder b = Gateway.builder().config(file).port(0).watchConfig(false)
                    .pluginsDir(Files.createDirectories(dir.resolve("plugins")))
                    .factory(new HarnessProviderFactory());
            factories.keySet().stream().filter(f -> !discovered(f)).forEach(b::factory);
            gateway = b.start();
        } catch (IOException e) {
            close();
            throw new UncheckedIOException(e);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
        return this;
    }

    /** Whether the core finds this factory by itself: its module is in the boot layer and provides it. */
    private static boolean discovered(Factory<?> factory) {
        Module m = factory.getClass().getModule();
        return m.isNamed() && m.getLayer() == ModuleLayer.boot() && m.getDescriptor().provides().stream()
                .anyMatch(p -> p.providers().contains(factory.getClass().getName()));
    }

    /** The running gateway (for {@code pipeline()}, {@code metrics()}, {@code reload()}). */
    public Gateway gateway() {
        return started().gateway;
    }

    /** The mock upstream: queue behaviours, read recorded requests. */
    public MockOpenAiServer upstream() {
        return started().upstream;
    }

    /** The gateway's base URL, {@code http://127.0.0.1:<port>}. */
    public String baseUrl() {
        return started().gateway.baseUrl();
    }

    /** A chat request body with one user message. */
    public static String chatBody(String model, String userText, boolean stream) {
        return json(Map.of("model", model, "stream", stream, "messages",
                List.of(Map.of("role", "user", "content", userText))));
    }

    /** Writes a value as JSON. */
    public static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code POST /v1/chat/completions} with one user message, not streamed. */
    public HttpResult chat(String model, String userText) {
        return post("/v1/chat/completions", chatBody(model, userText, false));
    }

    /** {@code POST /v1/chat/completions} with one user message, streamed, read to the end. */
    public StreamResult stream(String model, String userText) {
        return StreamResult.of(post("/v1/chat/completions", chatBody(model, userText, true)));
    }

    /** POSTs a JSON body to a path of the gateway and reads the whole answer. */
    public HttpResult post(String path, String json) {
        return post(path, json, Map.of());
    }

    /** POSTs a JSON body with extra headers. */
    public HttpResult post(String path, String json, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl() + path)).timeout(Duration.ofSeconds(30))
                .header("content-type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json));
        headers.forEach(b::header);
        try {
            HttpResponse<String> res = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new HttpResult(res.statusCode(), res.body(), res.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private GatewayHarness started() {
        if (gateway == null) {
            throw new IllegalStateException("the harness is not started: register it with @RegisterExtension");
        }
        return this;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        if (gateway == null) {
            perTest = true;
            start();
        }
        upstream.reset();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perTest) {
            close();
        }
    }

    /** Stops the gateway and the upstream and deletes the temporary config. */
    @Override
    public synchronized void close() {
        if (gateway != null) {
            gateway.close();
            gateway = null;
        }
        if (upstream != null) {
            upstream.close();
            upstream = null;
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException ignored) {
                // a temp dir left behind
            }
            dir = null;
        }
    }
}
