package io.heimdall.bench;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * One keep-alive HTTP/1.1 connection that sends the same pre-encoded request over and over and reads (and discards)
 * each response: status line, headers, then a body framed by {@code Content-Length}, by chunked transfer coding, or by
 * the end of the connection. Just enough HTTP for a load generator, with no allocation on the body path. Not
 * thread-safe: one connection belongs to one worker thread, except {@link #abortIfBusyLongerThan}, meant for a
 * watchdog thread.
 *
 * <p>The socket stays in plain blocking mode: no connect timeout and no {@code SO_TIMEOUT}, either of which turns the
 * JDK socket non-blocking for good and costs a {@code poll} and a failed {@code read} per response. A request that
 * takes too long is instead aborted from the watchdog, which closes the socket under the blocked worker.
 */
final class HttpConnection implements Closeable {

    private final InetSocketAddress address;
    private final byte[] request;
    private final byte[] buffer = new byte[64 * 1024];
    private int position;
    private int limit;
    private volatile Socket socket;
    private InputStream in;
    private OutputStream out;
    private boolean reused;
    /** {@link System#nanoTime()} when the first byte of the last response's body was read, 0 without a body. */
    private long firstBodyNanos;
    /** {@link System#nanoTime()} when the current exchange started, 0 while idle. */
    private volatile long busySince;
    private volatile boolean aborted;

    HttpConnection(InetSocketAddress address, byte[] request) {
        this.address = address;
        this.request = request;
    }

    void connect() throws IOException {
        close();
        Socket s = new Socket();
        s.setTcpNoDelay(true);
        s.setKeepAlive(true);
        socket = s;
        s.connect(address);
        in = s.getInputStream();
        out = s.getOutputStream();
        position = 0;
        limit = 0;
        reused = false;
    }

    /** From the watchdog: closes the socket if an exchange (or its connect) has run longer than {@code nanos}. */
    void abortIfBusyLongerThan(long nanos, long now) {
        long since = busySince;
        if (since != 0 && now - since > nanos) {
            aborted = true;
            Socket s = socket;
            if (s != null) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        }
    }

    /**
     * Sends the request and reads the whole response.
     *
     * @return the HTTP status code
     * @throws IOException on any I/O or protocol error; the connection is closed and reopened by the next call
     */
    int exchange() throws IOException {
        busySince = System.nanoTime();
        aborted = false;
        try {
            if (socket == null) {
                connect();
            }
            try {
                return send();
            } catch (IOException e) {
                // A kept-alive connection the server closed while idle fails before any byte of the response
                // arrives: reopen it once and resend, as HTTP clients do. Anything else is an error of this request.
                if (!reused || limit != 0 || aborted) {
                    throw e;
                }
                connect();
                return send();
            }
        } catch (IOException | RuntimeException e) {
            close();
            if (aborted) {
                throw new SocketTimeoutException("no complete response within the timeout");
            }
            throw e;
        } finally {
            busySince = 0;
        }
    }

    /**
     * When the first byte of the last response's body arrived ({@link System#nanoTime()}), 0 when it had no body: for
     * a stream, the time to its first event.
     */
    long firstBodyNanos() {
        return firstBodyNanos;
    }

    private int send() throws IOException {
        out.write(request);
        out.flush();
        int status = readResponse();
        reused = true;
        return status;
    }

    private int readResponse() throws IOException {
        position = 0;
        limit = 0;
        firstBodyNanos = 0;
        String statusLine = readLine();
        // HTTP/1.1 200 OK
        if (statusLine.length() < 12 || !statusLine.startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x status line: " + statusLine);
        }
        int status = Integer.parseInt(statusLine, 9, 12, 10);
        boolean http10 = statusLine.charAt(7) == '0';
        long contentLength = -1;
        boolean chunked = false;
        boolean close = http10;
        for (String line = readLine(); !line.isEmpty(); line = readLine()) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String value = line.substring(colon + 1).strip();
            if (line.regionMatches(true, 0, "content-length", 0, colon) && colon == 14) {
                contentLength = Long.parseLong(value);
            } else if (line.regionMatches(true, 0, "transfer-encoding", 0, colon) && colon == 17) {
                chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
            } else if (line.regionMatches(true, 0, "connection", 0, colon) && colon == 10) {
                String v = value.toLowerCase(Locale.ROOT);
                close = v.contains("close") || (http10 && !v.contains("keep-alive"));
            }
        }
        boolean hasBody = !(status == 204 || status == 304 || (status >= 100 && status < 200)) && contentLength != 0;
        if (hasBody) {
            if (position == limit && fill() < 0) {
                throw new EOFException("connection closed before the body");
            }
            firstBodyNanos = System.nanoTime();
        }
        if (status == 204 || status == 304 || (status >= 100 && status < 200)) {
            // no body
        } else if (chunked) {
            skipChunkedBody();
        } else if (contentLength >= 0) {
            skip(contentLength);
        } else {
            skipToEof();
            close = true;
        }
        if (close) {
            close();
        }
        return status;
    }

    private void skipChunkedBody() throws IOException {
        while (true) {
            String sizeLine = readLine();
            int semicolon = sizeLine.indexOf(';');
            long size = Long.parseLong((semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).strip(), 16);
            if (size == 0) {
                // trailers, up to the empty line
                while (!readLine().isEmpty()) {
                    // skip
                }
                return;
            }
            skip(size);
            if (!readLine().isEmpty()) {
                throw new IOException("chunk not followed by CRLF");
            }
        }
    }

    private void skip(long n) throws IOException {
        while (n > 0) {
            if (position == limit && fill() < 0) {
                throw new EOFException("connection closed inside a body");
            }
            int step = (int) Math.min(n, limit - position);
            position += step;
            n -= step;
        }
    }

    private void skipToEof() throws IOException {
        position = limit;
        while (fill() >= 0) {
            position = limit;
        }
    }

    /** A line of ISO-8859-1 text without its CRLF (or LF). */
    private String readLine() throws IOException {
        int start = position;
        while (true) {
            for (int i = start; i < limit; i++) {
                if (buffer[i] == '\n') {
                    int end = i > position && buffer[i - 1] == '\r' ? i - 1 : i;
                    String line = new String(buffer, position, end - position, StandardCharsets.ISO_8859_1);
                    position = i + 1;
                    return line;
                }
            }
            start = limit;
            if (position > 0 && limit == buffer.length) {
                // compact: keep the partial line at the start of the buffer
                int partial = limit - position;
                System.arraycopy(buffer, position, buffer, 0, partial);
                start = partial;
                position = 0;
                limit = partial;
            } else if (limit == buffer.length) {
                throw new IOException("header line longer than " + buffer.length + " bytes");
            }
            int read = in.read(buffer, limit, buffer.length - limit);
            if (read < 0) {
                throw new EOFException("connection closed before the end of a line");
            }
            limit += read;
        }
    }

    /** Reads more bytes after {@code limit}, compacting when the buffer is consumed; -1 at end of stream. */
    private int fill() throws IOException {
        if (position == limit) {
            position = 0;
            limit = 0;
        }
        int read = in.read(buffer, limit, buffer.length - limit);
        if (read > 0) {
            limit += read;
        }
        return read;
    }

    @Override
    public void close() {
        Socket s = socket;
        socket = null;
        in = null;
        out = null;
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
