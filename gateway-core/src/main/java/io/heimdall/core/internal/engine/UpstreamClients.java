package io.heimdall.core.internal.engine;

import io.heimdall.core.internal.http.ApacheUpstreamClient;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The upstream clients of one config generation, one per provider and base URL; closed with the generation. */
final class UpstreamClients implements AutoCloseable {
    private final Map<String, ApacheUpstreamClient> clients = new ConcurrentHashMap<>();
    private final Duration connectTimeout;

    UpstreamClients(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    ApacheUpstreamClient get(String provider, String baseUrl) {
        return clients.computeIfAbsent(provider + " " + baseUrl,
                k -> new ApacheUpstreamClient(provider, baseUrl, connectTimeout));
    }

    @Override
    public void close() {
        clients.values().forEach(ApacheUpstreamClient::close);
        clients.clear();
    }
}
