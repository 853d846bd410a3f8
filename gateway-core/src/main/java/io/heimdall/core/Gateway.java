package io.heimdall.core;

import io.heimdall.api.plugin.Factory;
import io.heimdall.core.internal.config.ConfigException;
import io.heimdall.core.internal.config.ConfigLoader;
import io.heimdall.core.internal.config.ConfigWatcher;
import io.heimdall.core.internal.config.GatewayConfig;
import io.heimdall.core.internal.config.Problems;
import io.heimdall.core.internal.config.SecretResolver;
import io.heimdall.core.internal.config.SpecReference;
import io.heimdall.core.internal.engine.Engine;
import io.heimdall.core.internal.engine.Generation;
import io.heimdall.core.internal.engine.GenerationBuilder;
import io.heimdall.core.internal.engine.StartupReport;
import io.heimdall.core.internal.inflight.InFlightRequests;
import io.heimdall.core.internal.metrics.MetricsRegistry;
import io.heimdall.core.internal.plugin.PluginLoader;
import io.heimdall.core.internal.plugin.PluginRegistry;
import io.heimdall.core.internal.server.ConnectionGuard;
import io.heimdall.core.internal.server.Cors;
import io.heimdall.core.internal.server.HttpApi;
import io.heimdall.core.internal.wire.JacksonOpenAiWire;
import io.helidon.http.DirectHandler;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A running Heimdall gateway: loads plugins into their own module layers, applies the config file, serves the
 * OpenAI-compatible API and, if asked, watches the file and applies valid changes without a restart. Embeddable:
 *
 * <pre>{@code
 * try (Gateway gw = Gateway.builder().config(Path.of("heimdall.yaml")).pluginsDir(Path.of("plugins")).port(0)
 *         .start()) {
 *     System.out.println(gw.baseUrl());
 * }
 * }</pre>
 */
public final class Gateway implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Gateway.class.getName());

    private final Path configFile;
    private final ConfigLoader loader;
    private final GenerationBuilder builder;
    private final Engine engine;
    private final PluginRegistry registry;
    private final MetricsRegistry metrics = new MetricsRegistry();
    private final InFlightRequests inflight;
    private final WebServer server;
    private final ConnectionGuard guard;
    private final ConfigWatcher watcher;
    private volatile GatewayConfig config;

    private Gateway(Builder b) {
        this.configFile = b.config;
        SecretResolver secrets = new SecretResolver(b.env);
        this.loader = new ConfigLoader(secrets);
        this.registry = new PluginRegistry();
        PluginLoader plugins = new PluginLoader(ModuleLayer.boot());
        plugins.loadBuiltIn(registry);
        for (Factory<?> f : b.factories) {
            addFactory(f);
        }
        if (b.pluginsDir != null) {
            plugins.loadAll(b.pluginsDir, registry);
        }
        for (PluginRegistry.Failure f : registry.failures()) {
            LOG.log(System.Logger.Level.ERROR, "Plugin ''{0}'' was not loaded: {1}", f.folder(), f.reason());
        }
        if (!registry.loadedFolders().isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "Plugins loaded: {0}", String.join(", ", registry.loadedFolders()));
        }
        JacksonOpenAiWire wire = new JacksonOpenAiWire();
        this.engine = new Engine(metrics);
        this.builder = new GenerationBuilder(() -> registry, secrets, wire, engine.children(), engine, metrics);

        Problems problems = new Problems();
        this.config = loader.load(configFile, problems);
        engine.install(builder.build(config, problems));

        String host = b.host != null ? b.host : config.server().host();
        int port = b.port != null ? b.port : config.server().port();
        this.inflight = InFlightRequests.start(InFlightRequests.Settings.defaults(config.routing().maxInFlight()));
        HttpApi api = new HttpApi(engine, wire, () -> config.server().maxBodyBytes(),
                () -> config.server().requestTimeout(), () -> config.routing().timeouts().maxClient(), inflight);
        HttpRouting.Builder routing = HttpRouting.builder();
        routing.addFilter(new Cors(() -> config.server().cors(), wire::encodeError));
        api.routing(routing);
        // Connection limits, timeouts and HTTP/1.0 live in the guard, Helidon's only connection selector.
        this.guard = new ConnectionGuard(() -> config.server(), wire::encodeError);
        this.server = WebServer.builder()
                .host(host)
                .port(port)
                .maxPayloadSize(-1)
                .shutdownHook(false)
                .shutdownGracePeriod(Duration.ofSeconds(10))
                .protocolsDiscoverServices(false)
                .addConnectionSelector(guard.selector())
                .addRouting(routing)
                .directHandlers(d -> d.addHandler(DirectHandler.EventType.BAD_REQUEST, api.directHandler())
                        .addHandler(DirectHandler.EventType.PAYLOAD_TOO_LARGE, api.directHandler())
                        .addHandler(DirectHandler.EventType.OTHER, api.directHandler())
                        .addHandler(DirectHandler.EventType.INTERNAL_ERROR, api.directHandler()))
                .build()
                .start();
        if (!server.isRunning() || server.port() <= 0) {
            server.stop();
            guard.close();
            inflight.close();
            engine.close();
            throw new ConfigException("server: cannot listen on " + host + ":" + port
                    + " (is another process using that port? see the log above)");
        }
        engine.current().ifPresent(g -> StartupReport.lines(g, configFile, registry.loadedFolders(), host)
                .forEach(line -> LOG.log(line.startsWith("WARNING:") ? System.Logger.Level.WARNING
                        : System.Logger.Level.INFO, line.startsWith("WARNING:") ? line.substring(9) : line)));
        ConfigWatcher w = null;
        if (b.watch) {
            try {
                w = new ConfigWatcher(configFile, this::reloadQuietly);
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "Cannot watch {0} for changes: {1}", configFile, e.getMessage());
            }
        }
        this.watcher = w;
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The port the server listens on. */
    public int port() {
        return server.port();
    }

    /** The server's base URL, for example {@code http://127.0.0.1:8080}. */
    public String baseUrl() {
        String host = config.server().host();
        return "http://" + (host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":" + port();
    }

    /** The gateway's metrics registry (the one plugins record into), for embedding applications and tests. */
    public io.heimdall.api.plugin.Metrics metrics() {
        return metrics;
    }

    /** Plugin folders that failed to load, as {@code folder: reason}. */
    public List<String> pluginFailures() {
        return registry.failures().stream().map(f -> f.folder() + ": " + f.reason()).toList();
    }

    /** The ids of every loaded factory by kind (provider types, hook ids, ...). */
    public Map<String, List<String>> loadedFactories() {
        Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        for (PluginRegistry.Kind k : PluginRegistry.Kind.values()) {
            out.put(k.name().toLowerCase(java.util.Locale.ROOT), List.copyOf(registry.all(k).keySet()));
        }
        return out;
    }

    /**
     * The configuration reference of every loaded factory as Markdown: one table per provider type and plugin id,
     * generated from the factories' {@code ConfigSpec}s.
     */
    public static String configReference(Path pluginsDir) {
        PluginRegistry registry = new PluginRegistry();
        PluginLoader loader = new PluginLoader(ModuleLayer.boot());
        loader.loadBuiltIn(registry);
        if (pluginsDir != null) {
            loader.loadAll(pluginsDir, registry);
        }
        StringBuilder sb = new StringBuilder();
        for (PluginRegistry.Kind kind : PluginRegistry.Kind.values()) {
            for (PluginRegistry.Entry e : registry.all(kind).values()) {
                String where = kind == PluginRegistry.Kind.PROVIDER ? "providers.<name> with type: " + e.factory().id()
                        : "plugins: - { id: " + e.factory().id() + ", config }";
                sb.append("### ").append(kind.name().toLowerCase(java.util.Locale.ROOT)).append(" `")
                        .append(e.factory().id()).append("`\n\n")
                        .append(e.factory().description()).append(" (").append(e.origin()).append("; `")
                        .append(where).append("`)\n\n");
                var rows = SpecReference.rows(e.factory().configSpec());
                if (rows.isEmpty()) {
                    sb.append("No config keys.\n\n");
                    continue;
                }
                sb.append("| key | type | default | description |\n|---|---|---|---|\n");
                for (var r : rows) {
                    sb.append("| `").append(r.key()).append("` | ").append(r.type()).append(" | ")
                            .append(r.defaultValue())
                            .append(" | ").append(r.description().replace("|", "\\|")).append(" |\n");
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /**
     * Reads the config file again and applies it if valid: new requests use the new config, requests in flight finish
     * on the old one. A change of server host or port needs a restart and is only logged.
     *
     * @return the problems that prevented the change, empty if it was applied
     */
    public synchronized List<String> reload() {
        GatewayConfig next;
        Generation generation;
        try {
            Problems problems = new Problems();
            next = loader.load(configFile, problems);
            generation = builder.build(next, problems);
        } catch (ConfigException e) {
            engine.metrics().reload("refused");
            return e.problems();
        }
        engine.metrics().reload("applied");
        GatewayConfig previous = this.config;
        if (!next.server().host().equals(previous.server().host())
                || next.server().port() != previous.server().port()) {
            LOG.log(System.Logger.Level.WARNING, "server.host and server.port changes take effect after a restart");
        }
        this.config = next;
        engine.install(generation);
        return List.of();
    }

    private void reloadQuietly() {
        List<String> problems = reload();
        if (problems.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "Config reloaded from {0}", configFile);
        } else {
            LOG.log(System.Logger.Level.ERROR, "Config change in {0} rejected; keeping the running config:\n  {1}",
                    configFile, String.join("\n  ", problems));
        }
    }

    private void addFactory(Factory<?> f) {
        for (PluginRegistry.Kind k : PluginRegistry.Kind.values()) {
            if (k.type().isInstance(f)) {
                registry.add(k, f, "built-in").ifPresent(msg -> {
                    throw new IllegalArgumentException(msg);
                });
                return;
            }
        }
        throw new IllegalArgumentException("not a ProviderFactory or PluginFactory: " + f);
    }

    /** Stops accepting requests, lets requests in flight finish (up to 10 s), and closes every plugin. */
    @Override
    public void close() {
        if (watcher != null) {
            watcher.close();
        }
        server.stop();
        guard.close();
        inflight.close();
        engine.close();
    }

    /** Builds and starts a {@link Gateway}. */
    public static final class Builder {
        private Path config;
        private Path pluginsDir;
        private String host;
        private Integer port;
        private boolean watch = true;
        private Map<String, String> env = System.getenv();
        private final List<Factory<?>> factories = new ArrayList<>();

        private Builder() {
        }

        /** The config file (YAML, or JSON if it ends in .json). Required. */
        public Builder config(Path file) {
            this.config = file;
            return this;
        }

        /** The plugins folder: one child module layer per subfolder or loose jar. */
        public Builder pluginsDir(Path dir) {
            this.pluginsDir = dir;
            return this;
        }

        /** Overrides {@code server.host}. */
        public Builder host(String value) {
            this.host = value;
            return this;
        }

        /** Overrides {@code server.port}; 0 picks a free port. */
        public Builder port(int value) {
            this.port = value;
            return this;
        }

        /** Whether to watch the config file and reload on change (default true). */
        public Builder watchConfig(boolean value) {
            this.watch = value;
            return this;
        }

        /** The environment {@code ${env:NAME}} reads (default: the process environment). */
        public Builder environment(Map<String, String> value) {
            this.env = Map.copyOf(value);
            return this;
        }

        /** Adds a factory directly, as if a plugin provided it (for embedding and tests). */
        public Builder factory(Factory<?> factory) {
            this.factories.add(factory);
            return this;
        }

        /**
         * Loads plugins and config, and starts serving.
         *
         * @throws GatewayStartException with every config problem, each with its path
         */
        public Gateway start() {
            if (config == null) {
                throw new IllegalStateException("config file not set");
            }
            try {
                return new Gateway(this);
            } catch (ConfigException e) {
                throw new GatewayStartException(e.problems());
            } catch (UncheckedIOException e) {
                throw new GatewayStartException(List.of("cannot start the server: " + e.getMessage()));
            }
        }
    }

    /** The gateway could not start; {@link #problems()} says why, one line each. */
    public static final class GatewayStartException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final List<String> problems;

        GatewayStartException(List<String> problems) {
            super("Heimdall cannot start:\n  " + String.join("\n  ", problems));
            this.problems = List.copyOf(problems);
        }

        /** The problems, one line each. */
        public List<String> problems() {
            return problems;
        }
    }
}
