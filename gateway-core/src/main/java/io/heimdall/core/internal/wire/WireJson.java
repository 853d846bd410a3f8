package io.heimdall.core.internal.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.util.JsonRecyclerPools;
import com.fasterxml.jackson.databind.JsonNode;
import io.heimdall.api.GatewayException;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.RawJson;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What the codecs share: parsing a body into a {@link SourceTree} with the right error for its side, writing JSON
 * into a byte array, and small writers. Thread-safe.
 */
final class WireJson {
    /** Who sent the JSON being decoded: a client (errors are 400) or an upstream (errors are 502). */
    enum Side { CLIENT, UPSTREAM }

    /** Writes JSON into a byte array; one per call. */
    @FunctionalInterface
    interface Writer {
        void write(JsonGenerator g) throws IOException;
    }

    /** Buffer sets kept for reuse; more than enough for the parsers and generators in use at once. */
    private static final int POOLED_BUFFERS = 64;

    private final JsonFactory factory;

    /**
     * A factory with nesting limits suited to untrusted input. Its buffers come from a shared bounded pool: Jackson's
     * default pool is per thread, which gives every request (each on a virtual thread of its own) new buffers.
     */
    WireJson() {
        this.factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxNestingDepth(200).build())
                .recyclerPool(JsonRecyclerPools.newBoundedPool(POOLED_BUFFERS))
                .build();
    }

    /** Parses a body that must be a JSON object. */
    JsonNode parse(byte[] json, Side side) {
        JsonNode node = parseAny(json, side);
        if (node.isMissingNode()) {
            throw fail(side, "", "The body is empty; expected a JSON object", null);
        }
        if (!node.isObject()) {
            throw fail(side, "", "The body must be a JSON object", null);
        }
        return node;
    }

    /** A parser over {@code json} with this codec's limits; the caller closes it. */
    JsonParser parser(byte[] json) throws IOException {
        return factory.createParser(json);
    }

    /** A parser over {@code json[0, length)} with this codec's limits; the caller closes it. */
    JsonParser parser(byte[] json, int length) throws IOException {
        return factory.createParser(json, 0, length);
    }

    /** Parses any JSON value; a missing node for an empty body. */
    JsonNode parseAny(byte[] json, Side side) {
        try (JsonParser p = factory.createParser(json)) {
            return SourceTree.read(p, json);
        } catch (JsonProcessingException e) {
            throw fail(side, "", "The body is not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The error for bad input from a side, about a parameter path (empty for the whole body). */
    static GatewayException fail(Side side, String param, String message, Throwable cause) {
        if (side == Side.CLIENT) {
            GatewayError error = GatewayError.invalidRequest(message, param.isEmpty() ? null : param);
            return cause == null ? new GatewayException(error) : new GatewayException(error, cause);
        }
        GatewayError error = GatewayError.of(502, GatewayError.API_ERROR,
                "The upstream sent a response that could not be read: " + message, "bad_upstream_response");
        return cause == null ? new GatewayException(error) : new GatewayException(error, cause);
    }

    /** Runs a reader, turning type and validation errors into the side's error. */
    static <T> T guarded(Side side, Supplier<T> body) {
        try {
            return body.get();
        } catch (JsonReader.JsonTypeException e) {
            throw fail(side, e.path, e.getMessage(), null);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw fail(side, "", String.valueOf(e.getMessage()), e);
        }
    }

    /** Runs a writer into a new byte array. */
    byte[] write(Writer writer) {
        ExactOutput out = new ExactOutput();
        try (JsonGenerator g = factory.createGenerator(out)) {
            writer.write(g);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.bytes();
    }

    /**
     * Collects what a generator flushes. The generator buffers up to 8000 bytes itself and flushes once on close for
     * most bodies, so the common case copies the bytes exactly once, into an array of the exact size.
     */
    private static final class ExactOutput extends OutputStream {
        private static final byte[] EMPTY = new byte[0];
        private byte[] buf = EMPTY;
        private int size;

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            if (len == 0) {
                return;
            }
            if (size == 0) {
                buf = Arrays.copyOfRange(b, off, off + len);
            } else {
                if (buf.length - size < len) {
                    buf = Arrays.copyOf(buf, Math.max(Math.addExact(size, len), 2 * buf.length));
                }
                System.arraycopy(b, off, buf, size, len);
            }
            size += len;
        }

        byte[] bytes() {
            return size == buf.length ? buf : Arrays.copyOf(buf, size);
        }
    }

    static void writeString(JsonGenerator g, String name, Optional<String> v) throws IOException {
        if (v.isPresent()) {
            g.writeStringField(name, v.get());
        }
    }

    static void writeNumber(JsonGenerator g, String name, Optional<Double> v) throws IOException {
        if (v.isPresent()) {
            g.writeNumberField(name, v.get());
        }
    }

    static void writeInt(JsonGenerator g, String name, Optional<Integer> v) throws IOException {
        if (v.isPresent()) {
            g.writeNumberField(name, v.get());
        }
    }

    static void writeRaw(JsonGenerator g, String name, RawJson value) throws IOException {
        g.writeFieldName(name);
        g.writeRawValue(value.json());
    }

    static void writeExtra(JsonGenerator g, Map<String, RawJson> extra) throws IOException {
        for (Map.Entry<String, RawJson> e : extra.entrySet()) {
            writeRaw(g, e.getKey(), e.getValue());
        }
    }

    static void writeRawOrNull(JsonGenerator g, String name, Optional<RawJson> value) throws IOException {
        g.writeFieldName(name);
        if (value.isPresent()) {
            g.writeRawValue(value.get().json());
        } else {
            g.writeNull();
        }
    }
}
