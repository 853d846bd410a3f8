package io.heimdall.plugin.prometheus;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.heimdall.api.endpoint.Endpoint;
import io.heimdall.api.endpoint.EndpointRequest;
import io.heimdall.api.endpoint.EndpointResponse;
import io.heimdall.api.observe.Observer;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginContext;
import io.prometheus.metrics.instrumentation.jvm.JvmBufferPoolMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmClassLoadingMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmCompilationMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmGarbageCollectorMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmNativeMemoryMetrics;
import io.prometheus.metrics.instrumentation.jvm.JvmRuntimeInfoMetric;
import io.prometheus.metrics.instrumentation.jvm.JvmThreadsMetrics;
import io.prometheus.metrics.instrumentation.jvm.ProcessMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The plugin instance: an observer adding the upstream series ({@link UpstreamMetrics}) and the {@code /metrics}
 * route, either on the gateway's port or on a small JDK HTTP server of its own, closed with the instance.
 */
final class PrometheusPlugin implements Plugin {
    private final PrometheusSettings settings;
    private final Exposition exposition;
    private final UpstreamMetrics upstream;
    private final Optional<HttpServer> server;
    private final Optional<ExecutorService> executor;

    private PrometheusPlugin(PrometheusSettings settings, Exposition exposition, UpstreamMetrics upstream,
                             Optional<HttpServer> server, Optional<ExecutorService> executor) {
        this.settings = settings;
        this.exposition = exposition;
        this.upstream = upstream;
        this.server = server;
        this.executor = executor;
    }

    /**
     * The JVM metrics of client_java's {@code JvmMetrics} bundle, read at scrape time, except the per-pool allocation
     * counter: it listens to every GC's JMX notification, and building those notifications cost about 1 % of the
     * gateway's CPU under load (a young collection every few dozen milliseconds).
     */
    private static void registerJvmMetrics(PrometheusRegistry registry) {
        JvmThreadsMetrics.builder().register(registry);
        JvmBufferPoolMetrics.builder().register(registry);
        JvmClassLoadingMetrics.builder().register(registry);
        JvmCompilationMetrics.builder().register(registry);
        JvmGarbageCollectorMetrics.builder().register(registry);
        JvmMemoryMetrics.builder().register(registry);
        JvmNativeMemoryMetrics.builder().register(registry);
        JvmRuntimeInfoMetric.builder().register(registry);
        ProcessMetrics.builder().register(registry);
    }

    /** Builds the instance and, with a {@code port}, starts its server. */
    static PrometheusPlugin start(PrometheusSettings settings, PluginContext context) {
        PrometheusRegistry own = new PrometheusRegistry();
        if (settings.jvmMetrics()) {
            try {
                registerJvmMetrics(own);
            } catch (RuntimeException | LinkageError e) {
                // java.management missing from the boot layer: serve the gateway's metrics without the JVM's.
                context.logger().log(System.Logger.Level.WARNING, "JVM metrics unavailable: " + e);
            }
        }
        Exposition exposition = new Exposition(context.metrics(), own, context.logger());
        UpstreamMetrics upstream = new UpstreamMetrics(context.metrics());
        if (settings.port().isEmpty()) {
            return new PrometheusPlugin(settings, exposition, upstream, Optional.empty(), Optional.empty());
        }
        if (ModuleLayer.boot().findModule("jdk.httpserver").isEmpty()) {
            throw new IllegalStateException("port needs the JDK module jdk.httpserver; start the JVM with "
                    + "--add-modules jdk.httpserver (bin/heimdall does), or leave port out to serve on the gateway's");
        }
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(settings.host(), settings.port().getAsInt()),
                    0);
            server.setExecutor(executor);
            server.createContext(settings.path(), exchange -> serve(exposition, settings.path(), exchange));
            server.start();
            context.logger().log(System.Logger.Level.INFO, "Prometheus metrics on http://{0}:{1,number,#}{2}",
                    settings.host(), server.getAddress().getPort(), settings.path());
            return new PrometheusPlugin(settings, exposition, upstream, Optional.of(server), Optional.of(executor));
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("cannot listen on " + settings.host() + ":" + settings.port().getAsInt()
                    + ": " + e.getMessage(), e);
        }
    }

    private static void serve(Exposition exposition, String path, HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!exchange.getRequestURI().getPath().equals(path)) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            if (!method.equals("GET") && !method.equals("HEAD")) {
                exchange.getResponseHeaders().set("allow", "GET, HEAD");
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            Exposition.Scrape scrape = exposition.scrape(Optional.ofNullable(
                    exchange.getRequestHeaders().getFirst("accept")).orElse(""));
            exchange.getResponseHeaders().set("content-type", scrape.contentType());
            if (method.equals("HEAD")) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, scrape.body().length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(scrape.body());
            }
        }
    }

    @Override
    public Optional<Observer> observer() {
        return Optional.of(upstream);
    }

    @Override
    public List<Endpoint> endpoints() {
        if (server.isPresent()) {
            return List.of();
        }
        return List.of(new Endpoint("GET", settings.path(), settings.access(), this::handle));
    }

    private void handle(EndpointRequest request, EndpointResponse response) {
        Exposition.Scrape scrape = exposition.scrape(request.header("accept").orElse(""));
        response.send(scrape.contentType(), scrape.body());
    }

    @Override
    public void close() {
        server.ifPresent(s -> s.stop(0));
        executor.ifPresent(ExecutorService::shutdownNow);
    }
}
