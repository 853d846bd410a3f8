package io.heimdall.plugin.opentelemetry;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.resources.Resource;

import java.util.List;

/**
 * The OTLP trace messages' field numbers (from {@code opentelemetry/proto/trace/v1/trace.proto},
 * {@code common/v1/common.proto} and {@code resource/v1/resource.proto} of opentelemetry-proto 1.x) and the writing
 * of attributes ({@code KeyValue}s): each attribute key is encoded once, as a constant, and copied into every span.
 */
final class Otlp {
    // ExportTraceServiceRequest / ResourceSpans / ScopeSpans
    static final int RESOURCE_SPANS = 1;
    static final int RESOURCE = 1;
    static final int SCOPE_SPANS = 2;
    static final int SCOPE = 1;
    static final int SPANS = 2;
    // Resource, InstrumentationScope
    static final int RESOURCE_ATTRIBUTES = 1;
    static final int SCOPE_NAME = 1;
    // Span
    static final int TRACE_ID = 1;
    static final int SPAN_ID = 2;
    static final int TRACE_STATE = 3;
    static final int PARENT_SPAN_ID = 4;
    static final int NAME = 5;
    static final int KIND = 6;
    static final int START_TIME = 7;
    static final int END_TIME = 8;
    static final int SPAN_ATTRIBUTES = 9;
    static final int EVENTS = 11;
    static final int STATUS = 15;
    static final int FLAGS = 16;
    static final int KIND_SERVER = 2;
    static final int KIND_CLIENT = 3;
    /** {@code SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK}: the flags say whether the parent is remote. */
    static final int HAS_IS_REMOTE = 0x100;
    /** {@code SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK}. */
    static final int IS_REMOTE = 0x200;
    // Span.Event, Status
    static final int EVENT_TIME = 1;
    static final int EVENT_NAME = 2;
    static final int EVENT_ATTRIBUTES = 3;
    static final int STATUS_MESSAGE = 2;
    static final int STATUS_CODE = 3;
    static final int STATUS_ERROR = 2;
    // KeyValue, AnyValue, ArrayValue
    private static final int KEY = 1;
    private static final int VALUE = 2;
    private static final int STRING_VALUE = 1;
    private static final int BOOL_VALUE = 2;
    private static final int INT_VALUE = 3;
    private static final int DOUBLE_VALUE = 4;
    private static final int ARRAY_VALUE = 5;
    private static final int ARRAY_VALUES = 1;

    private Otlp() {
    }

    /** An attribute key as the {@code key} field of its {@code KeyValue}, ready to copy. */
    static byte[] key(String name) {
        ProtoBuffer b = new ProtoBuffer(name.length() + 4);
        b.stringField(KEY, name);
        return b.toByteArray();
    }

    /** The {@code Resource} message with {@code resource}'s attributes. */
    static byte[] resource(Resource resource) {
        ProtoBuffer b = new ProtoBuffer(256);
        Attributes out = new Attributes(b, RESOURCE_ATTRIBUTES);
        resource.getAttributes().forEach((k, v) -> out.any(key(k.getKey()), k, v));
        return b.toByteArray();
    }

    /** The {@code InstrumentationScope} message of {@code name}. */
    static byte[] scope(String name) {
        ProtoBuffer b = new ProtoBuffer(64);
        b.stringField(SCOPE_NAME, name);
        return b.toByteArray();
    }

    /** Writes attributes as the repeated {@code KeyValue} field of one message. */
    static final class Attributes {
        private final ProtoBuffer b;
        private final int field;

        Attributes(ProtoBuffer b, int field) {
            this.b = b;
            this.field = field;
        }

        /** A string attribute; none when {@code value} is null. */
        void string(byte[] key, String value) {
            if (value != null && !shortAscii(key, value)) {
                int kv = start(key);
                b.stringField(STRING_VALUE, value);
                finish(kv);
            }
        }

        /**
         * The common case in one pass: a short ASCII value, whose {@code KeyValue} fits in 127 bytes, so every length
         * is one byte known before writing. False, with nothing written, for any other value.
         */
        private boolean shortAscii(byte[] key, String value) {
            int n = value.length();
            int kvLength = key.length + 4 + n;
            if (kvLength > 127 || field > 15) {
                return false;
            }
            int at = b.claim(kvLength + 2);
            byte[] a = b.array();
            a[at] = (byte) (field << 3 | ProtoBuffer.LEN);
            a[at + 1] = (byte) kvLength;
            System.arraycopy(key, 0, a, at + 2, key.length);
            int v = at + 2 + key.length;
            a[v] = VALUE << 3 | ProtoBuffer.LEN;
            a[v + 1] = (byte) (n + 2);
            a[v + 2] = STRING_VALUE << 3 | ProtoBuffer.LEN;
            a[v + 3] = (byte) n;
            v += 4;
            for (int i = 0; i < n; i++) {
                char c = value.charAt(i);
                if (c >= 0x80) {
                    return false;
                }
                a[v + i] = (byte) c;
            }
            b.advanceTo(v + n);
            return true;
        }

        void integer(byte[] key, long value) {
            scalar(key, INT_VALUE << 3 | ProtoBuffer.VARINT, ProtoBuffer.varintSize(value));
            b.varint(value);
        }

        void bool(byte[] key, boolean value) {
            scalar(key, BOOL_VALUE << 3 | ProtoBuffer.VARINT, 1);
            b.raw((byte) (value ? 1 : 0));
        }

        void decimal(byte[] key, double value) {
            scalar(key, DOUBLE_VALUE << 3 | ProtoBuffer.I64, 8);
            b.fixed64(Double.doubleToRawLongBits(value));
        }

        /**
         * Writes a {@code KeyValue} up to its value's field tag, for a value of {@code size} bytes after that tag: all
         * the lengths are known before writing. The caller writes the value.
         */
        private void scalar(byte[] key, int valueTag, int size) {
            int any = 1 + size;
            int kv = key.length + 1 + ProtoBuffer.varintSize(any) + any;
            b.tag(field, ProtoBuffer.LEN);
            b.varint(kv);
            b.raw(key);
            b.tag(VALUE, ProtoBuffer.LEN);
            b.varint(any);
            b.raw((byte) valueTag);
        }

        void strings(byte[] key, List<String> values) {
            int kv = start(key);
            int array = b.begin(ARRAY_VALUE);
            for (String v : values) {
                int any = b.begin(ARRAY_VALUES);
                b.stringField(STRING_VALUE, v);
                b.end(any);
            }
            b.end(array);
            finish(kv);
        }

        /** Any attribute value of the OpenTelemetry API's types (resource attributes). */
        void any(byte[] key, AttributeKey<?> type, Object value) {
            switch (type.getType()) {
                case BOOLEAN -> bool(key, (Boolean) value);
                case LONG -> integer(key, (Long) value);
                case DOUBLE -> decimal(key, (Double) value);
                case STRING_ARRAY -> strings(key, ((List<?>) value).stream().map(String::valueOf).toList());
                default -> string(key, String.valueOf(value));
            }
        }

        /** Starts a {@code KeyValue} with its key and opens its {@code value}; returns the marks for finish. */
        private int start(byte[] key) {
            int kv = b.begin(field);
            b.raw(key);
            b.begin(VALUE);
            return kv;
        }

        /** Ends the {@code value} (its mark follows the key) and the {@code KeyValue}. */
        private void finish(int kv) {
            b.end(kv + 1 + keyLength(kv) + 1); // the value's length byte follows the key and the value's tag
            b.end(kv);
        }

        /** The encoded key's length after the mark: its tag byte, its length varint and its bytes. */
        private int keyLength(int kv) {
            byte[] a = b.array();
            int at = kv + 2;
            int length = 0;
            for (int shift = 0; ; shift += 7) {
                byte x = a[at++];
                length |= (x & 0x7f) << shift;
                if (x >= 0) {
                    return at - (kv + 1) + length;
                }
            }
        }
    }
}
