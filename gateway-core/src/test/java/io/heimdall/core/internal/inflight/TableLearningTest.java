package io.heimdall.core.internal.inflight;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The watchdog's use of the tables, on table files the test writes (x86 byte order): it learns which table holds a
 * port's connections and reads only that one, and it looks everywhere before calling a missing connection gone.
 */
@Timeout(60)
class TableLearningTest {
    private static final int PORT = 8080;
    private static final String HEADER = "  sl  local_address                         remote_address                  "
            + "      st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

    private InFlightRequests watchdog;

    @AfterEach
    void stop() {
        if (watchdog != null) {
            watchdog.close();
        }
    }

    /** Rows for clients on 127.0.0.1, as an IPv6 socket shows them; {@code filler} unrelated rows first. */
    private static void write(Path table, int filler, int... portAndState) throws IOException {
        StringBuilder b = new StringBuilder(HEADER);
        int sl = 0;
        for (int i = 0; i < filler; i++) {
            b.append(row(sl++, 9999, 20_000 + i, TcpTable.ESTABLISHED));
        }
        for (int i = 0; i < portAndState.length; i += 2) {
            b.append(row(sl++, PORT, portAndState[i], portAndState[i + 1]));
        }
        Path tmp = table.resolveSibling(table.getFileName() + ".tmp");
        Files.writeString(tmp, b);
        Files.move(tmp, table, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static String row(int sl, int localPort, int remotePort, int state) {
        return String.format("%4d: 0000000000000000FFFF00000100007F:%04X 0000000000000000FFFF00000100007F:%04X %02X"
                + " 00000000:00000000 00:00000000 00000000  1000        0 0 1 0000000000000000 20 4 30 10 -1%n",
                sl, localPort, remotePort, state);
    }

    private InFlightRequest register(int clientPort) {
        return watchdog.tryRegister(Thread.ofVirtual().unstarted(() -> { }), Instant.now().plusSeconds(60),
                new ClientConnection(PORT, Loopback.LOCALHOST, clientPort)).orElseThrow();
    }

    private void awaitScans(int more) {
        long target = watchdog.stats().scans() + more;
        assertTrue(Loopback.await(Duration.ofSeconds(10), () -> watchdog.stats().scans() >= target));
    }

    @Test
    void onlyTheTableHoldingThePortsConnectionsIsReadAgain(@TempDir Path dir) throws IOException {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN);
        Path tcp = dir.resolve("tcp");
        Path tcp6 = dir.resolve("tcp6");
        write(tcp, 300);
        write(tcp6, 20, 40_001, TcpTable.ESTABLISHED, 40_002, TcpTable.ESTABLISHED);
        watchdog = InFlightRequests.start(InFlightRequests.Settings.defaults(100).withTick(Duration.ofMillis(10))
                .withScan(Duration.ZERO, Duration.ofMillis(20)), List.of(tcp, tcp6));
        InFlightRequest a = register(40_001);
        InFlightRequest b = register(40_002);
        awaitScans(1);
        awaitScans(2);
        assertEquals(22, watchdog.stats().lastScanRows(), "tcp is no longer read: " + watchdog.stats());

        // b's row moves to the other table: missing from tcp6, so the confirming scan reads both and finds it.
        write(tcp, 300, 40_002, TcpTable.ESTABLISHED);
        write(tcp6, 20, 40_001, TcpTable.ESTABLISHED);
        awaitScans(4);
        assertEquals(Optional.empty(), b.cancelled());
        assertEquals(Optional.empty(), a.cancelled());

        // a's client sends FIN: CLOSE_WAIT, cancelled at once.
        write(tcp6, 20, 40_001, TcpTable.CLOSE_WAIT);
        assertTrue(Loopback.await(Duration.ofSeconds(2), () -> a.cancelled().isPresent()));
        assertEquals(Optional.of(CancelReason.CLIENT_GONE), a.cancelled());
        // b's row vanishes from everywhere (reset): gone after the confirming scan.
        write(tcp, 300);
        assertTrue(Loopback.await(Duration.ofSeconds(2), () -> b.cancelled().isPresent()));
        assertEquals(Optional.of(CancelReason.CLIENT_GONE), b.cancelled());
        a.close();
        b.close();
    }
}
