package io.heimdall.core.internal.http;

import io.heimdall.api.GatewayException;
import io.heimdall.api.http.UpstreamClient;
import io.heimdall.api.http.UpstreamRequest;
import io.heimdall.api.http.UpstreamResponse;
import io.heimdall.api.model.GatewayError;
import org.apache.hc.client5.http.ConnectTimeoutException;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.message.BasicClassicHttpRequest;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link UpstreamClient} for one base URL on Apache HttpClient 5's minimal classic client (blocking I/O, run on the
 * request's virtual thread): keep-alive connections pooled, no execution chain (no automatic retries, redirects,
 * cookies, authentication or decompression), so the gateway alone decides what happens on failure. A request that
 * names no {@code User-Agent} says {@value #USER_AGENT}. Connection failures become 502 {@code upstream_unreachable},
 * timeouts 504 {@code upstream_timeout}; messages name the provider and the host, never headers.
 */
public final class ApacheUpstreamClient implements UpstreamClient {
    /** What upstream requests that name no user agent of their own say they come from. */
    static final String USER_AGENT = "heimdall";
    private static final int MAX_URIS = 256;
    private static final int BUFFER_BYTES = 4096;
    private final String provider;
    private final String baseUrl;
    private final String authority;
    private final String host;
    private final int port;
    private final HttpHost target;
    private final CloseableHttpClient client;
    private final PoolingHttpClientConnectionManager pool;
    private final java.util.concurrent.atomic.AtomicLong lastSaturationLog = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.LongAdder saturations = new java.util.concurrent.atomic.LongAdder();
    private final Map<Duration, RequestConfig> configs = new ConcurrentHashMap<>();
    private final Map<String, URI> uris = new ConcurrentHashMap<>();

    /**
     * Creates a client.
     *
     * @param provider       the provider name, for error messages
     * @param baseUrl        the base URL every request path is appended to
     * @param connectTimeout how long to wait for a TCP connection
     * @param maxConnections the cap on pooled connections to this upstream
     */
    public ApacheUpstreamClient(String provider, String baseUrl, Duration connectTimeout, int maxConnections) {
        this.provider = provider;
        this.baseUrl = stripTrailingSlash(baseUrl);
        URI uri = URI.create(this.baseUrl);
        if (uri.getScheme() == null || uri.getHost() == null
                || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new IllegalArgumentException("base-url must be an absolute http(s) URL: " + baseUrl);
        }
        this.authority = uri.getAuthority();
        this.host = uri.getHost();
        this.port = uri.getPort() > 0 ? uri.getPort() : uri.getScheme().equals("https") ? 443 : 80;
        this.target = new HttpHost(uri.getScheme(), host, port);
        this.pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setMaxConnTotal(maxConnections)
                .setMaxConnPerRoute(maxConnections)
                .setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).build())
                // 4 KB session buffers instead of 8 KB: each pooled connection holds one to read and one to write
                // (a chat response or an SSE chunk fits; a bigger body is read in more than one call). Chunked bodies
                // tell whether the next read would block also at a chunk's end (deferred stream flushes).
                .setConnectionFactory(ChunkAwareConnection.factory(
                        Http1Config.custom().setBufferSize(BUFFER_BYTES).build()))
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(Timeout.of(connectTimeout))
                        .setValidateAfterInactivity(Timeout.ofSeconds(2))
                        .build())
                .build();
        // The minimal client: no execution chain (redirects, authentication, cookies, retries, decompression: all
        // off or the gateway's own business anyway); the full chain cost ~2.5 us of CPU per request on the profile,
        // most of it an authentication scope's path prefix worked out from the URI of every request.
        this.client = HttpClients.createMinimal(pool);
    }

    private static String stripTrailingSlash(String url) {
        String u = url.strip();
        while (u.endsWith("/")) {
            u = u.substring(0, u.length() - 1);
        }
        return u;
    }

    @Override
    public UpstreamResponse send(UpstreamRequest request) {
        BasicClassicHttpRequest req = new BasicClassicHttpRequest(request.method(), uri(request.path()));
        String type = null;
        boolean agent = false;
        for (Map.Entry<String, String> h : request.headers().entrySet()) {
            if (!h.getKey().equalsIgnoreCase("content-type")) {
                req.addHeader(h.getKey(), h.getValue());
                agent |= h.getKey().equalsIgnoreCase("user-agent");
            } else if (type == null) {
                type = h.getValue();
            }
        }
        if (!agent) {
            req.addHeader("User-Agent", USER_AGENT); // else the minimal client names itself and its Java version
        }
        if (request.body().length > 0 || request.method().equals("POST")) {
            type = type == null ? "application/json" : type;
            req.setEntity(new ByteArrayEntity(request.body(), null, false));
            req.setHeader("Content-Type", type);
        }
        Optional<UpstreamScope> scope = UpstreamScope.current();
        RequestConfig config;
        if (scope.isPresent()) {
            UpstreamScope s = scope.get();
            s.calling(host, port);
            s.applyTo(request.headers(), req::addHeader);
            // No wait may pass the request's deadline: not for a pooled connection, not for the response. On a
            // virtual thread the WaitWatch interrupt bounds every read (the first byte, each later one) and the
            // in-flight watchdog the deadline, so the socket read itself is left untimed: a timed read costs a
            // virtual thread a delayed task scheduled and cancelled on every park (~30 us of CPU per request).
            Duration socketTimeout = Thread.currentThread().isVirtual()
                    ? Duration.ZERO : s.responseTimeout(request.timeout());
            config = RequestConfig.custom()
                    .setResponseTimeout(socketTimeout.isZero() ? Timeout.DISABLED : Timeout.of(socketTimeout))
                    .setConnectionRequestTimeout(Timeout.of(s.remaining()))
                    .setRedirectsEnabled(false)
                    .build();
        } else {
            config = configs.computeIfAbsent(request.timeout(), t -> RequestConfig.custom()
                    .setResponseTimeout(Timeout.of(t))
                    .setConnectionRequestTimeout(Timeout.of(t))
                    .setRedirectsEnabled(false)
                    .build());
        }
        org.apache.hc.client5.http.protocol.HttpClientContext context =
                org.apache.hc.client5.http.protocol.HttpClientContext.create();
        context.setRequestConfig(config);
        WaitWatch.Wait wait = scope.isPresent() ? WaitWatch.register() : null;
        try {
            if (wait != null) {
                wait.begin(scope.get().firstByteWait(), "its first byte");
            }
            ClassicHttpResponse response;
            try {
                response = client.executeOpen(target, req, context);
            } finally {
                if (wait != null) {
                    wait.end();
                }
            }
            scope.ifPresent(s -> s.responseArrived(() -> java.util.Arrays.stream(response.getHeaders())
                    .map(h -> Map.entry(h.getName(), h.getValue())).iterator()));
            return new Response(response, wait, scope.map(UpstreamScope::idleWait).orElse(Duration.ZERO));
        } catch (IOException | RuntimeException e) {
            if (wait != null) {
                wait.close();
            }
            throw translate(e, wait);
        }
    }

    /** The URI of a path under the base URL: parsed once per path (~1 us each time), up to {@value #MAX_URIS} paths. */
    private URI uri(String path) {
        URI uri = uris.get(path);
        if (uri == null) {
            uri = URI.create(baseUrl + (path.startsWith("/") ? path : "/" + path));
            if (uris.size() < MAX_URIS) {
                uris.putIfAbsent(path, uri);
            }
        }
        return uri;
    }

    private GatewayException translate(Throwable e) {
        return translate(e, null);
    }

    private GatewayException translate(Throwable e, WaitWatch.Wait wait) {
        if (e instanceof GatewayException g) {
            return g;
        }
        if (wait != null && wait.expired()) {
            return new GatewayException(GatewayError.of(504, GatewayError.TIMEOUT, "Provider '" + provider
                    + "' did not send " + wait.what() + " in time (routing.timeouts)", "upstream_timeout"), e);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof org.apache.hc.core5.http.ConnectionRequestTimeoutException) {
                saturated();
                return new GatewayException(GatewayError.of(503, GatewayError.API_ERROR, "Provider '" + provider
                        + "': every pooled connection to " + authority + " is busy (routing.max-connections is "
                        + pool.getMaxTotal() + ")", "upstream_pool_exhausted").withRetryAfter(Duration.ofSeconds(1)), e);
            }
            if (t instanceof ConnectTimeoutException) {
                return new GatewayException(GatewayError.upstreamUnreachable(provider,
                        "no connection to " + authority + " within the connect timeout"), e);
            }
            if (t instanceof SocketTimeoutException) {
                return new GatewayException(GatewayError.upstreamTimeout(provider), e);
            }
            if (t instanceof HttpHostConnectException || t instanceof java.net.ConnectException) {
                return new GatewayException(GatewayError.upstreamUnreachable(provider,
                        "connection refused by " + authority), e);
            }
        }
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new GatewayException(GatewayError.upstreamUnreachable(provider, sanitize(detail)), e);
    }

    private static String sanitize(String message) {
        String oneLine = message.replaceAll("\\s+", " ");
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
    }

    private void saturated() {
        saturations.increment();
        long now = System.nanoTime();
        long last = lastSaturationLog.get();
        if (now - last > 60_000_000_000L && lastSaturationLog.compareAndSet(last, now)) {
            System.getLogger(ApacheUpstreamClient.class.getName()).log(System.Logger.Level.WARNING,
                    "Provider {0}: all {1} pooled connections to {2} are busy; requests wait and some time out "
                            + "(raise routing.max-connections, or the provider is slow)", provider,
                    pool.getMaxTotal(), authority);
        }
    }

    /** The owner's name (provider or plugin). */
    public String provider() {
        return provider;
    }

    /** Connections in use, waiting for a connection, idle in the pool, and the cap. */
    public long[] poolStats() {
        org.apache.hc.core5.pool.PoolStats st = pool.getTotalStats();
        return new long[]{st.getLeased(), st.getPending(), st.getAvailable(), st.getMax(), saturations.sum()};
    }

    /** Closes pooled connections. */
    public void close() {
        client.close(CloseMode.IMMEDIATE);
    }

    private final class Response implements UpstreamResponse {
        private final ClassicHttpResponse response;
        private final WaitWatch.Wait wait;
        private final Duration idle;
        private InputStream body;

        Response(ClassicHttpResponse response, WaitWatch.Wait wait, Duration idle) {
            this.response = response;
            this.wait = wait;
            this.idle = idle;
        }

        @Override
        public int status() {
            return response.getCode();
        }

        @Override
        public Optional<String> header(String name) {
            Header h = response.getFirstHeader(name);
            return h == null ? Optional.empty() : Optional.ofNullable(h.getValue());
        }

        @Override
        public InputStream body() {
            if (body == null) {
                HttpEntity entity = response.getEntity();
                try {
                    body = new TranslatingInputStream(entity == null ? InputStream.nullInputStream()
                            : entity.getContent(), wait, idle);
                } catch (IOException e) {
                    throw translate(e);
                }
            }
            return body;
        }

        @Override
        public byte[] readBody(int limit) {
            // With a Content-Length, read exactly that: one array, no growing buffers.
            HttpEntity entity = response.getEntity();
            long length = entity == null ? 0 : entity.getContentLength();
            try {
                return length >= 0 && length <= limit ? body().readNBytes((int) length) : body().readNBytes(limit);
            } catch (IOException e) {
                throw translate(e, wait);
            }
        }

        @Override
        public void close() {
            if (wait != null) {
                wait.close();
            }
            try {
                response.close();
            } catch (IOException e) {
                // the connection is dropped instead of returned to the pool
            }
        }
    }

    /** Turns read failures mid-body into the same gateway errors as failures before it. */
    private final class TranslatingInputStream extends InputStream {
        private final InputStream in;
        private final WaitWatch.Wait wait;
        private final Duration idle;
        private final Optional<UpstreamScope> scope = UpstreamScope.current();

        TranslatingInputStream(InputStream in, WaitWatch.Wait wait, Duration idle) {
            this.in = in;
            this.wait = wait;
            this.idle = idle;
        }

        /**
         * Before a read that may block, output a stream writer deferred is flushed (see
         * {@link UpstreamScope#readsBody()}); a read of bytes already buffered needs no wait watch.
         */
        private boolean buffered() {
            if (scope.isEmpty()) {
                return false;
            }
            UpstreamScope s = scope.get();
            s.reading();
            try {
                if (in.available() > 0) {
                    return true;
                }
            } catch (IOException e) {
                // the read below reports it
            }
            s.beforeBlockingRead();
            return false;
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n <= 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (buffered()) {
                try {
                    return in.read(b, off, len);
                } catch (IOException | RuntimeException e) {
                    throw translate(e, wait);
                }
            }
            if (wait != null) {
                wait.begin(idle, "its next bytes");
            }
            try {
                return in.read(b, off, len);
            } catch (IOException | RuntimeException e) {
                if (wait != null) {
                    wait.end();
                }
                throw translate(e, wait);
            } finally {
                if (wait != null) {
                    wait.end();
                }
            }
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
