package io.heimdall.core.internal.inflight;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class TcpTableTest {
    // Copied from an x86-64 Linux host (addresses are 32-bit words in little-endian order).
    private static final String TCP = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 126 1 0000000072642dd1 100 0 0 10 0
               1: 0100007F:1F90 0100007F:A3C2 08 00000000:00000001 00:00000000 00000000  1000        0 0 1 000000001b6c81b1 20 4 30 10 -1
               2: 0100007F:1F90 0200007F:A3C2 01 00000000:00000000 00:00000000 00000000  1000        0 0 1 000000001b6c81b1 20 4 30 10 -1
               3: 0100007F:A3C2 0100007F:1F90 05 00000000:00000000 03:00001763 00000000  1000        0 0 3 000000006261d6a3
            12345: 0A00020F:1F90 6401A8C0:D431 01 00000000:00000000 00:00000000 00000000  1000        0 0 1 000000001b6c81b1 20 4 30 10 -1
            """;
    private static final String TCP6 = """
              sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0000000000000000FFFF00000100007F:1F90 0000000000000000FFFF00000100007F:C0D8 01 00000000:0000000A 00:00000000 00000000     0        0 0 1 000000001b6c81b1 20 4 30 10 -1
               1: 00000000000000000000000001000000:1F90 00000000000000000000000001000000:C0D9 08 00000000:00000000 00:00000000 00000000     0        0 0 1 000000001b6c81b1 20 4 30 10 -1
               2: B80D0120000000000000000001000000:1F90 B80D0120000000000000000002000000:C0DA 01 00000000:00000000 00:00000000 00000000     0        0 0 1 000000001b6c81b1 20 4 30 10 -1
               3: garbage that is not a row
            """;

    private record Row(int localPort, int remotePort, ConnKey key, int state) {
    }

    private static List<Row> scan(Path table, int localPort, int... remotePorts) throws IOException {
        BitSet local = new BitSet();
        local.set(localPort);
        BitSet remote = new BitSet();
        for (int p : remotePorts) {
            remote.set(p);
        }
        List<Row> rows = new ArrayList<>();
        new TcpTable(List.of(table)).scan(1, local, remote, (t, lp, rp, high, low, state) ->
                rows.add(new Row(lp, rp, new ConnKey(lp, rp, high, low), state)));
        return rows;
    }

    private static ConnKey key(int localPort, String remoteAddress, int remotePort) throws IOException {
        return ConnKey.of(new ClientConnection(localPort, InetAddress.getByName(remoteAddress), remotePort));
    }

    @Test
    void ipv4RowsAreDecodedFromLittleEndianWordsAndFilteredByPort(@TempDir Path dir) throws IOException {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "sample rows come from an x86 host");
        Path tcp = Files.writeString(dir.resolve("tcp"), TCP);
        List<Row> rows = scan(tcp, 0x1F90, 0xA3C2, 0xD431);
        assertEquals(List.of(
                new Row(0x1F90, 0xA3C2, key(8080, "127.0.0.1", 0xA3C2), TcpTable.CLOSE_WAIT),
                new Row(0x1F90, 0xA3C2, key(8080, "127.0.0.2", 0xA3C2), TcpTable.ESTABLISHED),
                new Row(0x1F90, 0xD431, key(8080, "192.168.1.100", 0xD431), TcpTable.ESTABLISHED)), rows);
        // The outgoing socket 0xA3C2 -> 8080 (local port not wanted) and the listener are skipped.
        assertEquals(List.of(), scan(tcp, 0x1F90, 0x1234));
        assertEquals(5, new TcpTable(List.of(tcp)).scan(1, new BitSet(), new BitSet(), (t, a, b, c, d, e) -> { }),
                "rows counted, header not");
    }

    @Test
    void ipv6RowsMatchIpv4MappedAndNativeAddresses(@TempDir Path dir) throws IOException {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "sample rows come from an x86 host");
        Path tcp6 = Files.writeString(dir.resolve("tcp6"), TCP6);
        List<Row> rows = scan(tcp6, 8080, 0xC0D8, 0xC0D9, 0xC0DA);
        assertEquals(List.of(
                new Row(8080, 0xC0D8, key(8080, "127.0.0.1", 0xC0D8), TcpTable.ESTABLISHED),
                new Row(8080, 0xC0D9, key(8080, "::1", 0xC0D9), TcpTable.CLOSE_WAIT),
                new Row(8080, 0xC0DA, key(8080, "2001:db8::2", 0xC0DA), TcpTable.ESTABLISHED)), rows);
        assertEquals(key(8080, "::ffff:127.0.0.1", 1), key(8080, "127.0.0.1", 1), "mapped and plain IPv4 agree");
    }

    @Test
    void rowsSpanningReadBuffersAndALastLineWithoutNewlineAreRead(@TempDir Path dir) throws IOException {
        StringBuilder text = new StringBuilder(TCP.lines().findFirst().orElseThrow()).append('\n');
        int n = 5_000; // ~ 750 KB: many 64 KB reads, rows cut at buffer edges
        for (int i = 0; i < n; i++) {
            text.append(String.format("%6d: 0100007F:1F90 0100007F:%04X 01 00000000:00000000 00:00000000 00000000"
                    + "  1000        0 0 1 000000001b6c81b1 20 4 30 10 -1", i, 10_000 + i));
            if (i < n - 1) {
                text.append('\n');
            }
        }
        Path tcp = Files.write(dir.resolve("tcp"), text.toString().getBytes(StandardCharsets.US_ASCII));
        BitSet local = new BitSet();
        local.set(0x1F90);
        BitSet remote = new BitSet();
        remote.set(10_000, 10_000 + n);
        List<Integer> ports = new ArrayList<>();
        int rows = new TcpTable(List.of(tcp)).scan(1, local, remote, (t, lp, rp, high, low, state) -> ports.add(rp));
        assertEquals(n, rows);
        assertEquals(n, ports.size());
        for (int i = 0; i < n; i++) {
            assertEquals(10_000 + i, ports.get(i));
        }
    }

    @Test
    void missingTablesAreNotReadable(@TempDir Path dir) throws IOException {
        Path present = Files.writeString(dir.resolve("tcp"), TCP);
        assertEquals(List.of(present), TcpTable.readable(List.of(dir.resolve("absent"), present)));
        assertEquals(List.of(), TcpTable.readable(List.of(dir.resolve("absent"))));
    }

    @Test
    void peerClosedStates() {
        assertTrue(TcpTable.peerClosed(TcpTable.CLOSE_WAIT));
        assertTrue(TcpTable.peerClosed(TcpTable.LAST_ACK));
        assertTrue(TcpTable.peerClosed(TcpTable.CLOSE));
        assertTrue(!TcpTable.peerClosed(TcpTable.ESTABLISHED));
        assertTrue(!TcpTable.peerClosed(0x05), "FIN_WAIT2: the server closed, the client may still read");
    }
}
