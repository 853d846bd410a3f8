package io.heimdall.core.internal.inflight;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Set;

/**
 * Measures what one liveness scan of both tables costs with N open client connections (2N sockets) on this host,
 * wall and CPU time (user + system), and the time of reading the tables without parsing. Not a test: run by hand,
 * {@code java -cp target/classes:target/test-classes io.heimdall.core.internal.inflight.ScanCost 2000 5000}.
 */
final class ScanCost {
    private ScanCost() {
    }

    public static void main(String[] args) throws IOException {
        for (String arg : args.length == 0 ? new String[] {"2000"} : args) {
            measure(Integer.parseInt(arg));
        }
    }

    private static void measure(int n) throws IOException {
        try (Loopback net = new Loopback()) {
            ServerSocket gateway = net.listen();
            Set<ConnKey> watched = new HashSet<>();
            BitSet local = new BitSet();
            BitSet remote = new BitSet();
            for (int i = 0; i < n; i++) {
                ConnKey key = ConnKey.of(net.connect(gateway).connection());
                watched.add(key);
                local.set(key.localPort());
                remote.set(key.remotePort());
            }
            TcpTable table = new TcpTable(TcpTable.readable(TcpTable.LINUX));
            ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
            int[] learned = new int[1];
            table.scan(table.allTables(), local, remote, (t, lp, rp, hi, lo, st) -> learned[0] |= 1 << t);
            int rounds = 40;
            long[] learnedCpu = new long[rounds];
            long[] scan = new long[rounds];
            long[] scanCpu = new long[rounds];
            long[] read = new long[rounds];
            int rows = 0;
            int[] found = new int[1];
            byte[] buf = new byte[64 * 1024];
            for (int r = 0; r < rounds; r++) {
                found[0] = 0;
                long c0 = cpu.getCurrentThreadCpuTime();
                long t0 = System.nanoTime();
                rows = table.scan(table.allTables(), local, remote, (t, lp, rp, hi, lo, st) -> {
                    if (watched.contains(new ConnKey(lp, rp, hi, lo))) {
                        found[0]++;
                    }
                });
                long t1 = System.nanoTime();
                scanCpu[r] = cpu.getCurrentThreadCpuTime() - c0;
                for (Path p : table.tables()) {
                    try (InputStream in = Files.newInputStream(p)) {
                        while (in.read(buf) >= 0) {
                            // the kernel's cost alone
                        }
                    }
                }
                long t2 = System.nanoTime();
                long c2 = cpu.getCurrentThreadCpuTime();
                table.scan(learned[0], local, remote, (t, lp, rp, hi, lo, st) -> { });
                learnedCpu[r] = cpu.getCurrentThreadCpuTime() - c2;
                scan[r] = t1 - t0;
                read[r] = t2 - t1;
            }
            Arrays.sort(scan);
            Arrays.sort(read);
            Arrays.sort(scanCpu);
            Arrays.sort(learnedCpu);
            System.out.printf("connections %d (rows %d, found %d): scan wall median %.1f ms (min %.1f, max %.1f),"
                            + " CPU median %.1f ms (min %.1f); reading alone, wall median %.1f ms; only the table"
                            + " holding them (mask %d), CPU median %.1f ms%n", n, rows, found[0],
                    scan[rounds / 2] / 1e6, scan[0] / 1e6, scan[rounds - 1] / 1e6, scanCpu[rounds / 2] / 1e6,
                    scanCpu[0] / 1e6, read[rounds / 2] / 1e6, learned[0], learnedCpu[rounds / 2] / 1e6);
        }
    }
}
