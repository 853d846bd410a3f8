package io.heimdall.plugin.opentelemetry;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.ssl.ClientTlsStrategyBuilder;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.NoHttpResponseException;
import org.apache.hc.core5.http.io.SocketConfig;
import org.apache.hc.core5.http.io.entity.AbstractHttpEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.Timeout;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The OTLP/HTTP exporter's sender on Apache HttpClient 5 classic: HTTP/1.1 on a pooled, kept-alive connection to the
 * one collector, the configured headers, the SDK marshaler's body streamed into the connection in
 * {@value #WRITE_CHUNK}-byte writes (gzip when the exporter compresses), connect and request timeouts, and the
 * exporter's retry policy. {@link #send} runs on the caller's thread (the span queue's export thread): no hand-off
 * per export. The exporter's executor and proxy options are not used.
 */
final class ApacheHttpSender implements HttpSender {
    private static final int[] RETRYABLE = {429, 502, 503, 504};
    /**
     * Bytes per socket write. The marshaler writes a batch (~250 KB for 512 spans) in small pieces, which the
     * connection's own 8 KB buffer would turn into some thirty writes, each a trip through the TCP stack (for a
     * collector on the same host, the receiver's side too, on this thread).
     */
    static final int WRITE_CHUNK = 64 * 1024;

    private final URI endpoint;
    private final ContentType contentType;
    private final Compressor compressor;
    private final HttpSenderConfig config;
    private final RetryPolicy retry;
    private final long maxBody;
    private final CloseableHttpClient client;
    /** Where a body is gathered into {@link #WRITE_CHUNK}-sized writes; {@link #send} is called by one thread. */
    private final byte[] chunk = new byte[WRITE_CHUNK];

    ApacheHttpSender(HttpSenderConfig config) {
        this.config = config;
        this.endpoint = config.getEndpoint();
        this.contentType = ContentType.parse(config.getContentType());
        this.compressor = config.getCompressor();
        this.retry = config.getRetryPolicy();
        this.maxBody = config.getMaxResponseBodySize();
        var tls = ClientTlsStrategyBuilder.create();
        if (config.getSslContext() != null) {
            tls.setSslContext(config.getSslContext());
        }
        List<String> protocols = config.getEnabledProtocols();
        if (protocols != null && !protocols.isEmpty()) {
            tls.setTlsVersions(protocols.toArray(String[]::new));
        }
        Timeout timeout = timeout(config.getTimeout());
        var pool = PoolingHttpClientConnectionManagerBuilder.create()
                .setTlsSocketStrategy(tls.buildClassic())
                .setMaxConnTotal(2)
                .setMaxConnPerRoute(2)
                .setDefaultSocketConfig(SocketConfig.custom().setTcpNoDelay(true).setSoTimeout(timeout).build())
                .setDefaultConnectionConfig(ConnectionConfig.custom()
                        .setConnectTimeout(timeout(config.getConnectTimeout()))
                        .setSocketTimeout(timeout)
                        .setValidateAfterInactivity(Timeout.ofSeconds(2))
                        .build())
                .build();
        this.client = HttpClients.custom()
                .setConnectionManager(pool)
                .setDefaultRequestConfig(RequestConfig.custom()
                        .setResponseTimeout(timeout)
                        .setConnectionRequestTimeout(timeout)
                        .build())
                .disableAutomaticRetries()
                .disableRedirectHandling()
                .disableCookieManagement()
                .disableAuthCaching()
                .disableContentCompression()
                .build();
    }

    private static Timeout timeout(java.time.Duration d) {
        return d == null || d.isZero() ? Timeout.DISABLED : Timeout.of(d);
    }

    @Override
    public void send(MessageWriter writer, Consumer<HttpResponse> onResponse, Consumer<Throwable> onError) {
        int attempts = retry == null ? 1 : Math.max(1, retry.getMaxAttempts());
        long backoff = retry == null ? 0 : retry.getInitialBackoff().toNanos();
        long deadline = System.nanoTime() + config.getTimeout().toNanos();
        for (int attempt = 1; ; attempt++) {
            boolean last = attempt >= attempts;
            try {
                Answer answer = post(writer);
                if (last || !retryable(answer.status())) {
                    onResponse.accept(answer);
                    return;
                }
            } catch (IOException e) {
                if (last || !retryable(e)) {
                    onError.accept(e);
                    return;
                }
            } catch (RuntimeException e) {
                onError.accept(e);
                return;
            }
            long sleep = ThreadLocalRandom.current().nextLong(Math.max(1, backoff));
            if (System.nanoTime() + sleep > deadline) {
                onError.accept(new IOException("OTLP export gave up after " + attempt + " attempts (timeout)"));
                return;
            }
            try {
                TimeUnit.NANOSECONDS.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                onError.accept(e);
                return;
            }
            backoff = Math.min((long) (backoff * retry.getBackoffMultiplier()), retry.getMaxBackoff().toNanos());
        }
    }

    /** The policy's predicate, else (as the SDK's senders) failures to connect, timeouts and an unanswered request. */
    private boolean retryable(IOException e) {
        var predicate = retry.getRetryExceptionPredicate();
        return predicate != null ? predicate.test(e) : e instanceof java.net.ConnectException
                || e instanceof java.io.InterruptedIOException || e instanceof NoHttpResponseException;
    }

    private static boolean retryable(int status) {
        for (int s : RETRYABLE) {
            if (s == status) {
                return true;
            }
        }
        return false;
    }

    private Answer post(MessageWriter writer) throws IOException {
        HttpPost post = new HttpPost(endpoint);
        Map<String, List<String>> headers = config.getHeadersSupplier().get();
        if (headers != null) {
            headers.forEach((name, values) -> values.forEach(v -> post.addHeader(name, v)));
        }
        post.setEntity(new Body(writer, contentType, compressor, chunk));
        return client.execute(post, response -> {
            HttpEntity entity = response.getEntity();
            byte[] body = entity == null ? new byte[0] : bounded(entity);
            return new Answer(response.getCode(), response.getReasonPhrase() == null ? ""
                    : response.getReasonPhrase(), body);
        });
    }

    private byte[] bounded(HttpEntity entity) throws IOException {
        if (maxBody <= 0 || maxBody >= Integer.MAX_VALUE) {
            return EntityUtils.toByteArray(entity);
        }
        try (InputStream in = entity.getContent()) {
            byte[] body = in.readNBytes((int) maxBody);
            if (in.read() != -1) {
                throw new IOException("the collector's answer is larger than " + maxBody + " bytes");
            }
            return body;
        }
    }

    @Override
    public CompletableResultCode shutdown() {
        client.close(CloseMode.GRACEFUL);
        return CompletableResultCode.ofSuccess();
    }

    /** The collector's answer as the exporter reads it. */
    private record Answer(int status, String message, byte[] body) implements HttpResponse {
        @Override
        public int getStatusCode() {
            return status;
        }

        @Override
        public String getStatusMessage() {
            return message;
        }

        @Override
        public byte[] getResponseBody() {
            return body;
        }
    }

    /**
     * The marshaler's message written into the connection (through the compressor, if any) when it is sent, in
     * chunk-sized writes.
     */
    private static final class Body extends AbstractHttpEntity {
        private final MessageWriter writer;
        private final Compressor compressor;
        private final byte[] chunk;

        Body(MessageWriter writer, ContentType type, Compressor compressor, byte[] chunk) {
            super(type, compressor == null ? null : compressor.getEncoding(), compressor != null);
            this.writer = writer;
            this.compressor = compressor;
            this.chunk = chunk;
        }

        @Override
        public void writeTo(OutputStream out) throws IOException {
            Chunks chunks = new Chunks(out, chunk);
            if (compressor == null) {
                writer.writeMessage(chunks);
            } else {
                OutputStream compressed = compressor.compress(new NotClosing(chunks));
                writer.writeMessage(compressed);
                compressed.close();
            }
            chunks.flush();
        }

        @Override
        public long getContentLength() {
            return compressor == null ? writer.getContentLength() : -1;
        }

        @Override
        public InputStream getContent() {
            throw new UnsupportedOperationException("the body is streamed by writeTo");
        }

        @Override
        public boolean isRepeatable() {
            return true; // the marshaler can write the same message again (retries)
        }

        @Override
        public boolean isStreaming() {
            return false;
        }

        @Override
        public void close() {
        }
    }

    /**
     * Gathers writes into {@code chunk} and passes them on when it is full (a larger write goes through once the
     * chunk is empty) and on {@link #flush}; never closes the connection's stream.
     */
    private static final class Chunks extends OutputStream {
        private final OutputStream out;
        private final byte[] chunk;
        private int filled;

        Chunks(OutputStream out, byte[] chunk) {
            this.out = out;
            this.chunk = chunk;
        }

        @Override
        public void write(int b) throws IOException {
            if (filled == chunk.length) {
                flushChunk();
            }
            chunk[filled++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (len > chunk.length - filled) {
                flushChunk();
                if (len >= chunk.length) {
                    out.write(b, off, len);
                    return;
                }
            }
            System.arraycopy(b, off, chunk, filled, len);
            filled += len;
        }

        private void flushChunk() throws IOException {
            if (filled > 0) {
                out.write(chunk, 0, filled);
                filled = 0;
            }
        }

        @Override
        public void flush() throws IOException {
            flushChunk();
            out.flush();
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }

    /** Lets the compressor finish its stream without closing the connection's. */
    private static final class NotClosing extends java.io.FilterOutputStream {
        NotClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
