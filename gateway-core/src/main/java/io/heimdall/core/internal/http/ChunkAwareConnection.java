package io.heimdall.core.internal.http;

import org.apache.hc.client5.http.impl.io.DefaultManagedHttpClientConnection;
import org.apache.hc.client5.http.io.ManagedHttpClientConnection;
import org.apache.hc.core5.http.config.Http1Config;
import org.apache.hc.core5.http.impl.io.ChunkedInputStream;
import org.apache.hc.core5.http.io.HttpConnectionFactory;
import org.apache.hc.core5.http.io.SessionInputBuffer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An upstream connection (HttpClient 5's own, with the same defaults) whose chunked response bodies say truthfully at
 * a chunk's end whether the next read would block. HttpClient's {@code ChunkedInputStream.available()} is 0 once the
 * current chunk is read, even with the next chunks already in the session buffer or waiting on the socket; a stream
 * writer that flushes before a read that may block ({@link UpstreamScope#deferFlush}) therefore flushed after every SSE
 * event, since servers send each event as a chunk of its own: one client write per event where the events had arrived
 * together. Here {@code available()} at a boundary counts the bytes beyond the chunk's closing CRLF, in the session
 * buffer or else together with those the socket holds (one {@code FIONREAD}).
 */
final class ChunkAwareConnection extends DefaultManagedHttpClientConnection {
    private static final AtomicLong COUNTER = new AtomicLong();
    /** The CRLF that closes a chunk's data, read with the data and consumed only with the next chunk's head. */
    private static final int CHUNK_END = 2;

    private ChunkAwareConnection(String id, Http1Config config) {
        super(id, null, null, config, null, null, null, null, null);
    }

    /** Makes connections as HttpClient's {@code ManagedHttpClientConnectionFactory} does, with {@code config}. */
    static HttpConnectionFactory<ManagedHttpClientConnection> factory(Http1Config config) {
        return socket -> {
            ChunkAwareConnection connection = new ChunkAwareConnection("http-outgoing-" + COUNTER.getAndIncrement(),
                    config);
            if (socket != null) {
                connection.bind(socket);
            }
            return connection;
        };
    }

    @Override
    protected InputStream createContentInputStream(long length, SessionInputBuffer buffer, InputStream socket) {
        InputStream body = super.createContentInputStream(length, buffer, socket);
        return body instanceof ChunkedInputStream ? new ChunkedBody(body, buffer, socket) : body;
    }

    /** A chunked body whose {@code available()} looks past the current chunk. */
    static final class ChunkedBody extends FilterInputStream {
        private final SessionInputBuffer buffer;
        private final InputStream socket;

        ChunkedBody(InputStream chunked, SessionInputBuffer buffer, InputStream socket) {
            super(chunked);
            this.buffer = buffer;
            this.socket = socket;
        }

        @Override
        public int available() throws IOException {
            int inChunk = in.available();
            if (inChunk > 0) {
                return inChunk;
            }
            // At a chunk's end the session buffer or the socket holds the chunk's CRLF first (a server may send it in
            // a write of its own): only bytes beyond it say the next chunk is on its way.
            int buffered = buffer.length();
            if (buffered > CHUNK_END) {
                return buffered - CHUNK_END;
            }
            return Math.max(0, buffered + socket.available() - CHUNK_END);
        }
    }
}
