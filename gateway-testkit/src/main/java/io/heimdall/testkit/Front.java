package io.heimdall.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The listening socket of a {@link MockOpenAiServer} with connection tracking: accepts each client connection itself
 * and relays its bytes, both ways, to a connection of its own to the Helidon server on loopback, with two virtual
 * threads per connection. Owning the client's socket is what lets the mock count open connections, see a client close
 * while the request is still unanswered (the relay reads from the client all the time), and close with an RST
 * ({@code SO_LINGER} 0). The handler finds the {@link Conn} of a request by the relay's local port, which Helidon sees
 * as the request's remote port.
 */
final class Front implements AutoCloseable {
    private static final int BUFFER = 16 * 1024;

    private final ServerSocket listener;
    private final InetSocketAddress backend;
    private final Map<Integer, Conn> byRelayPort = new ConcurrentHashMap<>();
    private final Map<Conn, Boolean> all = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final LongAdder abandoned = new LongAdder();
    private volatile boolean closed;

    Front(String host, int port, InetSocketAddress backend) {
        this.backend = backend;
        try {
            listener = new ServerSocket();
            listener.setReuseAddress(true);
            listener.bind(new InetSocketAddress(host, port), 1024);
        } catch (IOException e) {
            throw new IllegalStateException("mock: cannot listen on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        Thread.ofVirtual().name("mock-openai-accept").start(this::acceptLoop);
    }

    int port() {
        return listener.getLocalPort();
    }

    int openConnections() {
        return open.get();
    }

    long abandonedRequests() {
        return abandoned.sum();
    }

    void resetCounters() {
        abandoned.reset();
    }

    /**
     * The exchange of a request whose tracked connection closed before its handler began: over at once, and abandoned
     * unless the mock is stopping.
     */
    Exchange alreadyClosed() {
        if (!closed) {
            abandoned.increment();
        }
        return Exchange.closed();
    }

    /** The tracked connection a request arrived on, by the port Helidon sees as the request's remote port. */
    Optional<Conn> conn(int relayPort) {
        return Optional.ofNullable(byRelayPort.get(relayPort));
    }

    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Conn c : all.keySet()) {
            c.closeAll();
        }
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                if (closed) {
                    return;
                }
                LockSupport.parkNanos(10_000_000L); // out of file descriptors, say: do not spin
                continue;
            }
            open.incrementAndGet();
            Thread.ofVirtual().name("mock-openai-relay").start(() -> serve(client));
        }
    }

    private void serve(Socket client) {
        Socket relay = new Socket();
        try {
            client.setTcpNoDelay(true);
            relay.setTcpNoDelay(true);
            relay.connect(backend, 5_000);
        } catch (IOException e) {
            closeQuietly(relay);
            closeQuietly(client);
            open.decrementAndGet();
            return;
        }
        Conn conn = new Conn(client, relay);
        byRelayPort.put(relay.getLocalPort(), conn);
        all.put(conn, Boolean.TRUE);
        if (closed) {
            conn.closeAll();
            return;
        }
        Thread.ofVirtual().name("mock-openai-relay-down").start(conn::pumpDown);
        conn.pumpUp();
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** One client connection and its relay connection to Helidon. */
    final class Conn {
        private final Socket client;
        private final Socket relay;
        private final AtomicBoolean closing = new AtomicBoolean();
        private volatile boolean reset;
        private Exchange current;
        private boolean clientGone;

        private Conn(Socket client, Socket relay) {
            this.client = client;
            this.relay = relay;
        }

        /** A request arrived on this connection; a client already gone abandons it at once. */
        Exchange begin() {
            Exchange ex = Exchange.tracked(this);
            boolean over;
            synchronized (this) {
                over = clientGone || closing.get();
                if (clientGone && !closing.get()) {
                    abandoned.increment();
                }
                current = ex;
            }
            if (over) {
                ex.over();
            }
            return ex;
        }

        synchronized void end(Exchange ex) {
            if (current == ex) {
                current = null;
            }
        }

        void resetOnClose() {
            reset = true;
        }

        /** Client to Helidon; the end of the client's bytes is the end of the client. */
        private void pumpUp() {
            byte[] buf = new byte[BUFFER];
            try {
                // not closed here: closing a socket's stream closes the socket, which closeAll does in order
                InputStream in = client.getInputStream();
                OutputStream out = relay.getOutputStream();
                while (true) {
                    int n;
                    try {
                        n = in.read(buf);
                    } catch (IOException e) {
                        break;
                    }
                    if (n < 0) {
                        break;
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
                clientLeft();
            } catch (IOException e) {
                // Helidon closed its side: pumpDown relays what it sent, then closes the client
            }
        }

        /** Helidon to client; the end of Helidon's bytes closes the client, with an RST when asked. */
        private void pumpDown() {
            byte[] buf = new byte[BUFFER];
            InputStream in;
            OutputStream out;
            try {
                in = relay.getInputStream();
                out = client.getOutputStream();
            } catch (IOException e) {
                closeAll();
                return;
            }
            while (true) {
                int n;
                try {
                    n = in.read(buf);
                } catch (IOException e) {
                    n = -1;
                }
                if (n < 0) {
                    closeAll();
                    return;
                }
                try {
                    out.write(buf, 0, n);
                    out.flush();
                } catch (IOException e) {
                    clientLeft();
                    return;
                }
            }
        }

        /** The client closed its connection (or it broke): an unanswered request is abandoned. */
        private void clientLeft() {
            Exchange ex;
            synchronized (this) {
                if (closing.get() || clientGone) {
                    return;
                }
                clientGone = true;
                ex = current;
                if (ex != null && !ex.isAnswered()) {
                    abandoned.increment();
                }
            }
            if (ex != null) {
                ex.over();
            }
            closeAll();
        }

        void closeAll() {
            if (!closing.compareAndSet(false, true)) {
                return;
            }
            Exchange ex;
            synchronized (this) {
                ex = current;
            }
            if (ex != null) {
                ex.over();
            }
            if (reset) {
                try {
                    client.setSoLinger(true, 0);
                } catch (IOException ignored) {
                    // then an orderly close
                }
            }
            closeQuietly(client);
            closeQuietly(relay);
            byRelayPort.remove(relay.getLocalPort(), this);
            all.remove(this);
            open.decrementAndGet();
        }
    }
}
