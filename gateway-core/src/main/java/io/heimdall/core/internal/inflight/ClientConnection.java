package io.heimdall.core.internal.inflight;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * The client's TCP connection a request arrived on, as the server sees it: the server's local port and the client's
 * address and port (Helidon's {@code ServerRequest.localPeer()} and {@code remotePeer()}). An IPv4 address and its
 * IPv4-mapped IPv6 form ({@code ::ffff:a.b.c.d}) name the same connection.
 *
 * @param localPort     the server's port the client connected to, 1..65535
 * @param remoteAddress the client's address, as seen by the server (not a proxy's {@code X-Forwarded-For})
 * @param remotePort    the client's port, 1..65535
 */
public record ClientConnection(int localPort, InetAddress remoteAddress, int remotePort) {
    /** Validates the fields. */
    public ClientConnection {
        Objects.requireNonNull(remoteAddress, "remoteAddress");
        if (localPort < 1 || localPort > 65535) {
            throw new IllegalArgumentException("localPort out of range: " + localPort);
        }
        if (remotePort < 1 || remotePort > 65535) {
            throw new IllegalArgumentException("remotePort out of range: " + remotePort);
        }
    }

    /**
     * The connection between two socket addresses, if both are IP socket addresses (not, say, a Unix domain socket).
     *
     * @param local  the server's end of the connection
     * @param remote the client's end of the connection
     * @return the connection, or empty when either address is not an {@link InetSocketAddress} with an address
     */
    public static Optional<ClientConnection> of(SocketAddress local, SocketAddress remote) {
        if (local instanceof InetSocketAddress l && remote instanceof InetSocketAddress r && !r.isUnresolved()
                && l.getPort() > 0 && r.getPort() > 0) {
            return Optional.of(new ClientConnection(l.getPort(), r.getAddress(), r.getPort()));
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return remoteAddress.getHostAddress() + ":" + remotePort + "->:" + localPort;
    }
}
