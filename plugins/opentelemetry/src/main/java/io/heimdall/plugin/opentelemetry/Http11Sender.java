package io.heimdall.plugin.opentelemetry;

import io.opentelemetry.sdk.common.export.RetryPolicy;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Posts OTLP/HTTP exports to a plain {@code http://} collector: HTTP/1.1 on one kept-alive socket, the body written
 * from the caller's buffer on the calling thread (the SDK's batch thread, which waits for each export anyway).
 * Replaces the JDK HTTP client, whose asynchronous machinery (an executor hand-off, its selector thread, an h2c
 * upgrade offer) cost as much CPU per export as marshalling the spans.
 *
 * <p>Bounds: the connect timeout, then the export timeout for the whole exchange including retries (reads time out
 * by the socket's timeout; a write stuck on a collector that stops reading is ended by a watchdog thread that closes
 * the socket, waking about once per second). Retries follow the exporter's {@link RetryPolicy} (retryable statuses
 * 429, 502, 503, 504 and I/O errors, with its backoff); a reused connection the collector closed meanwhile is
 * reopened once without counting as a retry.
 */
final class Http11Sender {
    private static final Set<Integer> RETRYABLE = Set.of(429, 502, 503, 504);
    private static final int MAX_HEAD_LINE = 8192;
    private static final long MAX_RESPONSE_BODY = 4 << 20;

    private final String host;
    private final int port;
    /** The request line and the fixed headers, up to the length. */
    private final byte[] fixedHead;
    private final int connectTimeoutMillis;
    private final long timeoutNanos;
    private final Optional<RetryPolicy> retry;
    private final long maxResponseBody;
    private final Watchdog watchdog;

    private volatile Socket socket;
    private BufferedInputStream in;
    private OutputStream out;
    private volatile boolean shutdown;
    /** Whether the exchange in progress has read a byte of the response. */
    private boolean responding;

    /**
     * The collector's answer.
     *
     * @param status  the HTTP status
     * @param message the reason phrase
     * @param body    the body (at most 4 MB)
     */
    record Response(int status, String message, byte[] body) {
    }

    /**
     * Closes the socket of an exchange that outlives its deadline (a write to a collector that stopped reading has no
     * timeout of its own). One daemon thread per sender that sleeps a tenth of the export timeout (10 ms to 1 s) at a
     * time: no hand-off per export.
     */
    private static final class Watchdog {
        private final long periodMillis;
        private Thread thread;
        private Socket watched;
        private long deadline;
        private boolean stopped;

        Watchdog(Duration timeout) {
            this.periodMillis = Math.clamp(timeout.toMillis() / 10, 10, 1000);
        }

        synchronized void arm(long deadlineNanos, Socket s) {
            deadline = deadlineNanos;
            watched = s;
            if (thread == null && !stopped) {
                thread = Thread.ofPlatform().daemon().name("heimdall-otlp-watchdog").start(this::run);
            }
        }

        synchronized void disarm() {
            watched = null;
        }

        synchronized void stop() {
            stopped = true;
            if (thread != null) {
                thread.interrupt();
            }
        }

        private void run() {
            while (true) {
                try {
                    Thread.sleep(periodMillis);
                } catch (InterruptedException e) {
                    return;
                }
                synchronized (this) {
                    if (stopped) {
                        return;
                    }
                    if (watched != null && System.nanoTime() - deadline > 0) {
                        closeQuietly(watched);
                        watched = null;
                    }
                }
            }
        }
    }

    /**
     * A sender to {@code endpoint} (an {@code http://} URL) with these request headers and bounds.
     *
     * @param endpoint       where exports are posted
     * @param headers        headers sent with every export (may be credentials: never logged)
     * @param connectTimeout the bound of a connect
     * @param timeout        the bound of one export, retries included
     * @param retry          the retry policy; empty for none
     */
    Http11Sender(URI endpoint, Map<String, String> headers, Duration connectTimeout, Duration timeout,
                 Optional<RetryPolicy> retry) {
        this.host = endpoint.getHost();
        this.port = endpoint.getPort() < 0 ? 80 : endpoint.getPort();
        String path = endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() ? "/" : endpoint.getRawPath();
        String query = endpoint.getRawQuery() == null ? "" : "?" + endpoint.getRawQuery();
        String hostHeader = (host.contains(":") ? "[" + host + "]" : host) + (endpoint.getPort() < 0 ? "" : ":" + port);
        StringBuilder head = new StringBuilder("POST " + path + query + " HTTP/1.1\r\nHost: " + hostHeader
                + "\r\nContent-Type: application/x-protobuf\r\nUser-Agent: heimdall-opentelemetry\r\n");
        headers.forEach((name, value) -> head.append(checked(name)).append(": ").append(checked(value))
                .append("\r\n"));
        this.fixedHead = head.toString().getBytes(StandardCharsets.UTF_8);
        this.connectTimeoutMillis = (int) Math.clamp(connectTimeout.toMillis(), 1, Integer.MAX_VALUE);
        this.timeoutNanos = timeout.toNanos();
        this.retry = retry;
        this.maxResponseBody = MAX_RESPONSE_BODY;
        this.watchdog = new Watchdog(timeout);
    }

    /**
     * Posts {@code body[0, length)} and returns the answer (after the retries the policy allows for retryable
     * statuses and I/O errors, within the timeout).
     *
     * @throws IOException when no answer came (refused, reset, timed out, shut down)
     */
    synchronized Response send(byte[] body, int length) throws IOException {
        if (shutdown) {
            throw new IOException("the OTLP sender is shut down");
        }
        long start = System.nanoTime();
        byte[] tail = ("Content-Length: " + length + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] head = Arrays.copyOf(fixedHead, fixedHead.length + tail.length);
        System.arraycopy(tail, 0, head, fixedHead.length, tail.length);
        int attempts = retry.map(RetryPolicy::getMaxAttempts).orElse(1);
        long backoff = retry.map(r -> r.getInitialBackoff().toNanos()).orElse(0L);
        for (int attempt = 1; ; attempt++) {
            Response response;
            try {
                response = attempt(head, body, length, start);
            } catch (IOException e) {
                if (attempt >= attempts || shutdown || !retryable(e)
                        || !backOff(backoff, start)) {
                    throw e;
                }
                backoff = nextBackoff(backoff);
                continue;
            }
            if (attempt >= attempts || !RETRYABLE.contains(response.status()) || !backOff(backoff, start)) {
                return response;
            }
            backoff = nextBackoff(backoff);
        }
    }

    private boolean retryable(IOException e) {
        return retry.map(RetryPolicy::getRetryExceptionPredicate).map(p -> p.test(e)).orElse(true);
    }

    private long nextBackoff(long backoff) {
        RetryPolicy policy = retry.orElseThrow();
        return (long) Math.min(backoff * policy.getBackoffMultiplier(), policy.getMaxBackoff().toNanos());
    }

    /** Sleeps a jittered backoff when it ends before the timeout; false when there is no time left for it. */
    private boolean backOff(long backoffNanos, long start) {
        long sleep = (long) (backoffNanos * ThreadLocalRandom.current().nextDouble(0.8, 1.2));
        if (System.nanoTime() + sleep - start >= timeoutNanos) {
            return false;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(sleep);
            return !shutdown;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String checked(String s) {
        if (s.indexOf('\r') >= 0 || s.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("an export header name or value holds a line break");
        }
        return s;
    }

    /**
     * One request and its response; a kept-alive connection that fails before the first byte of a response (the
     * collector closed it while idle) is reopened once.
     */
    private Response attempt(byte[] head, byte[] body, int length, long start) throws IOException {
        boolean reused = socket != null;
        try {
            return roundTrip(head, body, length, start);
        } catch (IOException e) {
            close();
            if (!reused || responding || e instanceof SocketTimeoutException || shutdown) {
                throw e;
            }
            return roundTrip(head, body, length, start);
        }
    }

    private Response roundTrip(byte[] head, byte[] body, int length, long start) throws IOException {
        long left = timeoutNanos - (System.nanoTime() - start);
        if (left <= 0) {
            throw new IOException("OTLP export timed out");
        }
        responding = false;
        if (socket == null) {
            open();
        }
        watchdog.arm(start + timeoutNanos, socket);
        try {
            socket.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            out.write(head);
            out.write(body, 0, length);
            out.flush();
            return read();
        } finally {
            watchdog.disarm();
        }
    }

    private void open() throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.connect(new InetSocketAddress(host, port), connectTimeoutMillis);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        socket = s;
        in = new BufferedInputStream(s.getInputStream(), 8192);
        out = new BufferedOutputStream(s.getOutputStream(), 16 * 1024);
    }

    private Response read() throws IOException {
        String statusLine = line();
        String[] parts = statusLine.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
            throw new IOException("not an HTTP/1.x response from the collector");
        }
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IOException("not an HTTP status from the collector");
        }
        boolean keepAlive = parts[0].equals("HTTP/1.1");
        long length = -1;
        boolean chunked = false;
        for (String h = line(); !h.isEmpty(); h = line()) {
            int colon = h.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = h.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = h.substring(colon + 1).trim().toLowerCase(Locale.ROOT);
            switch (name) {
                case "content-length" -> length = number(value, 10);
                case "transfer-encoding" -> chunked = value.endsWith("chunked");
                case "connection" -> keepAlive = value.contains("keep-alive")
                        || (keepAlive && !value.contains("close"));
                default -> { }
            }
        }
        byte[] content;
        if (status == 204 || status == 304) {
            content = new byte[0];
        } else if (chunked) {
            content = chunked();
        } else if (length >= 0) {
            content = bounded(length);
        } else {
            keepAlive = false;
            content = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxResponseBody));
        }
        if (!keepAlive) {
            close();
        }
        return new Response(status, parts.length > 2 ? parts[2] : "", content);
    }

    private static long number(String s, int radix) throws IOException {
        try {
            long n = Long.parseLong(s, radix);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IOException("a malformed length in the collector's response");
        }
    }

    private byte[] bounded(long length) throws IOException {
        if (length > maxResponseBody) {
            throw new IOException("the collector's response is larger than " + maxResponseBody + " bytes");
        }
        byte[] b = in.readNBytes((int) length);
        if (b.length < length) {
            throw new EOFException("the collector's response ended early");
        }
        return b;
    }

    private byte[] chunked() throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        while (true) {
            String size = line();
            int semi = size.indexOf(';');
            long n = number((semi < 0 ? size : size.substring(0, semi)).trim(), 16);
            if (n == 0) {
                while (!line().isEmpty()) {
                    // trailers
                }
                return all.toByteArray();
            }
            if (all.size() + n > maxResponseBody) {
                throw new IOException("the collector's response is larger than " + maxResponseBody + " bytes");
            }
            all.write(bounded(n));
            line();
        }
    }

    /** One CRLF-terminated line of the response head (ISO-8859-1). */
    private String line() throws IOException {
        StringBuilder sb = new StringBuilder(64);
        while (true) {
            int c = in.read();
            if (c < 0) {
                throw new EOFException(responding ? "the collector's response ended early"
                        : "the collector closed the connection");
            }
            responding = true;
            if (c == '\n') {
                int n = sb.length();
                return n > 0 && sb.charAt(n - 1) == '\r' ? sb.substring(0, n - 1) : sb.toString();
            }
            if (sb.length() >= MAX_HEAD_LINE) {
                throw new IOException("a header line of the collector's response is too long");
            }
            sb.append((char) c);
        }
    }

    /** Drops the connection (the exchange's own thread only). */
    private void close() {
        Socket s = socket;
        socket = null;
        in = null;
        out = null;
        if (s != null) {
            closeQuietly(s);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Ends an exchange in progress and refuses further ones. */
    void shutdown() {
        shutdown = true;
        watchdog.stop();
        Socket s = socket;
        if (s != null) {
            closeQuietly(s); // ends an exchange in progress
        }
    }
}
