import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.locks.LockSupport;

/**
 * How long this machine takes to wake a parked thread when it has been idle: the floor under any latency measured at a
 * low request rate. A sleeping thread wakes every GAP ms and hands a timestamp to a parked platform thread, a parked
 * virtual thread or a thread pool's idle worker; the woken side records how long it took to run.
 * Run: java bench/scripts/WakeLatency.java [ROUNDS=200]
 */
public final class WakeLatency {
    private static final int WARM_UP = 50_000;
    private static volatile long sentAt;

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        System.out.printf("%-28s %8s %10s %10s%n", "hand-off", "gap", "p50 us", "p90 us");
        for (long gap : new long[] {1, 10, 30}) {
            print("parked platform thread", gap, parked(Thread.ofPlatform(), gap, rounds));
            print("parked virtual thread", gap, parked(Thread.ofVirtual(), gap, rounds));
            try (ExecutorService pool = Executors.newFixedThreadPool(2)) {
                print("idle thread-pool worker", gap, pooled(pool, gap, rounds));
            }
        }
    }

    private static long[] parked(Thread.Builder builder, long gapMillis, int rounds) throws InterruptedException {
        if (gapMillis > 0) {
            parked(builder, 0, WARM_UP); // the JIT compiles the hand-off's code first: measure compiled code only
        }
        long[] micros = new long[rounds];
        Thread woken = builder.start(() -> {
            for (int i = 0; i < rounds; i++) {
                long at;
                while ((at = sentAt) == 0) {
                    LockSupport.park();
                }
                micros[i] = (System.nanoTime() - at) / 1_000;
                sentAt = 0;
            }
        });
        for (int i = 0; i < rounds; i++) {
            if (gapMillis > 0) {
                Thread.sleep(gapMillis);
            }
            while (sentAt != 0) { // the last hand-off is not done yet (rare after a gap)
                Thread.onSpinWait();
            }
            sentAt = System.nanoTime();
            LockSupport.unpark(woken);
        }
        woken.join();
        return micros;
    }

    private static long[] pooled(ExecutorService pool, long gapMillis, int rounds) throws Exception {
        if (gapMillis > 0) {
            pooled(pool, 0, WARM_UP);
        }
        long[] micros = new long[rounds];
        for (int i = 0; i < rounds; i++) {
            if (gapMillis > 0) {
                Thread.sleep(gapMillis);
            }
            long at = System.nanoTime();
            int k = i;
            pool.submit(() -> micros[k] = (System.nanoTime() - at) / 1_000).get();
        }
        return micros;
    }

    private static void print(String what, long gapMillis, long[] micros) {
        Arrays.sort(micros);
        System.out.printf("%-28s %6d ms %10d %10d%n", what, gapMillis, micros[micros.length / 2],
                micros[micros.length * 9 / 10]);
    }
}
