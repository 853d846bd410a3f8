package io.heimdall.plugin.opentelemetry;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A collector on a raw server socket (127.0.0.1, ephemeral port) whose answers the test writes byte for byte: the
 * n-th request (from 0) gets {@code answers.apply(n)}; {@link #CLOSE} closes the connection after the answer,
 * {@link #STALL} reads nothing more and never answers. Records each request's connection number, head and body.
 */
final class RawCollector implements AutoCloseable {
    /** Appended to an answer: close the connection after it. */
    static final String CLOSE = "<close>";
    /** An answer: stop reading and never answer. */
    static final String STALL = "<stall>";
    /** The plain answer: 200, no body. */
    static final String OK = "HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 0\r\n\r\n";

    /** One request as received. */
    record Request(int connection, List<String> head, byte[] body) {
        /** The first value of a header, by case-insensitive name, or "" when absent. */
        String header(String name) {
            for (String h : head) {
                int colon = h.indexOf(':');
                if (colon > 0 && h.substring(0, colon).trim().equalsIgnoreCase(name)) {
                    return h.substring(colon + 1).trim();
                }
            }
            return "";
        }
    }

    private final ServerSocket server;
    private final IntFunction<String> answers;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger received = new AtomicInteger();

    RawCollector(IntFunction<String> answers) throws IOException {
        this.answers = answers;
        this.server = new ServerSocket();
        server.setReceiveBufferSize(4096); // a collector that stops reading stops a large export's writes soon
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        Thread.ofPlatform().daemon().start(this::accept);
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getLocalPort();
    }

    List<Request> requests() {
        return new ArrayList<>(requests);
    }

    int connections() {
        return connections.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                int number = connections.incrementAndGet();
                Thread.ofPlatform().daemon().start(() -> serve(s, number));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s, int connection) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            while (true) {
                List<String> head = new ArrayList<>();
                for (String line = line(in); !line.isEmpty(); line = line(in)) {
                    head.add(line);
                }
                int n = received.getAndIncrement();
                String answer = answers.apply(n);
                if (answer.equals(STALL)) {
                    Thread.sleep(60_000);
                    return;
                }
                Request r = new Request(connection, head, new byte[0]);
                byte[] body = in.readNBytes(Integer.parseInt(r.header("content-length")));
                requests.add(new Request(connection, head, body));
                boolean close = answer.endsWith(CLOSE);
                out.write(answer.replace(CLOSE, "").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (close) {
                    return;
                }
            }
        } catch (IOException | InterruptedException | RuntimeException e) {
            // the sender went away
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("end of stream");
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}
