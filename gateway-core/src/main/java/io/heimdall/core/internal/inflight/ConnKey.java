package io.heimdall.core.internal.inflight;

/**
 * A client connection as the TCP tables name it: the server's local port, the client's port and the client's address
 * in IPv6 form (IPv4 as {@code ::ffff:a.b.c.d}), so rows of {@code /proc/net/tcp} and {@code /proc/net/tcp6} match.
 */
record ConnKey(int localPort, int remotePort, long addressHigh, long addressLow) {
    static ConnKey of(ClientConnection c) {
        return new ConnKey(c.localPort(), c.remotePort(), TcpTable.addressHigh(c.remoteAddress()),
                TcpTable.addressLow(c.remoteAddress()));
    }

    /**
     * The local port and whether the client address is IPv4: the connections of one listening socket from one address
     * family are all in the same table ({@code tcp} for an IPv4 socket, {@code tcp6} for an IPv6 one, IPv4 clients of
     * a dual-stack socket included).
     */
    int portAndFamily() {
        boolean ipv4 = addressHigh == 0 && (addressLow >>> 32) == 0xFFFFL;
        return localPort << 1 | (ipv4 ? 1 : 0);
    }
}
