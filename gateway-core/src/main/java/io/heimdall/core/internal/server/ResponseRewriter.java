package io.heimdall.core.internal.server;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The connection's writer. Passes responses through untouched, except:
 * <ul>
 *   <li>after the connection was closed for a timeout, writes are dropped (the handler still finishing must not
 *   fail and log for a client that is gone);</li>
 *   <li>for a HEAD request (served by the GET route), the body is dropped;</li>
 *   <li>for an HTTP/1.0 client, interim 1xx responses are dropped, and a chunked body is sent close-delimited
 *   instead: {@code Transfer-Encoding} goes, {@code Connection: close} comes, and the connection closes after it
 *   (RFC 9112 section 6.1: no transfer coding towards HTTP/1.0).</li>
 * </ul>
 * A response head is written by Helidon before its body, so parsing starts at the first write of each exchange.
 */
final class ResponseRewriter implements DataWriter {
    private enum Phase { HEAD, BODY_PASS, BODY_DECHUNK, BODY_DROP }

    private final DataWriter delegate;
    private final GuardedConnection connection;
    private volatile boolean transform;
    private volatile boolean started;
    private boolean http10;
    private boolean headRequest;
    private Phase phase = Phase.HEAD;
    private final ByteArrayOutputStream head = new ByteArrayOutputStream();
    private int tail;
    private ChunkScanner dechunk;

    ResponseRewriter(DataWriter delegate, GuardedConnection connection) {
        this.delegate = delegate;
        this.connection = connection;
    }

    /** A new exchange begins: how its response must be written. */
    void begin(boolean http10, boolean headRequest) {
        this.http10 = http10;
        this.headRequest = headRequest;
        this.transform = http10 || headRequest;
        this.started = false;
        this.phase = Phase.HEAD;
        this.head.reset();
        this.tail = 0;
        this.dechunk = null;
    }

    /** Whether the final (non-1xx) response of the current exchange has begun. */
    boolean started() {
        return started;
    }

    @Override
    public void write(BufferData... buffers) {
        if (plain(buffers)) {
            delegate.write(buffers);
            return;
        }
        for (BufferData b : buffers) {
            write(b);
        }
    }

    @Override
    public void write(BufferData buffer) {
        if (pass(buffer)) {
            delegate.write(buffer);
        }
    }

    @Override
    public void writeNow(BufferData... buffers) {
        if (plain(buffers)) {
            delegate.writeNow(buffers);
            return;
        }
        for (BufferData b : buffers) {
            writeNow(b);
        }
    }

    @Override
    public void writeNow(BufferData buffer) {
        if (pass(buffer)) {
            delegate.writeNow(buffer);
        }
    }

    @Override
    public void flush() {
        delegate.flush();
    }

    @Override
    public void close() {
        delegate.close();
    }

    /** True to write the buffers as they are, all at once (the common case). */
    private boolean plain(BufferData[] buffers) {
        if (transform || connection.expired() || buffers.length == 0) {
            return false;
        }
        if (!started && !interim(buffers[0])) {
            started = true;
        }
        return true;
    }

    /** True to write the buffer as it is; false when it was dropped or written rewritten. */
    private boolean pass(BufferData buffer) {
        if (connection.expired()) {
            buffer.skip(buffer.available());
            return false;
        }
        if (!transform) {
            if (!started && !interim(buffer)) {
                started = true;
            }
            return true;
        }
        byte[] bytes = buffer.readBytes();
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + 64);
        rewrite(bytes, 0, bytes.length, out);
        if (out.size() > 0) {
            delegate.write(BufferData.create(out.toByteArray()));
        }
        return false;
    }

    private static boolean interim(BufferData buffer) {
        // "HTTP/1.1 1xx"
        return buffer.available() > 9 && buffer.get(9) == '1';
    }

    private void rewrite(byte[] b, int from, int to, ByteArrayOutputStream out) {
        int i = from;
        while (i < to) {
            switch (phase) {
                case HEAD -> {
                    int end = -1;
                    for (; i < to; i++) {
                        head.write(b[i]);
                        tail = (tail << 8) | (b[i] & 0xff);
                        if (tail == 0x0D0A0D0A) {
                            end = ++i;
                            break;
                        }
                    }
                    if (end >= 0) {
                        headDone(out);
                    }
                }
                case BODY_PASS -> {
                    out.write(b, i, to - i);
                    i = to;
                }
                case BODY_DROP -> i = to;
                case BODY_DECHUNK -> {
                    i = dechunk.scan(b, i, to, out::write);
                    if (dechunk.finished() || dechunk.broken()) {
                        phase = Phase.BODY_DROP;
                    }
                }
            }
        }
    }

    private void headDone(ByteArrayOutputStream out) {
        String text = head.toString(StandardCharsets.ISO_8859_1);
        head.reset();
        tail = 0;
        int status = text.length() > 12 ? parseStatus(text.substring(9, 12)) : 500;
        if (status >= 100 && status < 200) {
            if (!http10) {
                out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
            }
            return; // the final response follows
        }
        started = true;
        boolean bodyless = headRequest || status == 204 || status == 304;
        if (!http10) {
            out.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
            phase = bodyless ? Phase.BODY_DROP : Phase.BODY_PASS;
            return;
        }
        StringBuilder rewritten = new StringBuilder(text.length());
        boolean chunked = false;
        String[] lines = text.substring(0, text.length() - 4).split("\r\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String lower = line.toLowerCase(Locale.ROOT);
            if (i > 0 && lower.startsWith("transfer-encoding:")) {
                chunked |= lower.contains("chunked");
                continue;
            }
            if (i > 0 && lower.startsWith("connection:")) {
                continue; // set below
            }
            rewritten.append(line).append("\r\n");
        }
        boolean close = chunked || connection.closesAfterExchange() || lower(text).contains("\r\nconnection: close");
        if (close) {
            connection.closeAfterExchange();
        }
        rewritten.append(close ? "Connection: close\r\n" : "Connection: keep-alive\r\n").append("\r\n");
        out.writeBytes(rewritten.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (bodyless) {
            phase = Phase.BODY_DROP;
        } else if (chunked) {
            dechunk = new ChunkScanner();
            phase = Phase.BODY_DECHUNK;
        } else {
            phase = Phase.BODY_PASS;
        }
    }

    private static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    private static int parseStatus(String s) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            return 500;
        }
    }
}
