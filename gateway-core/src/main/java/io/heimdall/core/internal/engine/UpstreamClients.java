package io.heimdall.core.internal.engine;

import io.heimdall.core.internal.http.HelidonUpstreamClient;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The upstream clients of one config generation, one per provider and base URL; closed with the generation. */
final class UpstreamClients implements AutoCloseable {
    private final Map<String, HelidonUpstreamClient> clients = new ConcurrentHashMap<>();
    private final Duration connectTimeout;

    UpstreamClients(Duration connectTimeout) {
        this.connectTimeout = connectTimeout;
    }

    HelidonUpstreamClient get(String provider, String baseUrl) {
        return clients.computeIfAbsent(provider + " " + baseUrl,
                k -> new HelidonUpstreamClient(provider, baseUrl, connectTimeout));
    }

    @Override
    public void close() {
        clients.values().forEach(HelidonUpstreamClient::close);
        clients.clear();
    }
}
