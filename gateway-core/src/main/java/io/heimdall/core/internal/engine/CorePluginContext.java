package io.heimdall.core.internal.engine;

import io.heimdall.api.GatewayException;
import io.heimdall.api.RequestContext;
import io.heimdall.api.http.UpstreamClient;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.plugin.GatewayClient;
import io.heimdall.api.plugin.Metrics;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.Secret;
import io.heimdall.api.provider.ChunkSink;
import io.heimdall.api.wire.OpenAiWire;
import io.heimdall.core.internal.config.SecretResolver;

import java.time.Clock;
import java.time.Duration;

/** The {@link PluginContext} the core gives each plugin instance. */
public final class CorePluginContext implements PluginContext {
    private final String name;
    private final SecretResolver secrets;
    private final UpstreamClients clients;
    private final OpenAiWire wire;
    private final Metrics metrics;
    private final GatewayClient gateway;

    CorePluginContext(String name, SecretResolver secrets, UpstreamClients clients, OpenAiWire wire, Metrics metrics,
                      GatewayClient gateway) {
        this.name = name;
        this.secrets = secrets;
        this.clients = clients;
        this.wire = wire;
        this.metrics = metrics;
        this.gateway = gateway;
    }

    /**
     * A context outside any gateway: its own upstream clients (never closed before the JVM exits), the Jackson codec,
     * no-op metrics, and a gateway client that answers 503. For the testkit and tools.
     */
    public static CorePluginContext standalone(String name, io.heimdall.api.wire.OpenAiWire wire) {
        GatewayClient none = new GatewayClient() {
            private GatewayException unavailable() {
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
        };
        return new CorePluginContext(name, SecretResolver.system(), new UpstreamClients(Duration.ofSeconds(10)), wire,
                Metrics.noop(), none);
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
}
