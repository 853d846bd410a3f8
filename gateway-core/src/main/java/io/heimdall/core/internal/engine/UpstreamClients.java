package io.heimdall.core.internal.engine;

import io.heimdall.core.internal.http.ApacheUpstreamClient;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The upstream clients of one provider or plugin instance, one per base URL; closed with the instance. */
final class UpstreamClients implements AutoCloseable {
    private final Map<String, ApacheUpstreamClient> clients = new ConcurrentHashMap<>();
    private final Duration connectTimeout;
    private final int maxConnections;

    UpstreamClients(Duration connectTimeout, int maxConnections) {
        this.connectTimeout = connectTimeout;
        this.maxConnections = maxConnections;
    }

    ApacheUpstreamClient get(String owner, String baseUrl) {
        return clients.computeIfAbsent(baseUrl,
                k -> new ApacheUpstreamClient(owner, baseUrl, connectTimeout, maxConnections));
    }

    @Override
    public void close() {
        clients.values().forEach(ApacheUpstreamClient::close);
        clients.clear();
    }
}
