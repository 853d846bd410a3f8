package io.heimdall.core.internal.engine;

import io.heimdall.core.internal.http.ApacheUpstreamClient;
import io.heimdall.core.internal.metrics.MetricsRegistry;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The upstream clients of one provider or plugin instance, one per base URL; closed with the instance. Each pool's
 * use is visible as gauges: {@code upstream_connections{provider,state=leased|pending|idle|max}} and the count of
 * requests that found the pool exhausted.
 */
final class UpstreamClients implements AutoCloseable {
    private static final String[] STATES = {"leased", "pending", "idle", "max"};

    private final Map<String, ApacheUpstreamClient> clients = new ConcurrentHashMap<>();
    private final Duration connectTimeout;
    private final int maxConnections;
    private final MetricsRegistry metrics;

    UpstreamClients(Duration connectTimeout, int maxConnections, MetricsRegistry metrics) {
        this.connectTimeout = connectTimeout;
        this.maxConnections = maxConnections;
        this.metrics = metrics;
    }

    ApacheUpstreamClient get(String owner, String baseUrl) {
        return clients.computeIfAbsent(baseUrl, k -> {
            ApacheUpstreamClient c = new ApacheUpstreamClient(owner, baseUrl, connectTimeout, maxConnections);
            for (int i = 0; i < STATES.length; i++) {
                int index = i;
                metrics.gauge("upstream_connections", labels(owner, baseUrl, STATES[i]), () -> c.poolStats()[index]);
            }
            metrics.gauge("upstream_pool_exhausted", labels(owner, baseUrl, "total"), () -> c.poolStats()[4]);
            return c;
        });
    }

    private static Map<String, String> labels(String owner, String baseUrl, String state) {
        return Map.of("provider", owner, "upstream", hostOf(baseUrl), "state", state);
    }

    private static String hostOf(String baseUrl) {
        try {
            String authority = java.net.URI.create(baseUrl.strip()).getAuthority();
            return authority == null ? "unknown" : authority;
        } catch (IllegalArgumentException e) {
            return "unknown";
        }
    }

    @Override
    public void close() {
        for (Map.Entry<String, ApacheUpstreamClient> e : clients.entrySet()) {
            for (String state : STATES) {
                metrics.removeGauge("upstream_connections", labels(e.getValue().provider(), e.getKey(), state));
            }
            metrics.removeGauge("upstream_pool_exhausted", labels(e.getValue().provider(), e.getKey(), "total"));
            e.getValue().close();
        }
        clients.clear();
    }
}
