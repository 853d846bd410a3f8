package io.heimdall.core.internal.inflight;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Real sockets on 127.0.0.1 for the tests: a "gateway" that accepts clients, and an upstream that never answers. */
final class Loopback implements Closeable {
    static final InetAddress LOCALHOST = InetAddress.getLoopbackAddress();

    private final List<Closeable> open = new ArrayList<>();

    /** A listening socket on 127.0.0.1 and an ephemeral port. */
    ServerSocket listen() throws IOException {
        ServerSocket s = new ServerSocket(0, 4096, LOCALHOST);
        open.add(s);
        return s;
    }

    /** Keeps a socket open until {@link #close()}: a socket nobody references may be closed by a GC's cleaner. */
    <T extends Closeable> T keep(T socket) {
        open.add(socket);
        return socket;
    }

    /** A client connected to the server, and the server's accepted end of it. */
    Pair connect(ServerSocket server) throws IOException {
        Socket client = new Socket(LOCALHOST, server.getLocalPort());
        Socket accepted = server.accept();
        open.add(client);
        open.add(accepted);
        return new Pair(client, accepted);
    }

    /** A client socket and the server's end of the same connection. */
    record Pair(Socket client, Socket accepted) {
        /** The connection as the server sees it, what the HTTP layer passes to the watchdog. */
        ClientConnection connection() {
            return ClientConnection.of(accepted.getLocalSocketAddress(), accepted.getRemoteSocketAddress())
                    .orElseThrow();
        }
    }

    /** Waits until the condition holds, for at most the given time; returns whether it held. */
    static boolean await(Duration max, BooleanSupplier condition) {
        long end = System.nanoTime() + max.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                return false;
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                throw new AssertionError("interrupted while waiting", e);
            }
        }
        return true;
    }

    /** Waits until the thread is blocked (parked, waiting or sleeping). */
    static void awaitBlocked(Thread t) {
        if (!await(Duration.ofSeconds(5), () -> t.getState() == Thread.State.WAITING
                || t.getState() == Thread.State.TIMED_WAITING)) {
            throw new AssertionError("thread did not block: " + t.getState());
        }
    }

    @Override
    public void close() {
        for (Closeable c : open.reversed()) {
            try {
                c.close();
            } catch (IOException e) {
                // best effort
            }
        }
    }
}
