package io.heimdall.core.internal.inflight;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;

/**
 * Reads Linux's TCP socket tables ({@code /proc/net/tcp}, {@code /proc/net/tcp6}) as a stream of bytes, with no
 * allocation per row, and reports only the rows whose local and remote ports are both wanted. Rows look like
 * {@code "  12: 0100007F:1F90 0100007F:A3C2 08 ..."}: hexadecimal addresses printed as 32-bit words in host byte order
 * (so little-endian on x86), ports in plain hexadecimal, then the state. Not thread-safe: one scanner per thread.
 */
final class TcpTable {
    /** The tables of a Linux host. */
    static final List<Path> LINUX = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

    /** TCP states as the kernel numbers them. */
    static final int ESTABLISHED = 0x01;
    static final int TIME_WAIT = 0x06;
    static final int CLOSE = 0x07;
    static final int CLOSE_WAIT = 0x08;
    static final int LAST_ACK = 0x09;
    static final int CLOSING = 0x0B;

    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    private static final long IPV4_MAPPED_PREFIX = 0xFFFF_0000_0000L;
    private static final byte[] HEX = new byte[256];

    static {
        Arrays.fill(HEX, (byte) -1);
        for (int i = 0; i < 10; i++) {
            HEX['0' + i] = (byte) i;
        }
        for (int i = 0; i < 6; i++) {
            HEX['A' + i] = (byte) (10 + i);
            HEX['a' + i] = (byte) (10 + i);
        }
    }

    /** Receives the rows that passed the port filters. */
    @FunctionalInterface
    interface RowSink {
        /**
         * One matching row.
         *
         * @param table      the index of the table it was read from
         * @param localPort  the socket's local port
         * @param remotePort the socket's remote port
         * @param addrHigh   the first 8 bytes of the remote address in IPv6 form, big-endian
         * @param addrLow    the last 8 bytes of the remote address in IPv6 form (IPv4 as {@code ::ffff:a.b.c.d})
         * @param state      the TCP state, for example {@link #CLOSE_WAIT}
         */
        void row(int table, int localPort, int remotePort, long addrHigh, long addrLow, int state);
    }

    private final List<Path> tables;
    private byte[] buffer = new byte[64 * 1024];

    /**
     * A scanner of the given tables.
     *
     * @param tables the table files, in the {@code /proc/net/tcp} format
     */
    TcpTable(List<Path> tables) {
        this.tables = List.copyOf(tables);
    }

    /** The given tables that exist and can be read; empty where there is no {@code /proc} (not Linux). */
    static List<Path> readable(List<Path> candidates) {
        List<Path> ok = new ArrayList<>();
        for (Path p : candidates) {
            try (InputStream in = Files.newInputStream(p)) {
                if (in.read() >= 0) {
                    ok.add(p);
                }
            } catch (IOException | SecurityException e) {
                // not this one
            }
        }
        return ok;
    }

    /** The tables this scanner reads. */
    List<Path> tables() {
        return tables;
    }

    /** Whether a socket in this state has been closed by its peer (or is gone): CLOSE_WAIT, LAST_ACK, CLOSE... */
    static boolean peerClosed(int state) {
        return state == CLOSE_WAIT || state == LAST_ACK || state == CLOSE || state == CLOSING || state == TIME_WAIT;
    }

    /** How many tables this scanner reads; a mask with one bit per table selects them. */
    int tableCount() {
        return tables.size();
    }

    /** The mask selecting every table. */
    int allTables() {
        return (1 << tables.size()) - 1;
    }

    /**
     * Reads the selected tables once. Reading a table costs the kernel a walk of its whole socket hash table, even when
     * the table shows no row (an IPv6 server's connections are all in {@code tcp6}, IPv4 clients included).
     *
     * @param tableMask   which tables to read: bit {@code i} for {@code tables().get(i)}
     * @param localPorts  the local ports of interest
     * @param remotePorts the remote ports of interest
     * @param sink        receives the rows whose local and remote ports are both of interest
     * @return the number of rows read
     * @throws IOException if a table cannot be read
     */
    int scan(int tableMask, BitSet localPorts, BitSet remotePorts, RowSink sink) throws IOException {
        int rows = 0;
        for (int t = 0; t < tables.size(); t++) {
            if ((tableMask & (1 << t)) != 0) {
                rows += scanOne(t, localPorts, remotePorts, sink);
            }
        }
        return rows;
    }

    private int scanOne(int table, BitSet localPorts, BitSet remotePorts, RowSink sink) throws IOException {
        int rows = 0;
        try (InputStream in = Files.newInputStream(tables.get(table))) {
            int end = 0;
            while (true) {
                if (end == buffer.length) {
                    buffer = Arrays.copyOf(buffer, buffer.length * 2); // a line longer than the buffer
                }
                int n = in.read(buffer, end, buffer.length - end);
                if (n < 0) {
                    if (end > 0 && parseRow(table, buffer, 0, end, localPorts, remotePorts, sink)) {
                        rows++;
                    }
                    return rows;
                }
                int from = end;
                end += n;
                int lineStart = 0;
                for (int i = from; i < end; i++) {
                    if (buffer[i] == '\n') {
                        if (parseRow(table, buffer, lineStart, i, localPorts, remotePorts, sink)) {
                            rows++;
                        }
                        lineStart = i + 1;
                    }
                }
                System.arraycopy(buffer, lineStart, buffer, 0, end - lineStart);
                end -= lineStart;
            }
        }
    }

    /**
     * Parses one row in {@code b[from, to)} up to its state and passes it on if its ports are wanted.
     *
     * @return whether the line was a socket row (the header is not)
     */
    static boolean parseRow(int table, byte[] b, int from, int to, BitSet localPorts, BitSet remotePorts,
                            RowSink sink) {
        int i = skipSpaces(b, from, to);
        i = skipPast(b, i, to, (byte) ':'); // the row number "12:"
        if (i < 0) {
            return false;
        }
        i = skipSpaces(b, i, to);
        int localAddr = i;
        i = skipPast(b, i, to, (byte) ':');
        if (i < 0) {
            return false;
        }
        int localAddrLength = i - 1 - localAddr;
        int portEnd = skipPast(b, i, to, (byte) ' ');
        int localPort = portEnd < 0 ? -1 : hex(b, i, portEnd - 1);
        if (localPort < 0) {
            return false;
        }
        i = skipSpaces(b, portEnd, to);
        int remoteAddr = i;
        i = skipPast(b, i, to, (byte) ':');
        if (i < 0) {
            return false;
        }
        int remoteAddrLength = i - 1 - remoteAddr;
        portEnd = skipPast(b, i, to, (byte) ' ');
        int remotePort = portEnd < 0 ? -1 : hex(b, i, portEnd - 1);
        if (remotePort < 0 || (localAddrLength != 8 && localAddrLength != 32)) {
            return false;
        }
        i = skipSpaces(b, portEnd, to);
        int state = i + 2 <= to ? hex(b, i, i + 2) : -1;
        if (state < 0) {
            return false;
        }
        if (remotePort > 0xFFFF || localPort > 0xFFFF || !remotePorts.get(remotePort) || !localPorts.get(localPort)) {
            return true;
        }
        long high;
        long low;
        if (remoteAddrLength == 8) {
            high = 0;
            low = IPV4_MAPPED_PREFIX | (word(b, remoteAddr) & 0xFFFF_FFFFL);
        } else if (remoteAddrLength == 32) {
            high = ((long) word(b, remoteAddr) << 32) | (word(b, remoteAddr + 8) & 0xFFFF_FFFFL);
            low = ((long) word(b, remoteAddr + 16) << 32) | (word(b, remoteAddr + 24) & 0xFFFF_FFFFL);
        } else {
            return false;
        }
        sink.row(table, localPort, remotePort, high, low, state);
        return true;
    }

    /** Eight hex digits printed from a big-endian 32-bit word read in host order, back to the big-endian value. */
    private static int word(byte[] b, int at) {
        int v = 0;
        for (int k = at; k < at + 8; k++) {
            v = (v << 4) | (HEX[b[k] & 0xFF] & 0x0F);
        }
        return LITTLE_ENDIAN ? Integer.reverseBytes(v) : v;
    }

    private static int hex(byte[] b, int from, int to) {
        if (to <= from || to - from > 7) {
            return -1;
        }
        int v = 0;
        for (int k = from; k < to; k++) {
            int d = HEX[b[k] & 0xFF];
            if (d < 0) {
                return -1;
            }
            v = (v << 4) | d;
        }
        return v;
    }

    private static int skipSpaces(byte[] b, int i, int to) {
        while (i < to && b[i] == ' ') {
            i++;
        }
        return i;
    }

    /** The index after the first {@code c} at or after {@code i}, or -1 when the line has none. */
    private static int skipPast(byte[] b, int i, int to, byte c) {
        while (i < to && b[i] != c) {
            if (b[i] == ' ' && c == ':') {
                return -1; // a field ended without the separator: not a socket row
            }
            i++;
        }
        return i < to ? i + 1 : -1;
    }

    /** The remote address as the high 8 bytes of its IPv6 form (IPv4 addresses as {@code ::ffff:a.b.c.d}). */
    static long addressHigh(InetAddress address) {
        if (address instanceof Inet4Address) {
            return 0;
        }
        byte[] a = address.getAddress();
        return bytes(a, 0);
    }

    /** The remote address as the low 8 bytes of its IPv6 form (IPv4 addresses as {@code ::ffff:a.b.c.d}). */
    static long addressLow(InetAddress address) {
        byte[] a = address.getAddress();
        if (address instanceof Inet4Address) {
            return IPV4_MAPPED_PREFIX | (bytes(a, 0) >>> 32);
        }
        return bytes(a, 8);
    }

    private static long bytes(byte[] a, int from) {
        long v = 0;
        for (int k = 0; k < 8; k++) {
            int i = from + k;
            v = (v << 8) | (i < a.length ? a[i] & 0xFF : 0);
        }
        return v;
    }
}
