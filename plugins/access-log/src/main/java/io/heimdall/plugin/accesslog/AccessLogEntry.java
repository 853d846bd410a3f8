package io.heimdall.plugin.accesslog;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.heimdall.api.model.Usage;
import io.heimdall.api.observe.RequestSummary;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One request as the log records it, captured on the request path and formatted on the writer thread. It holds no
 * credentials: the context's headers are never copied, only the caller's id and the body's declared length.
 *
 * @param start         when the request arrived
 * @param requestId     its id
 * @param parentId      the parent request's id, for a child request
 * @param caller        the caller's id ({@code anonymous} without authentication)
 * @param clientAddress the client's IP address
 * @param bytesIn       the request body's {@code content-length}, when the client sent one
 * @param summary       how it ended
 * @param prompt        the message texts, only with {@code include-prompts}
 */
record AccessLogEntry(Instant start, String requestId, Optional<String> parentId, String caller, String clientAddress,
                      Optional<Long> bytesIn, RequestSummary summary, Optional<List<Map<String, String>>> prompt) {
    private static final JsonFactory JSON = new JsonFactory();

    /** Writes this entry as one JSON object (no newline) to {@code g}, its time formatted by {@code time}. */
    void writeTo(JsonGenerator g, LogTime time) throws IOException {
        g.writeStartObject();
        g.writeStringField("time", time.format(start));
        g.writeStringField("request_id", requestId);
        if (parentId.isPresent()) {
            g.writeStringField("parent_request_id", parentId.get());
        }
        g.writeStringField("caller", caller);
        g.writeStringField("client_address", clientAddress);
        g.writeStringField("route", summary.operation());
        if (summary.model().isPresent()) {
            g.writeStringField("model", summary.model().get());
        }
        if (summary.servedBy().isPresent()) {
            String served = summary.servedBy().get();
            int slash = served.indexOf('/');
            g.writeStringField("served_by", served);
            g.writeStringField("provider", slash < 0 ? served : served.substring(0, slash));
            if (slash >= 0) {
                g.writeStringField("served_model", served.substring(slash + 1));
            }
        }
        g.writeNumberField("attempts", summary.attempts());
        g.writeNumberField("status", summary.status());
        if (summary.error().isPresent()) {
            g.writeStringField("error_type", summary.error().get().type());
            if (summary.error().get().code().isPresent()) {
                g.writeStringField("error_code", summary.error().get().code().get());
            }
        }
        g.writeNumberField("latency_ms", summary.latency().toNanos() / 1e6);
        if (summary.timeToFirstToken().isPresent()) {
            g.writeNumberField("ttft_ms", summary.timeToFirstToken().get().toNanos() / 1e6);
        }
        if (summary.usage().isPresent()) {
            tokens(g, summary.usage().get());
        }
        g.writeStringField("cache", summary.cached() ? "hit" : "miss");
        if (bytesIn.isPresent()) {
            g.writeNumberField("bytes_in", bytesIn.get());
        }
        g.writeNumberField("bytes_out", summary.bytesOut());
        if (prompt.isPresent()) {
            g.writeArrayFieldStart("messages");
            for (Map<String, String> m : prompt.get()) {
                g.writeStartObject();
                g.writeStringField("role", m.get("role"));
                g.writeStringField("content", m.get("content"));
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
    }

    /**
     * A reusable buffer of JSON lines: one generator for a whole batch instead of a generator, a stream and a copy
     * per line. {@link #add} returns where the line starts; the line runs to the next start (or {@link #size}).
     */
    static final class Lines extends ByteArrayOutputStream {
        private final JsonGenerator generator;
        private final LogTime time = new LogTime();

        Lines() {
            super(16 * 1024);
            try {
                generator = JSON.createGenerator(this, JsonEncoding.UTF8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            generator.setRootValueSeparator(null);
        }

        /** Appends the entry's line, newline included, and returns the offset it starts at. */
        int add(AccessLogEntry entry) {
            int start = count;
            try {
                entry.writeTo(generator, time);
                generator.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            write('\n');
            return start;
        }

        /** The buffer itself (valid up to {@link #size()}), not a copy. */
        byte[] bytes() {
            return buf;
        }
    }

    /**
     * ISO-8601 UTC with milliseconds ({@code 2026-11-30T03:12:44.120Z}), the date and time of day formatted once per
     * second (a {@link java.time.format.DateTimeFormatter} per line cost more than the rest of the line).
     */
    static final class LogTime {
        private long second = Long.MIN_VALUE;
        private String prefix = "";

        String format(Instant t) {
            if (t.getEpochSecond() != second) {
                second = t.getEpochSecond();
                prefix = java.time.format.DateTimeFormatter.ISO_LOCAL_DATE_TIME.format(
                        java.time.LocalDateTime.ofEpochSecond(second, 0, java.time.ZoneOffset.UTC)).substring(0, 19);
            }
            int millis = t.getNano() / 1_000_000;
            return prefix + (millis < 10 ? ".00" : millis < 100 ? ".0" : ".") + millis + "Z";
        }
    }

    private static void tokens(JsonGenerator g, Usage u) throws IOException {
        g.writeObjectFieldStart("tokens");
        g.writeNumberField("prompt", u.promptTokens());
        g.writeNumberField("completion", u.completionTokens());
        g.writeNumberField("total", u.totalTokens());
        if (u.cachedTokens().isPresent()) {
            g.writeNumberField("cached", u.cachedTokens().get());
        }
        if (u.reasoningTokens().isPresent()) {
            g.writeNumberField("reasoning", u.reasoningTokens().get());
        }
        g.writeEndObject();
    }
}
