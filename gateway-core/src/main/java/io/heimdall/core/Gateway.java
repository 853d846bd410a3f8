package io.heimdall.core;

import io.heimdall.api.RequestContext;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.plugin.Factory;
import io.heimdall.api.plugin.Pipeline;
import io.heimdall.api.provider.ChunkSink;
import io.heimdall.core.internal.config.ConfigException;
import io.heimdall.core.internal.config.ConfigLoader;
import io.heimdall.core.internal.config.ConfigWatcher;
import io.heimdall.core.internal.config.GatewayConfig;
import io.heimdall.core.internal.config.Problems;
import io.heimdall.core.internal.config.SecretResolver;
import io.heimdall.core.internal.config.SpecReference;
import io.heimdall.core.internal.engine.DefaultRequestContext;
import io.heimdall.core.internal.engine.Engine;
import io.heimdall.core.internal.engine.Generation;
import io.heimdall.core.internal.engine.GenerationBuilder;
import io.heimdall.core.internal.engine.StartupReport;
import io.heimdall.core.internal.inflight.InFlightRequests;
import io.heimdall.core.internal.metrics.MetricsRegistry;
import io.heimdall.core.internal.plugin.FreshThread;
import io.heimdall.core.internal.plugin.PluginDirWatcher;
import io.heimdall.core.internal.plugin.PluginFolders;
import io.heimdall.core.internal.plugin.PluginLoader;
import io.heimdall.core.internal.plugin.PluginRegistry;
import io.heimdall.core.internal.plugin.UsedFolders;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A running Heimdall gateway: loads plugins into their own module layers, applies the config file, serves the
 * OpenAI-compatible API and, if asked, watches the file and the plugins folder and applies valid changes without a
 * restart. Embeddable, with its HTTP server:
 *
 * <pre>{@code
 * try (Gateway gw = Gateway.builder().config(Path.of("heimdall.yaml")).pluginsDir(Path.of("plugins")).port(0)
 *         .start()) {
 *     System.out.println(gw.baseUrl());
 * }
 * }</pre>
 *
 * <p>or as a library, called in process without opening any port (see {@code docs/embedding.md}):
 *
 * <pre>{@code
 * try (Gateway gw = Gateway.builder().config(Path.of("heimdall.yaml")).http(false).start()) {
 *     ChatResponse r = gw.chat(ChatRequest.builder().model("default").addMessage(ChatMessage.user("hi")).build());
 * }
 * }</pre>
 */
public final class Gateway implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Gateway.class.getName());

    private final Path configFile;
    private final ConfigLoader loader;
    private final GenerationBuilder builder;
    private final Engine engine;
    private final PluginFolders folders;
    private final MetricsRegistry metrics = new MetricsRegistry();
    private final InFlightRequests inflight;
    private final WebServer server;
    private final ConnectionGuard guard;
    private final ConfigWatcher watcher;
    private final PluginDirWatcher pluginsWatcher;
    private volatile GatewayConfig config;
    private String boundHost = "127.0.0.1";

    private Gateway(Builder b) {
        this.configFile = b.config;
        SecretResolver secrets = new SecretResolver(b.env);
        this.loader = new ConfigLoader(secrets);
        PluginRegistry builtIn = new PluginRegistry();
        PluginLoader plugins = new PluginLoader(ModuleLayer.boot());
        plugins.loadBuiltIn(builtIn);
        for (Factory<?> f : b.factories) {
            addFactory(builtIn, f);
        }
        Problems problems = new Problems();
        this.config = loader.load(configFile, problems);
        GatewayConfig first = config;
        // Plugin code runs on a thread of its own at start and at every reload (see FreshThread).
        // Deferred: the folders the config names now, the others once it serves (DeferredPlugins).
        this.folders = FreshThread.call("heimdall-plugins", () -> b.deferUnusedPlugins
                ? PluginFolders.deferred(plugins, builtIn, Optional.ofNullable(b.pluginsDir), UsedFolders.of(first))
                : new PluginFolders(plugins, builtIn, Optional.ofNullable(b.pluginsDir)));
        JacksonOpenAiWire wire = new JacksonOpenAiWire();
        this.engine = new Engine(metrics, wire);
        this.builder = new GenerationBuilder(folders::registry, secrets, wire, engine.children(), engine, metrics,
                Optional.of(new RunningAdmin(this)));

        engine.install(FreshThread.call("heimdall-reload", () -> DeferredPlugins.first(folders,
                () -> builder.build(config, problems, folders.registryNow()), () -> {
                    Problems again = new Problems();
                    this.config = loader.load(configFile, again);
                    return builder.build(config, again, folders.registryNow());
                })));
        if (!b.http) {
            this.server = null;
            this.inflight = null;
            this.guard = null;
            this.watcher = configWatcher(b);
            this.pluginsWatcher = pluginsWatcher(b);
            DeferredPlugins.loadRest(folders, () -> reloadQuietly("the plugin folders loaded after start"), () -> { });
            return;
        }

        String host = b.host != null ? b.host : config.server().host();
        this.boundHost = host;
        int port = b.port != null ? b.port : config.server().port();
        this.inflight = InFlightRequests.start(InFlightRequests.Settings.defaults(config.routing().maxInFlight()));
        HttpApi api = new HttpApi(engine, wire, () -> config.server().maxBodyBytes(),
                () -> config.server().requestTimeout(), () -> config.routing().timeouts().maxClient(), inflight,
                secrets);
        HttpRouting.Builder routing = HttpRouting.builder();
        routing.addFilter(new Cors(() -> config.server().cors(), wire::encodeError));
        api.routing(routing);
        // Connection limits, timeouts and HTTP/1.0 live in the guard, Helidon's only connection selector.
        this.guard = new ConnectionGuard(() -> config.server(), wire::encodeError);
        checkPortFree(host, port);
        this.server = WebServer.builder()
                .host(host)
                .port(port)
                .maxPayloadSize(-1)
                // Blocking sockets: one 8 KB read buffer per connection; NIO sockets hold 8 KB to read and 8 KB to write.
                .useNio(false)
                .writeBufferSize(HttpApi.WRITE_BUFFER_SIZE)
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
        this.watcher = configWatcher(b);
        this.pluginsWatcher = pluginsWatcher(b);
        DeferredPlugins.loadRest(folders, () -> reloadQuietly("the plugin folders loaded after start"),
                () -> engine.current().ifPresent(g -> StartupReport.log(LOG, g, configFile, folders.registryNow(),
                        host)));
    }

    private ConfigWatcher configWatcher(Builder b) {
        if (b.watch) {
            try {
                return new ConfigWatcher(configFile, () -> reloadQuietly("a change of " + configFile));
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "Cannot watch {0} for changes: {1}", configFile, e.getMessage());
            }
        }
        return null;
    }

    private PluginDirWatcher pluginsWatcher(Builder b) {
        if (b.watch && b.pluginsDir != null) {
            try {
                return new PluginDirWatcher(b.pluginsDir, () -> reloadQuietly("a change in " + b.pluginsDir));
            } catch (IOException e) {
                LOG.log(System.Logger.Level.WARNING, "Cannot watch {0} for changes: {1}", b.pluginsDir,
                        e.getMessage());
            }
        }
        return null;
    }

    /**
     * Fails with one clear line when the address is taken, before Helidon would log a stack trace for it. (The port may
     * still be taken between this check and the bind; the bind's own failure is then reported as before.)
     */
    private void checkPortFree(String host, int port) {
        if (port == 0) {
            return;
        }
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(host, port));
        } catch (IOException e) {
            inflight.close();
            engine.close();
            throw new ConfigException("server: cannot listen on " + host + ":" + port + ": " + e.getMessage()
                    + " (another process is using that port; choose another with --port or server.port)");
        }
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The port the server listens on.
     *
     * @throws IllegalStateException if the gateway was built without its HTTP server ({@link Builder#http(boolean)})
     */
    public int port() {
        if (server == null) {
            throw new IllegalStateException("this gateway runs without its HTTP server (Gateway.Builder.http(false)): "
                    + "it has no port; call it in process with chat(...), stream(...), embed(...), models()");
        }
        return server.port();
    }

    /**
     * The server's base URL, for example {@code http://127.0.0.1:8080}.
     *
     * @throws IllegalStateException if the gateway was built without its HTTP server ({@link Builder#http(boolean)})
     */
    public String baseUrl() {
        String host = boundHost;
        if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
            host = "127.0.0.1";
        } else if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return "http://" + host + ":" + port();
    }

    /** The gateway's metrics registry (the one plugins record into), for embedding applications and tests. */
    public io.heimdall.api.plugin.Metrics metrics() {
        return metrics;
    }

    /** Plugin folders that failed to load, as {@code folder: reason}. */
    public List<String> pluginFailures() {
        return folders.registry().failures().stream().map(f -> f.folder() + ": " + f.reason()).toList();
    }

    /** The ids of every loaded factory by kind (provider types, hook ids, ...). */
    public Map<String, List<String>> loadedFactories() {
        Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        for (PluginRegistry.Kind k : PluginRegistry.Kind.values()) {
            out.put(k.name().toLowerCase(java.util.Locale.ROOT), List.copyOf(folders.registry().all(k).keySet()));
        }
        return out;
    }

    // ------------------------------------------------------------------ in process (embedding)

    /**
     * The whole request pipeline (hooks, cache, router, retries, fallbacks, providers, observers), as the HTTP routes
     * run it, for calling in process. Works with or without the HTTP server, and follows config reloads.
     */
    public Pipeline pipeline() {
        return engine;
    }

    /**
     * A context for one in-process request: a new request id, no client headers, the anonymous caller, and the
     * deadline {@code server.request-timeout} from now.
     */
    public RequestContext newContext() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return newContext("req_" + Long.toHexString(r.nextLong() | Long.MIN_VALUE)
                + Long.toHexString(r.nextLong() | Long.MIN_VALUE), Instant.now().plus(config.server().requestTimeout()));
    }

    /** A context for one in-process request with the given id and deadline (no client headers, anonymous caller). */
    public RequestContext newContext(String requestId, Instant deadline) {
        return DefaultRequestContext.inProcess(requestId, deadline);
    }

    /**
     * A chat completion in process, with a {@link #newContext() new context}.
     *
     * @throws io.heimdall.api.GatewayException with the error a client would get over HTTP
     */
    public ChatResponse chat(ChatRequest request) {
        return engine.chat(request, newContext());
    }

    /**
     * A streamed chat completion in process, with a {@link #newContext() new context}: each chunk is given to
     * {@code sink} as it arrives, before the next is read from the upstream; returns when the stream ended.
     *
     * @throws io.heimdall.api.GatewayException with the error a client would get over HTTP
     */
    public void stream(ChatRequest request, ChunkSink sink) {
        engine.stream(request, newContext(), sink);
    }

    /**
     * Embeddings in process, with a {@link #newContext() new context}.
     *
     * @throws io.heimdall.api.GatewayException with the error a client would get over HTTP
     */
    public EmbeddingResponse embed(EmbeddingRequest request) {
        return engine.embed(request, newContext());
    }

    /** The models {@code GET /v1/models} would list, in process, with a {@link #newContext() new context}. */
    public List<ModelInfo> models() {
        return engine.models(newContext());
    }

    /** The config file, or null for none (for the admin). */
    Path configPath() {
        return configFile;
    }

    /** The config in force (for the admin). */
    GatewayConfig config() {
        return config;
    }

    /** The config reader (for the admin). */
    ConfigLoader loader() {
        return loader;
    }

    /** The generation builder (for the admin). */
    GenerationBuilder generationBuilder() {
        return builder;
    }

    /** The engine (for the admin). */
    Engine engine() {
        return engine;
    }

    /** The registry in force (for tests and the admin). */
    PluginRegistry registry() {
        return folders.registry();
    }

    /** The gateway's metrics (for tests). */
    MetricsRegistry metricsRegistry() {
        return metrics;
    }

    /** Whether this gateway runs its HTTP server (for tests). */
    boolean serving() {
        return server != null;
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
     * Reads the config file again, rescans the plugins folder, and applies both if valid: new requests use the new
     * config and plugins, requests in flight finish on the old ones. A plugin folder that is new or whose jars changed
     * is loaded into a new layer (instances built from a replaced jar are rebuilt from the new one); an unchanged one
     * keeps its layer and its instances; a removed one is dropped, and a config still using it is refused. The old
     * layers are released once their last request ended. A change of server host or port needs a restart and is only
     * logged.
     *
     * @return the problems that prevented the change, empty if it was applied
     */
    public synchronized List<String> reload() {
        GatewayConfig next;
        Generation generation;
        PluginFolders.Scan scan;
        try {
            record Built(GatewayConfig config, PluginFolders.Scan scan, Generation generation) {
            }
            Built built = FreshThread.call("heimdall-reload", () -> {
                PluginFolders.Scan s = folders.scan();
                Problems problems = new Problems();
                GatewayConfig c = loader.load(configFile, problems);
                return new Built(c, s, builder.build(c, problems, s.registry()));
            });
            next = built.config();
            scan = built.scan();
            generation = built.generation();
        } catch (ConfigException e) {
            engine.metrics().reload("refused");
            return e.problems();
        }
        folders.commit(scan);
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

    private void reloadQuietly(String trigger) {
        List<String> problems = reload();
        if (problems.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "Config reloaded from {0} after {1}", configFile, trigger);
        } else {
            LOG.log(System.Logger.Level.ERROR, "Reload after {0} rejected; keeping the running config and plugins:"
                    + "\n  {1}", trigger, String.join("\n  ", problems));
        }
    }

    private static void addFactory(PluginRegistry registry, Factory<?> f) {
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
        if (pluginsWatcher != null) {
            pluginsWatcher.close();
        }
        if (server != null) {
            server.stop();
            guard.close();
            inflight.close();
        }
        engine.close();
    }

    /** Builds and starts a {@link Gateway}. */
    public static final class Builder {
        private Path config;
        private Path pluginsDir;
        private String host;
        private Integer port;
        private boolean watch = true;
        private boolean http = true;
        private boolean deferUnusedPlugins;
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

        /**
         * Whether to watch the config file and the plugins folder, and reload on a change of either (default true).
         */
        public Builder watchConfig(boolean value) {
            this.watch = value;
            return this;
        }

        /** The environment {@code ${env:NAME}} reads (default: the process environment). */
        public Builder environment(Map<String, String> value) {
            this.env = Map.copyOf(value);
            return this;
        }

        /**
         * Whether to run the HTTP server (default true). Without it no port is opened: the gateway is called in process
         * through {@link Gateway#chat(ChatRequest)}, {@link Gateway#stream}, {@link Gateway#embed},
         * {@link Gateway#models()} and {@link Gateway#pipeline()}; config reloads and plugins work the same, and the
         * {@code server:} settings other than {@code request-timeout} do not apply.
         */
        public Builder http(boolean value) {
            this.http = value;
            return this;
        }

        /**
         * Whether to load only the plugin folders the config names before listening and the others right after, in the
         * background (default false; {@code bin/heimdall} sets it). The start-up report is logged once all are loaded.
         */
        public Builder deferUnusedPlugins(boolean value) {
            this.deferUnusedPlugins = value;
            return this;
        }

        /** Adds a factory directly, as if a plugin provided it (for embedding and tests). */
        public Builder factory(Factory<?> factory) {
            this.factories.add(factory);
            return this;
        }

        /**
         * Loads plugins and config, and starts serving (over HTTP unless {@link #http(boolean) http(false)}).
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
