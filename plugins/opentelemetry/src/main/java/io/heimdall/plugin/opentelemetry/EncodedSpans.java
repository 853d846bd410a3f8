package io.heimdall.plugin.opentelemetry;

/**
 * One request's spans, encoded when it ended as OTLP {@code ScopeSpans.spans} fields: what waits in the
 * {@link SpanQueue} (a link of its lock-free chain through {@link #queued}) until an export sends it.
 */
final class EncodedSpans {
    final byte[] bytes;
    final int length;
    final int count;
    /** The next request's spans in the export queue (written before this is published to it, read by its thread). */
    EncodedSpans queued;

    /**
     * @param bytes  the encoded spans in the first {@code length} bytes
     * @param length how many bytes of {@code bytes} hold them
     * @param count  how many spans they are
     */
    EncodedSpans(byte[] bytes, int length, int count) {
        this.bytes = bytes;
        this.length = length;
        this.count = count;
    }
}
