package io.heimdall.core.internal.http;

import io.heimdall.api.GatewayException;
import io.heimdall.api.http.UpstreamClient;
import io.heimdall.api.http.UpstreamRequest;
import io.heimdall.api.http.UpstreamResponse;
import io.heimdall.api.model.GatewayError;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientRequest;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An {@link UpstreamClient} for one base URL on Helidon's HTTP/1.1 client: keep-alive connections pooled per host,
 * blocking calls for virtual threads. Connection failures become 502 {@code upstream_unreachable}, timeouts 504
 * {@code upstream_timeout}; messages name the provider and the host, never headers.
 */
public final class HelidonUpstreamClient implements UpstreamClient {
    private static final Map<String, HeaderName> HEADER_NAMES = new ConcurrentHashMap<>();

    private final String provider;
    private final String baseUrl;
    private final Http1Client client;

    /**
     * Creates a client.
     *
     * @param provider       the provider name, for error messages
     * @param baseUrl        the base URL every request path is appended to
     * @param connectTimeout how long to wait for a TCP connection
     */
    public HelidonUpstreamClient(String provider, String baseUrl, Duration connectTimeout) {
        this.provider = provider;
        this.baseUrl = stripTrailingSlash(baseUrl);
        URI uri = URI.create(this.baseUrl);
        if (uri.getScheme() == null || uri.getHost() == null
                || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
            throw new IllegalArgumentException("base-url must be an absolute http(s) URL: " + baseUrl);
        }
        this.client = Http1Client.builder()
                .connectTimeout(connectTimeout)
                .shareConnectionCache(false)
                .connectionCacheSize(256)
                .followRedirects(false)
                .sendExpectContinue(false)
                .proxy(Proxy.noProxy())
                .servicesDiscoverServices(false)
                .contentEncoding(c -> c.contentEncodingsDiscoverServices(false))
                .socketOptions(s -> s.tcpNoDelay(true).connectTimeout(connectTimeout))
                .build();
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
        String path = request.path().startsWith("/") ? request.path() : "/" + request.path();
        Http1ClientRequest req = client.method(Method.create(request.method()))
                .uri(baseUrl + path)
                .readTimeout(request.timeout());
        for (Map.Entry<String, String> h : request.headers().entrySet()) {
            req.header(HEADER_NAMES.computeIfAbsent(h.getKey(), HeaderNames::create), h.getValue());
        }
        try {
            HttpClientResponse res = request.body().length == 0 && !request.method().equals("POST")
                    ? req.request()
                    : req.submit(request.body());
            return new Response(res);
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    private GatewayException translate(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t.getClass().getSimpleName().contains("Timeout")) {
                return new GatewayException(GatewayError.upstreamTimeout(provider), e);
            }
            if (t instanceof ConnectException) {
                return new GatewayException(GatewayError.upstreamUnreachable(provider,
                        "connection refused by " + URI.create(baseUrl).getAuthority()), e);
            }
        }
        String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return new GatewayException(GatewayError.upstreamUnreachable(provider, sanitize(detail)), e);
    }

    private static String sanitize(String message) {
        String oneLine = message.replaceAll("\\s+", " ");
        return oneLine.length() > 200 ? oneLine.substring(0, 200) + "..." : oneLine;
    }

    /** Closes pooled connections. */
    public void close() {
        client.closeResource();
    }

    private final class Response implements UpstreamResponse {
        private final HttpClientResponse response;
        private InputStream body;

        Response(HttpClientResponse response) {
            this.response = response;
        }

        @Override
        public int status() {
            return response.status().code();
        }

        @Override
        public Optional<String> header(String name) {
            return response.headers().first(HEADER_NAMES.computeIfAbsent(name, HeaderNames::create));
        }

        @Override
        public InputStream body() {
            if (body == null) {
                body = new TranslatingInputStream(response.inputStream());
            }
            return body;
        }

        @Override
        public byte[] readBody(int limit) {
            // With a Content-Length, read exactly that: one array, no growing buffers.
            long length = response.headers().contentLength().orElse(-1);
            try {
                if (length >= 0 && length <= limit) {
                    return body().readNBytes((int) length);
                }
                return body().readNBytes(limit);
            } catch (IOException e) {
                throw translate(e);
            }
        }

        @Override
        public void close() {
            response.close();
        }
    }

    /** Turns read failures mid-body into the same gateway errors as failures before it. */
    private final class TranslatingInputStream extends InputStream {
        private final InputStream in;

        TranslatingInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() {
            try {
                return in.read();
            } catch (GatewayException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw translate(e);
            }
        }

        @Override
        public int read(byte[] b, int off, int len) {
            try {
                return in.read(b, off, len);
            } catch (GatewayException e) {
                throw e;
            } catch (IOException | RuntimeException e) {
                throw translate(e);
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
