package io.heimdall.plugin.opentelemetry;

import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.RetryPolicy;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The span exporter for a plain {@code http://} collector: {@link OtlpTraceEncoder} writes the batch as an OTLP
 * protobuf request into a reused buffer and {@link Http11Sender} posts it, both on the calling thread (the batch
 * processor's). Failures are logged at most once a minute, with the number of exports that failed meanwhile; never
 * with header values.
 */
final class DirectOtlpExporter implements SpanExporter {
    private static final long LOG_EVERY_NANOS = Duration.ofMinutes(1).toNanos();

    private final System.Logger log;
    private final OtlpTraceEncoder encoder = new OtlpTraceEncoder();
    private final Http11Sender sender;
    /** The endpoint as logged: without user info or query, which may hold credentials. */
    private final String where;
    private final AtomicLong failures = new AtomicLong();
    private long lastLog = System.nanoTime() - LOG_EVERY_NANOS;

    /**
     * An exporter posting to {@code endpoint} ({@code <endpoint>/v1/traces}).
     *
     * @param endpoint the collector's traces URL, {@code http://} only
     * @param headers  headers sent with every export
     * @param timeout  the bound of one export (also of a connect, up to 10 s)
     * @param log      where failures are reported
     */
    DirectOtlpExporter(URI endpoint, Map<String, String> headers, Duration timeout, System.Logger log) {
        this.where = endpoint.getScheme() + "://" + endpoint.getHost()
                + (endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort()) + endpoint.getRawPath();
        this.log = log;
        Duration connect = timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10);
        this.sender = new Http11Sender(endpoint, headers, connect, timeout, Optional.of(RetryPolicy.getDefault()));
    }

    @Override
    public synchronized CompletableResultCode export(Collection<SpanData> spans) {
        if (spans.isEmpty()) {
            return CompletableResultCode.ofSuccess();
        }
        encoder.encode(spans);
        try {
            Http11Sender.Response response = sender.send(encoder.bytes(), encoder.size());
            if (response.status() / 100 == 2) {
                return CompletableResultCode.ofSuccess();
            }
            failed(spans.size(), "the collector answered " + response.status() + " " + response.message() + ": "
                    + snippet(response.body()), Optional.empty());
        } catch (IOException | RuntimeException e) {
            failed(spans.size(), "the request could not be made", Optional.of(e));
        }
        return CompletableResultCode.ofFailure();
    }

    private static String snippet(byte[] body) {
        String s = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
        return s.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private void failed(int spans, String why, Optional<Exception> error) {
        long failed = failures.incrementAndGet();
        long now = System.nanoTime();
        if (now - lastLog < LOG_EVERY_NANOS) {
            return;
        }
        lastLog = now;
        failures.set(0);
        String message = "Failed to export " + spans + " spans to " + where + ": " + why
                + (failed > 1 ? " (" + failed + " failed exports since the last message)" : "");
        log.log(System.Logger.Level.WARNING, error.map(e -> message + ": " + e).orElse(message));
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        sender.shutdown();
        return CompletableResultCode.ofSuccess();
    }
}
