package io.heimdall.core.internal.server;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.GatewayError;
import io.heimdall.core.internal.engine.DefaultRequestContext;
import io.heimdall.core.internal.engine.Engine;
import io.heimdall.core.internal.http.UpstreamScope;
import io.heimdall.core.internal.wire.JacksonOpenAiWire;
import io.helidon.webserver.http.ServerResponse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Writes a chat stream as OpenAI SSE events ({@code data: <chunk>}), committing the response headers with the first;
 * ends with {@code data: [DONE]}, or with an error event in the OpenAI shape when the stream fails after it began. A
 * failed write means the client left: 499.
 * <p>
 * Each event is on the client's socket before the gateway waits for the upstream again: when this thread reads the
 * attempt's upstream body through the gateway's client ({@link UpstreamScope#readsBody()}), the flush is deferred to
 * that body's next read that may block, or to the stream's end; the first event (the time to first token) and every
 * event of another source are flushed at once. Events that arrived together leave together, in a few writes instead
 * of one per event; none waits for the network. What is deferred stays within the server's write buffer
 * ({@value #WRITE_BUFFER} bytes): the events held are flushed before one that would not fit, so each flush is one
 * socket write, instead of the buffer's overflow writing part of an event and the flush the rest.
 * <p>
 * The head and the first event go through Helidon's response; the events after it are held in the connection's
 * {@link ChunkedBody} and written from there as chunks, without Helidon's two copies of each; Helidon's response
 * still writes the last chunk when it closes.
 */
final class SseWriter implements Engine.StreamSink {
    private static final System.Logger LOG = System.getLogger(SseWriter.class.getName());
    private static final byte[] DATA = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT_END = "\n\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DONE = "data: [DONE]\n\n".getBytes(StandardCharsets.US_ASCII);
    /** What a deferred flush may hold: the server's write buffer. */
    private static final int WRITE_BUFFER = HttpApi.WRITE_BUFFER_SIZE;

    private final ServerResponse res;
    private final String requestId;
    private final DefaultRequestContext ctx;
    private final JacksonOpenAiWire wire;
    private final Runnable commitHeaders;
    private OutputStream out;
    private boolean broken;
    private final Runnable deferredFlush = this::flushDeferred;
    private int unflushed;
    private boolean flushedOnce;
    /** Where the events after the first go, once that first one is out; null until then, or without a connection. */
    private ChunkedBody direct;
    private final Put toDirect = (b, offset, length) -> direct.append(b, offset, length);
    private final Optional<ChunkedBody> connectionBody;

    SseWriter(ServerResponse res, DefaultRequestContext ctx, JacksonOpenAiWire wire, Runnable commitHeaders,
            Optional<ChunkedBody> connectionBody) {
        this.res = res;
        this.connectionBody = connectionBody;
        this.ctx = ctx;
        this.requestId = ctx.requestId();
        this.wire = wire;
        this.commitHeaders = commitHeaders;
    }

    boolean started() {
        return out != null;
    }

    private void open() {
        if (out == null) {
            commitHeaders.run();
            out = res.outputStream();
        }
    }

    @Override
    public void chunk(ChatChunk chunk) {
        write(wire.encodeChunk(chunk));
    }

    @Override
    public boolean writesJson() {
        return true;
    }

    @Override
    public void json(byte[] chunkJson, int length, int skipFrom, int skipTo) {
        write(chunkJson, length, skipFrom, skipTo);
    }

    private void write(byte[] json) {
        write(json, json.length, 0, 0);
    }

    /** Writes {@code json[0, end)} less {@code [skipFrom, skipTo)} as one event. */
    private void write(byte[] json, int end, int skipFrom, int skipTo) {
        if (broken) {
            throw clientGone(null);
        }
        try {
            int length = end - (skipTo - skipFrom);
            int event = DATA.length + length + EVENT_END.length;
            if (direct != null) {
                hold(json, end, skipFrom, skipTo, event);
            } else {
                open();
                if (unflushed > 0 && unflushed + event > WRITE_BUFFER) {
                    out.flush(); // what is held goes in one write; this event starts the buffer again
                    unflushed = 0;
                }
                put(out::write, json, end, skipFrom, skipTo);
                unflushed += event;
            }
            Optional<UpstreamScope> upstream = UpstreamScope.current();
            if (flushedOnce && pending() < WRITE_BUFFER && upstream.isPresent() && upstream.get().readsBody()) {
                upstream.get().deferFlush(deferredFlush);
            } else {
                flushNow();
            }
            ctx.sent(event);
        } catch (IOException | RuntimeException e) {
            // Helidon reports a closed client connection as its own ServerConnectionException, a RuntimeException
            broken = true;
            throw clientGone(e);
        }
    }

    /** Adds the event to the connection's chunk, writing what it held first when the event would not fit. */
    private void hold(byte[] json, int end, int skipFrom, int skipTo, int event) throws IOException {
        if (!direct.fits(event)) {
            direct.flush();
            if (!direct.fits(event)) {
                ByteArrayOutputStream alone = new ByteArrayOutputStream(event);
                put(alone::write, json, end, skipFrom, skipTo);
                direct.writeAlone(alone.toByteArray());
                return;
            }
        }
        put(toDirect, json, end, skipFrom, skipTo);
    }

    /** Where an event's bytes go: Helidon's output stream, the connection's chunk, or an array of its own. */
    @FunctionalInterface
    private interface Put {
        void bytes(byte[] b, int offset, int length) throws IOException;
    }

    /** The event {@code data: <json[0, end) less [skipFrom, skipTo)>\n\n}, put in pieces. */
    private static void put(Put to, byte[] json, int end, int skipFrom, int skipTo) throws IOException {
        to.bytes(DATA, 0, DATA.length);
        if (skipFrom == skipTo) {
            to.bytes(json, 0, end);
        } else {
            to.bytes(json, 0, skipFrom);
            to.bytes(json, skipTo, end - skipTo);
        }
        to.bytes(EVENT_END, 0, EVENT_END.length);
    }

    /** Bytes written but not yet on the socket. */
    private int pending() {
        return direct != null ? direct.held() : unflushed;
    }

    /**
     * Puts what is held on the socket. The first flush goes through Helidon's response, which writes the head and
     * that first chunk; the events after it go straight to the connection ({@link ChunkedBody}) when there is one.
     */
    private void flushNow() throws IOException {
        if (direct != null) {
            direct.flush();
            return;
        }
        out.flush();
        unflushed = 0;
        if (!flushedOnce) {
            flushedOnce = true;
            direct = connectionBody.map(b -> {
                b.clear();
                return b;
            }).orElse(null);
        }
    }

    /**
     * The deferred flush, run by the upstream read about to block. A failure (the client left) is thrown out of that
     * read as a 499, and {@link UpstreamScope#flushFailed()} tells the attempt it was the client's doing.
     */
    private void flushDeferred() {
        if (broken || out == null) {
            return;
        }
        try {
            flushNow();
        } catch (IOException | RuntimeException e) {
            broken = true;
            throw clientGone(e);
        }
    }

    private static GatewayException clientGone(Exception cause) {
        return new GatewayException(GatewayError.of(499, GatewayError.INVALID_REQUEST,
                "The client closed the connection", "client_closed_request"), cause);
    }

    /** The stream succeeded: its terminator is counted now (observers learn the end), written by {@link #done()}. */
    @Override
    public void finish() {
        if (!broken) {
            ctx.sent(DONE.length);
        }
    }

    /** Writes the terminator. */
    void done() {
        if (broken) {
            return;
        }
        try {
            open();
            if (direct != null && direct.fits(DONE.length)) {
                direct.append(DONE); // with the events still held, in one chunk
                direct.flush();
            } else {
                if (direct != null) {
                    direct.flush();
                }
                out.write(DONE);
            }
            out.close(); // Helidon writes the last chunk
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "Client of {0} left before [DONE]", requestId);
        }
    }

    void error(GatewayError error) {
        if (broken || out == null) {
            return;
        }
        try {
            if (direct != null) {
                direct.flush();
            }
            out.write(DATA);
            out.write(wire.encodeError(error));
            out.write(EVENT_END);
            out.close();
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.DEBUG, "Client of {0} left before the error event", requestId);
        }
    }
}
