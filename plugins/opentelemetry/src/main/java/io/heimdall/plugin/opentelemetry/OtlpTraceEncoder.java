package io.heimdall.plugin.opentelemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.Value;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes spans as an OTLP {@code ExportTraceServiceRequest} in protobuf, in one pass into one reused buffer: each
 * nested message gets a one-byte length that is widened (the body moved) only when it is 128 bytes or more. Replaces
 * the SDK's marshaler on the export thread, which sizes every attribute in a first pass and writes it in a second.
 * Field numbers are those of {@code opentelemetry/proto/trace/v1/trace.proto}, {@code common.proto} and
 * {@code resource.proto}; spans are grouped by resource and instrumentation scope (by identity: one tracer provider
 * makes one of each).
 */
final class OtlpTraceEncoder {
    private static final int INITIAL = 64 * 1024;
    private static final int MAX_KEPT = 4 << 20;

    private byte[] buf = new byte[INITIAL];
    private int pos;

    /** The encoded request: {@link #bytes()}[0, {@link #size()}). */
    byte[] bytes() {
        return buf;
    }

    int size() {
        return pos;
    }

    /** Encodes {@code spans}, replacing what the buffer held. */
    OtlpTraceEncoder encode(Collection<SpanData> spans) {
        pos = 0;
        if (buf.length > MAX_KEPT) {
            buf = new byte[INITIAL]; // a batch of captured prompts made it large: do not keep that for good
        }
        Map<Resource, Map<InstrumentationScopeInfo, List<SpanData>>> groups = new IdentityHashMap<>();
        for (SpanData s : spans) {
            groups.computeIfAbsent(s.getResource(), r -> new IdentityHashMap<>())
                    .computeIfAbsent(s.getInstrumentationScopeInfo(), i -> new ArrayList<>()).add(s);
        }
        groups.forEach((resource, scopes) -> {
            int resourceSpans = begin(1);
            int r = begin(1);
            attributes(1, resource.getAttributes());
            end(r);
            scopes.forEach((scope, list) -> {
                int scopeSpans = begin(2);
                int sc = begin(1);
                string(1, scope.getName());
                if (scope.getVersion() != null) {
                    string(2, scope.getVersion());
                }
                attributes(3, scope.getAttributes());
                end(sc);
                for (SpanData s : list) {
                    span(s);
                }
                if (scope.getSchemaUrl() != null) {
                    string(3, scope.getSchemaUrl());
                }
                end(scopeSpans);
            });
            if (resource.getSchemaUrl() != null) {
                string(3, resource.getSchemaUrl());
            }
            end(resourceSpans);
        });
        return this;
    }

    private void span(SpanData s) {
        int span = begin(2);
        SpanContext context = s.getSpanContext();
        hex(1, context.getTraceId());
        hex(2, context.getSpanId());
        traceState(3, context.getTraceState());
        SpanContext parent = s.getParentSpanContext();
        if (parent.isValid()) {
            hex(4, parent.getSpanId());
        }
        string(5, s.getName());
        tag(6, 0);
        varint(s.getKind().ordinal() + 1); // INTERNAL, SERVER, CLIENT, PRODUCER, CONSUMER are 1..5 in OTLP
        fixed64(7, s.getStartEpochNanos());
        fixed64(8, s.getEndEpochNanos());
        attributes(9, s.getAttributes());
        uint(10, s.getTotalAttributeCount() - s.getAttributes().size());
        for (EventData e : s.getEvents()) {
            int event = begin(11);
            fixed64(1, e.getEpochNanos());
            string(2, e.getName());
            attributes(3, e.getAttributes());
            uint(4, e.getTotalAttributeCount() - e.getAttributes().size());
            end(event);
        }
        uint(12, s.getTotalRecordedEvents() - s.getEvents().size());
        for (LinkData l : s.getLinks()) {
            int link = begin(13);
            hex(1, l.getSpanContext().getTraceId());
            hex(2, l.getSpanContext().getSpanId());
            traceState(3, l.getSpanContext().getTraceState());
            attributes(4, l.getAttributes());
            uint(5, l.getTotalAttributeCount() - l.getAttributes().size());
            fixed32(6, flags(l.getSpanContext().getTraceFlags().asByte(), l.getSpanContext().isRemote()));
            end(link);
        }
        uint(14, s.getTotalRecordedLinks() - s.getLinks().size());
        StatusCode code = s.getStatus().getStatusCode();
        String description = s.getStatus().getDescription();
        int status = begin(15); // always, as the SDK's marshaler does (empty when unset)
        string(2, description);
        if (code != StatusCode.UNSET) {
            tag(3, 0);
            varint(code == StatusCode.OK ? 1 : 2);
        }
        end(status);
        fixed32(16, flags(context.getTraceFlags().asByte(), parent.isRemote()));
        end(span);
    }

    /** {@code SpanFlags}: the W3C trace flags, "has is-remote" and the parent's is-remote. */
    private static int flags(byte traceFlags, boolean remote) {
        return (traceFlags & 0xff) | 0x100 | (remote ? 0x200 : 0);
    }

    private void traceState(int field, TraceState state) {
        if (state.isEmpty()) {
            return;
        }
        StringBuilder sb = new StringBuilder();
        state.forEach((k, v) -> sb.append(sb.isEmpty() ? "" : ",").append(k).append('=').append(v));
        string(field, sb.toString());
    }

    private void attributes(int field, Attributes attributes) {
        attributes.forEach((key, value) -> {
            int kv = begin(field);
            string(1, key.getKey());
            int any = begin(2);
            value(key, value);
            end(any);
            end(kv);
        });
    }

    /** An attribute's value as the body of an {@code AnyValue}. */
    private void value(AttributeKey<?> key, Object value) {
        switch (key.getType()) {
            case STRING -> string(1, (String) value, true);
            case BOOLEAN -> bool((Boolean) value);
            case LONG -> integer((Long) value);
            case DOUBLE -> decimal((Double) value);
            case STRING_ARRAY, BOOLEAN_ARRAY, LONG_ARRAY, DOUBLE_ARRAY -> {
                int array = begin(5);
                for (Object element : (List<?>) value) {
                    int any = begin(1);
                    switch (element) {
                        case String s -> string(1, s, true);
                        case Boolean b -> bool(b);
                        case Long l -> integer(l);
                        case Double d -> decimal(d);
                        default -> string(1, String.valueOf(element), true);
                    }
                    end(any);
                }
                end(array);
            }
            // attributes of type VALUE (maps, bytes) are not made by this plugin: written as their string form
            default -> string(1, value instanceof Value<?> v ? v.asString() : String.valueOf(value), true);
        }
    }

    private void bool(boolean b) {
        tag(2, 0);
        varint(b ? 1 : 0);
    }

    private void integer(long l) {
        tag(3, 0);
        varint(l);
    }

    private void decimal(double d) {
        tag(4, 1);
        long bits = Double.doubleToRawLongBits(d);
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[pos++] = (byte) (bits >>> (8 * i));
        }
    }

    /** A length-delimited field's tag and a one-byte length to fill in; returns where the body starts. */
    private int begin(int field) {
        tag(field, 2);
        ensure(1);
        pos++;
        return pos;
    }

    /** Writes the length of the body that began at {@code start}, moving the body when it needs more than a byte. */
    private void end(int start) {
        int length = pos - start;
        int extra = varintSize(length) - 1;
        if (extra > 0) {
            ensure(extra);
            System.arraycopy(buf, start, buf, start + extra, length);
            pos += extra;
        }
        int at = start - 1;
        long v = length;
        while ((v & ~0x7FL) != 0) {
            buf[at++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[at] = (byte) v;
    }

    private static int varintSize(long v) {
        return v == 0 ? 1 : (63 - Long.numberOfLeadingZeros(v)) / 7 + 1;
    }

    private void tag(int field, int wireType) {
        varint(((long) field << 3) | wireType);
    }

    private void varint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
    }

    private void uint(int field, int value) {
        if (value > 0) {
            tag(field, 0);
            varint(value);
        }
    }

    private void fixed64(int field, long v) {
        tag(field, 1);
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[pos++] = (byte) (v >>> (8 * i));
        }
    }

    private void fixed32(int field, int v) {
        tag(field, 5);
        ensure(4);
        for (int i = 0; i < 4; i++) {
            buf[pos++] = (byte) (v >>> (8 * i));
        }
    }

    /** A hex id (trace or span id) as its bytes. */
    private void hex(int field, String hex) {
        int n = hex.length() / 2;
        tag(field, 2);
        varint(n);
        ensure(n);
        for (int i = 0; i < n; i++) {
            int high = Character.digit(hex.charAt(2 * i), 16);
            buf[pos++] = (byte) ((high << 4) | Character.digit(hex.charAt(2 * i + 1), 16));
        }
    }

    /** A string field, left out when empty (proto3's default). */
    private void string(int field, String s) {
        string(field, s, false);
    }

    /** A string field in UTF-8: ASCII copied straight into the buffer, anything else through the JDK's encoder. */
    private void string(int field, String s, boolean evenEmpty) {
        if (s.isEmpty() && !evenEmpty) {
            return;
        }
        int start = begin(field);
        int n = s.length();
        ensure(n);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x80) {
                pos = start;
                byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
                ensure(utf8.length);
                System.arraycopy(utf8, 0, buf, pos, utf8.length);
                pos += utf8.length;
                break;
            }
            buf[pos++] = (byte) c;
        }
        end(start);
    }

    private void ensure(int more) {
        if (pos + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }
}
