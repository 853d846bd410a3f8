package io.heimdall.plugin.accesslog;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.heimdall.api.model.Usage;
import io.heimdall.api.observe.RequestSummary;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One request as the log records it, captured and formatted on the request path (into a {@link LineBuffer}). It holds
 * no credentials: the context's headers are never copied, only the caller's id.
 *
 * @param start         when the request arrived
 * @param requestId     its id
 * @param parentId      the parent request's id, for a child request
 * @param caller        the caller's id ({@code anonymous} without authentication)
 * @param clientAddress the client's IP address
 * @param summary       how it ended
 * @param prompt        the message texts, only with {@code include-prompts}
 */
record AccessLogEntry(Instant start, String requestId, Optional<String> parentId, String caller, String clientAddress,
                      RequestSummary summary, Optional<List<Map<String, String>>> prompt) {
    // field names encoded once (a String name is re-encoded for every line)
    private static final SerializedString F_TIME = new SerializedString("time");
    private static final SerializedString F_REQUEST_ID = new SerializedString("request_id");
    private static final SerializedString F_PARENT_REQUEST_ID = new SerializedString("parent_request_id");
    private static final SerializedString F_CALLER = new SerializedString("caller");
    private static final SerializedString F_CLIENT_ADDRESS = new SerializedString("client_address");
    private static final SerializedString F_ROUTE = new SerializedString("route");
    private static final SerializedString F_MODEL = new SerializedString("model");
    private static final SerializedString F_SERVED_BY = new SerializedString("served_by");
    private static final SerializedString F_PROVIDER = new SerializedString("provider");
    private static final SerializedString F_SERVED_MODEL = new SerializedString("served_model");
    private static final SerializedString F_ERROR_TYPE = new SerializedString("error_type");
    private static final SerializedString F_ERROR_CODE = new SerializedString("error_code");
    private static final SerializedString F_CACHE = new SerializedString("cache");
    private static final SerializedString F_ROLE = new SerializedString("role");
    private static final SerializedString F_CONTENT = new SerializedString("content");
    private static final SerializedString F_ATTEMPTS = new SerializedString("attempts");
    private static final SerializedString F_STATUS = new SerializedString("status");
    private static final SerializedString F_LATENCY_MS = new SerializedString("latency_ms");
    private static final SerializedString F_TTFT_MS = new SerializedString("ttft_ms");
    private static final SerializedString F_BYTES_IN = new SerializedString("bytes_in");
    private static final SerializedString F_BYTES_OUT = new SerializedString("bytes_out");
    private static final SerializedString F_PROMPT = new SerializedString("prompt");
    private static final SerializedString F_COMPLETION = new SerializedString("completion");
    private static final SerializedString F_TOTAL = new SerializedString("total");
    private static final SerializedString F_CACHED = new SerializedString("cached");
    private static final SerializedString F_REASONING = new SerializedString("reasoning");
    private static final SerializedString F_MESSAGES = new SerializedString("messages");
    private static final SerializedString F_TOKENS = new SerializedString("tokens");

    /** Writes this entry as one JSON object (no newline) to {@code g}, its time formatted by {@code time}. */
    void writeTo(JsonGenerator g, LogTime time) throws IOException {
        g.writeStartObject();
        string(g, F_TIME, time.format(start));
        string(g, F_REQUEST_ID, requestId);
        if (parentId.isPresent()) {
            string(g, F_PARENT_REQUEST_ID, parentId.get());
        }
        string(g, F_CALLER, caller);
        string(g, F_CLIENT_ADDRESS, clientAddress);
        string(g, F_ROUTE, summary.operation());
        if (summary.model().isPresent()) {
            string(g, F_MODEL, summary.model().get());
        }
        if (summary.servedBy().isPresent()) {
            String served = summary.servedBy().get();
            int slash = served.indexOf('/');
            string(g, F_SERVED_BY, served);
            string(g, F_PROVIDER, slash < 0 ? served : served.substring(0, slash));
            if (slash >= 0) {
                string(g, F_SERVED_MODEL, served.substring(slash + 1));
            }
        }
        number(g, F_ATTEMPTS, summary.attempts());
        number(g, F_STATUS, summary.status());
        if (summary.error().isPresent()) {
            string(g, F_ERROR_TYPE, summary.error().get().type());
            if (summary.error().get().code().isPresent()) {
                string(g, F_ERROR_CODE, summary.error().get().code().get());
            }
        }
        number(g, F_LATENCY_MS, summary.latency().toNanos() / 1e6);
        if (summary.timeToFirstToken().isPresent()) {
            number(g, F_TTFT_MS, summary.timeToFirstToken().get().toNanos() / 1e6);
        }
        if (summary.usage().isPresent()) {
            tokens(g, summary.usage().get());
        }
        string(g, F_CACHE, summary.cached() ? "hit" : "miss");
        long bytesIn = summary.bytesIn();
        if (bytesIn >= 0) {
            number(g, F_BYTES_IN, bytesIn);
        }
        number(g, F_BYTES_OUT, summary.bytesOut());
        if (prompt.isPresent()) {
            g.writeFieldName(F_MESSAGES);
            g.writeStartArray();
            for (Map<String, String> m : prompt.get()) {
                g.writeStartObject();
                string(g, F_ROLE, m.get("role"));
                string(g, F_CONTENT, m.get("content"));
                g.writeEndObject();
            }
            g.writeEndArray();
        }
        g.writeEndObject();
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
        g.writeFieldName(F_TOKENS);
        g.writeStartObject();
        number(g, F_PROMPT, u.promptTokens());
        number(g, F_COMPLETION, u.completionTokens());
        number(g, F_TOTAL, u.totalTokens());
        if (u.cachedTokens().isPresent()) {
            number(g, F_CACHED, u.cachedTokens().get());
        }
        if (u.reasoningTokens().isPresent()) {
            number(g, F_REASONING, u.reasoningTokens().get());
        }
        g.writeEndObject();
    }

    private static void string(JsonGenerator g, SerializedString name, String value) throws IOException {
        g.writeFieldName(name);
        g.writeString(value);
    }

    private static void number(JsonGenerator g, SerializedString name, long value) throws IOException {
        g.writeFieldName(name);
        g.writeNumber(value);
    }

    private static void number(JsonGenerator g, SerializedString name, double value) throws IOException {
        g.writeFieldName(name);
        g.writeNumber(value);
    }
}
