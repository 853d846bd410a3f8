package io.heimdall.core.internal.engine;

import io.heimdall.api.admin.GatewayAdmin;
import java.util.Optional;

import io.heimdall.api.GatewayException;
import io.heimdall.api.RequestContext;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.plugin.GatewayClient;
import io.heimdall.api.plugin.Metrics;
import io.heimdall.api.plugin.Pipeline;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.Secret;
import io.heimdall.api.http.UpstreamClient;
import io.heimdall.api.provider.ChunkSink;
import io.heimdall.api.wire.OpenAiWire;
import io.heimdall.core.internal.config.SecretResolver;
import io.heimdall.core.internal.metrics.InstanceMetrics;
import io.heimdall.core.internal.metrics.MetricsRegistry;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * The {@link PluginContext} the core gives each provider or plugin instance. It owns the instance's upstream clients
 * and is closed with the instance.
 */
public final class CorePluginContext implements PluginContext, AutoCloseable {
    private final String name;
    private final SecretResolver secrets;
    private final UpstreamClients clients;
    private final OpenAiWire wire;
    private final Metrics metrics;
    private final GatewayClient gateway;
    private final Pipeline pipeline;
    private final Optional<GatewayAdmin> admin;

    CorePluginContext(String name, SecretResolver secrets, UpstreamClients clients, OpenAiWire wire, Metrics metrics,
                      GatewayClient gateway, Pipeline pipeline) {
        this(name, secrets, clients, wire, metrics, gateway, pipeline, Optional.empty());
    }

    CorePluginContext(String name, SecretResolver secrets, UpstreamClients clients, OpenAiWire wire, Metrics metrics,
                      GatewayClient gateway, Pipeline pipeline, Optional<GatewayAdmin> admin) {
        this.admin = admin;
        this.name = name;
        this.secrets = secrets;
        this.clients = clients;
        this.wire = wire;
        // Each instance gets its own view, so that the callback gauges it registered go when it is closed.
        this.metrics = metrics instanceof MetricsRegistry registry ? new InstanceMetrics(registry) : metrics;
        this.gateway = gateway;
        this.pipeline = pipeline;
    }

    /**
     * A context outside any gateway: its own upstream clients (never closed before the JVM exits), the Jackson codec,
     * a registry of its own, and a gateway and pipeline that answer 503. For the testkit and tools.
     */
    public static CorePluginContext standalone(String name, OpenAiWire wire) {
        Detached none = new Detached();
        MetricsRegistry metrics = new MetricsRegistry();
        return new CorePluginContext(name, SecretResolver.system(), new UpstreamClients(Duration.ofSeconds(10), 1024,
                metrics), wire, metrics, none, none);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Secret resolveSecret(String reference) {
        return secrets.secret(reference);
    }

    @Override
    public UpstreamClient http(String baseUrl) {
        return clients.get(name, baseUrl);
    }

    @Override
    public OpenAiWire openAiWire() {
        return wire;
    }

    @Override
    public Clock clock() {
        return Clock.systemUTC();
    }

    @Override
    public Metrics metrics() {
        return metrics;
    }

    @Override
    public System.Logger logger() {
        return System.getLogger("heimdall.plugin." + name);
    }

    @Override
    public GatewayClient gateway() {
        return gateway;
    }

    @Override
    public Pipeline pipeline() {
        return pipeline;
    }

    @Override
    public Optional<GatewayAdmin> admin() {
        return admin;
    }

    @Override
    public void close() {
        if (metrics instanceof InstanceMetrics m) {
            m.close();
        }
        clients.close();
    }

    /** The gateway and pipeline of a standalone context: there is none, so every call answers 503. */
    private static final class Detached implements GatewayClient, Pipeline {
        private static GatewayException unavailable() {
            return new GatewayException(GatewayError.of(503, GatewayError.API_ERROR,
                    "No gateway in a standalone context", "not_ready"));
        }

        @Override
        public ChatResponse chat(ChatRequest request, RequestContext context) {
            throw unavailable();
        }

        @Override
        public void stream(ChatRequest request, RequestContext context, ChunkSink sink) {
            throw unavailable();
        }

        @Override
        public EmbeddingResponse embed(EmbeddingRequest request, RequestContext context) {
            throw unavailable();
        }

        @Override
        public List<ModelInfo> models(RequestContext context) {
            throw unavailable();
        }
    }
}
