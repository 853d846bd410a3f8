package io.heimdall.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A raw client connection for fault tests: sends requests, reads with arrival times, tells an EOF from an RST. */
final class Wire implements AutoCloseable {
    /** How a read ended. */
    enum End { EOF, RESET, TIMEOUT }

    /** What arrived: the bytes (ISO-8859-1), each read's arrival in ms since the read began, and how it ended. */
    record Read(String bytes, List<Long> arrivals, End end) {
        String body() {
            int at = bytes.indexOf("\r\n\r\n");
            return at < 0 ? "" : bytes.substring(at + 4);
        }
    }

    private final Socket socket;

    Wire(MockOpenAiServer mock) {
        socket = new Socket();
        try {
            socket.connect(new InetSocketAddress("127.0.0.1", mock.port()), 5_000);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sends a POST (keep-alive unless {@code close}). */
    Wire post(String path, String json, boolean close) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n";
        try {
            socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().write(body);
            socket.getOutputStream().flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Reads until EOF, reset, or {@code quietMillis} without a byte. */
    Read read(int quietMillis) {
        return readUntil(null, quietMillis);
    }

    /**
     * Reads until what arrived ends with {@code suffix} (then {@link End#TIMEOUT}, the connection still open), EOF,
     * reset, or {@code quietMillis} without a byte.
     */
    Read readUntil(String suffix, int quietMillis) {
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        List<Long> arrivals = new ArrayList<>();
        long start = System.nanoTime();
        try {
            socket.setSoTimeout(quietMillis);
            InputStream in = socket.getInputStream();
            byte[] buf = new byte[8192];
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    return new Read(got.toString(StandardCharsets.ISO_8859_1), arrivals, End.EOF);
                }
                arrivals.add((System.nanoTime() - start) / 1_000_000);
                got.write(buf, 0, n);
                if (suffix != null && got.toString(StandardCharsets.ISO_8859_1).endsWith(suffix)) {
                    return new Read(got.toString(StandardCharsets.ISO_8859_1), arrivals, End.TIMEOUT);
                }
            }
        } catch (SocketTimeoutException e) {
            return new Read(got.toString(StandardCharsets.ISO_8859_1), arrivals, End.TIMEOUT);
        } catch (SocketException e) {
            if (String.valueOf(e.getMessage()).toLowerCase().contains("reset")) {
                return new Read(got.toString(StandardCharsets.ISO_8859_1), arrivals, End.RESET);
            }
            throw new UncheckedIOException(e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads the status line and headers only (up to the blank line), waiting at most {@code millis}. */
    String readHead(int millis) {
        StringBuilder sb = new StringBuilder();
        try {
            socket.setSoTimeout(millis);
            InputStream in = socket.getInputStream();
            while (!sb.toString().endsWith("\r\n\r\n")) {
                int b = in.read();
                if (b < 0) {
                    throw new AssertionError("closed before the headers ended: " + sb);
                }
                sb.append((char) b);
            }
            return sb.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
