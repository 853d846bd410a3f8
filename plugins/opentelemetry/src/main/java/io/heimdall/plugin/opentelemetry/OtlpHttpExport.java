package io.heimdall.plugin.opentelemetry;

import io.opentelemetry.sdk.common.export.Compressor;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.common.export.HttpSender;
import io.opentelemetry.sdk.common.export.HttpSenderConfig;
import io.opentelemetry.sdk.common.export.MessageWriter;
import io.opentelemetry.sdk.common.export.ProxyOptions;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.resources.Resource;

import javax.net.ssl.SSLContext;
import javax.net.ssl.X509TrustManager;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * Sends batches of encoded spans to {@code <endpoint>/v1/traces} as one OTLP/HTTP protobuf
 * {@code ExportTraceServiceRequest} each: one {@code ResourceSpans} (the resource, encoded once) holding one
 * {@code ScopeSpans} (the plugin's scope, encoded once) holding the requests' spans as they were encoded, written
 * into the connection without being copied together. The HTTP side is {@link ApacheHttpSender} with the SDK's
 * default retry policy (429, 502, 503, 504 and connection failures, exponential backoff within the export timeout).
 * A failed export is counted (its spans are lost) and logged at most once a minute.
 */
final class OtlpHttpExport implements SpanQueue.Export {
    private static final System.Logger LOG = System.getLogger(OtlpHttpExport.class.getName());
    private static final String USER_AGENT = "Heimdall-OTLP-Exporter";
    /**
     * Bytes per socket write. The connection's own 8 KB buffer would make a batch (~250 KB) some thirty writes, each a
     * trip through the TCP stack (for a collector on the same host, the receiver's side too, on this thread).
     */
    private static final int CHUNK = 64 * 1024;
    private static final long LOG_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

    private final String url;
    private final HttpSender sender;
    private final byte[] resource;
    private final byte[] scope;
    private final IntConsumer failed;
    /** Where a request's pieces are gathered to be written in large writes (the export thread's only). */
    private final byte[] chunk = new byte[CHUNK];
    private long lastLogged;
    private int failedSinceLog;

    /**
     * @param settings where to send, with which headers and timeout
     * @param resource the spans' resource
     * @param scope    the instrumentation scope's name
     * @param failed   counts the spans of each failed export
     */
    OtlpHttpExport(TracingSettings settings, Resource resource, String scope, IntConsumer failed) {
        this.url = settings.tracesUrl();
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("User-Agent", List.of(USER_AGENT));
        settings.headers().forEach((k, v) -> headers.put(k, List.of(v)));
        this.sender = new ApacheHttpSender(new SenderConfig(URI.create(settings.tracesUrl()),
                settings.exportTimeout(), Map.copyOf(headers)));
        this.resource = Otlp.resource(resource);
        this.scope = Otlp.scope(scope);
        this.failed = failed;
        this.lastLogged = System.nanoTime() - LOG_INTERVAL_NANOS;
    }

    @Override
    public void export(List<EncodedSpans> batch) {
        int spans = 0;
        for (EncodedSpans s : batch) {
            spans += s.count;
        }
        Request request = new Request(batch, resource, scope, chunk);
        int count = spans;
        sender.send(request, response -> {
            if (response.getStatusCode() / 100 != 2) {
                failure(count, "HTTP " + response.getStatusCode() + " " + response.getStatusMessage());
            }
        }, error -> failure(count, error.toString()));
    }

    private void failure(int spans, String why) {
        failed.accept(spans);
        failedSinceLog++;
        long now = System.nanoTime();
        if (now - lastLogged >= LOG_INTERVAL_NANOS) {
            LOG.log(System.Logger.Level.WARNING, "OTLP export to " + url + " failed (" + why + "); "
                    + failedSinceLog + " export(s) failed since the last such message, their spans are lost");
            lastLogged = now;
            failedSinceLog = 0;
        }
    }

    @Override
    public void close() {
        sender.shutdown().join(5, TimeUnit.SECONDS);
    }

    /**
     * One {@code ExportTraceServiceRequest}: its few header bytes computed from the batch's length, then the
     * resource, the scope and each request's spans as they are, gathered into {@code chunk}-sized writes (the sender
     * may write it again to retry).
     */
    private static final class Request implements MessageWriter {
        private final List<EncodedSpans> batch;
        private final byte[] resource;
        private final byte[] scope;
        private final byte[] chunk;
        private final int length;
        private int filled;
        private final ProtoBuffer head = new ProtoBuffer(32);
        private final ProtoBuffer middle = new ProtoBuffer(32);

        Request(List<EncodedSpans> batch, byte[] resource, byte[] scope, byte[] chunk) {
            this.batch = batch;
            this.chunk = chunk;
            this.resource = resource;
            this.scope = scope;
            int spans = 0;
            for (EncodedSpans s : batch) {
                spans += s.length;
            }
            int scopeField = 1 + ProtoBuffer.varintSize(scope.length) + scope.length;
            int scopeSpans = scopeField + spans;
            int resourceField = 1 + ProtoBuffer.varintSize(resource.length) + resource.length;
            int resourceSpans = resourceField + 1 + ProtoBuffer.varintSize(scopeSpans) + scopeSpans;
            head.tag(Otlp.RESOURCE_SPANS, ProtoBuffer.LEN);
            head.varint(resourceSpans);
            head.tag(Otlp.RESOURCE, ProtoBuffer.LEN);
            head.varint(resource.length);
            middle.tag(Otlp.SCOPE_SPANS, ProtoBuffer.LEN);
            middle.varint(scopeSpans);
            middle.tag(Otlp.SCOPE, ProtoBuffer.LEN);
            middle.varint(scope.length);
            this.length = head.length() + resource.length + middle.length() + scope.length + spans;
        }

        @Override
        public void writeMessage(OutputStream out) throws IOException {
            filled = 0;
            gather(out, head.array(), head.length());
            gather(out, resource, resource.length);
            gather(out, middle.array(), middle.length());
            gather(out, scope, scope.length);
            for (EncodedSpans s : batch) {
                gather(out, s.bytes, s.length);
            }
            out.write(chunk, 0, filled);
        }

        private void gather(OutputStream out, byte[] bytes, int count) throws IOException {
            for (int from = 0; from < count; ) {
                if (filled == chunk.length) {
                    out.write(chunk, 0, filled);
                    filled = 0;
                }
                int n = Math.min(count - from, chunk.length - filled);
                System.arraycopy(bytes, from, chunk, filled, n);
                filled += n;
                from += n;
            }
        }

        @Override
        public int getContentLength() {
            return length;
        }
    }

    /** The sender's settings: protobuf, no compression, the SDK's default retry policy, the JDK's TLS defaults. */
    private record SenderConfig(URI endpoint, Duration timeout, Map<String, List<String>> headers)
            implements HttpSenderConfig {
        @Override
        public URI getEndpoint() {
            return endpoint;
        }

        @Override
        public String getContentType() {
            return "application/x-protobuf";
        }

        @Override
        public Compressor getCompressor() {
            return null;
        }

        @Override
        public Duration getTimeout() {
            return timeout;
        }

        @Override
        public Duration getConnectTimeout() {
            return timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10);
        }

        @Override
        public Supplier<Map<String, List<String>>> getHeadersSupplier() {
            return () -> headers;
        }

        @Override
        public ProxyOptions getProxyOptions() {
            return null;
        }

        @Override
        public RetryPolicy getRetryPolicy() {
            return RetryPolicy.getDefault();
        }

        @Override
        public SSLContext getSslContext() {
            return null;
        }

        @Override
        public X509TrustManager getTrustManager() {
            return null;
        }

        @Override
        public ExecutorService getExecutorService() {
            return null;
        }
    }
}
