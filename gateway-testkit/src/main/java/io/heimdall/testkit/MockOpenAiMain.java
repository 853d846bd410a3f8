package io.heimdall.testkit;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * Runs {@link MockOpenAiServer} standalone, for benchmarks and manual tests:
 * {@code java -p <module path> -m io.heimdall.testkit/io.heimdall.testkit.MockOpenAiMain --port 9000}. Prints
 * {@code mock-openai listening on http://<host>:<port>} once it accepts connections and runs until killed. Requests
 * are not recorded.
 *
 * <p>Flags: {@code --port N} (default 0, an ephemeral port), {@code --host H} (default 127.0.0.1),
 * {@code --latency-ms N} (default 0), {@code --chunk-delay-ms N} (pause between SSE events, default 0),
 * {@code --api-key K} (require this bearer key), {@code --help}.
 */
public final class MockOpenAiMain {
    private MockOpenAiMain() {
    }

    /**
     * Starts the mock.
     *
     * @param args the flags described on the class
     */
    public static void main(String[] args) throws InterruptedException {
        MockOpenAiServer.Builder builder = MockOpenAiServer.builder().recordLimit(0);
        String host = "127.0.0.1";
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                usage(System.out);
                return;
            }
            if (i + 1 >= args.length) {
                fail("missing value for " + flag);
                return;
            }
            String value = args[++i];
            try {
                switch (flag) {
                    case "--port" -> builder.port(Integer.parseInt(value));
                    case "--host" -> {
                        host = value;
                        builder.host(value);
                    }
                    case "--latency-ms" -> builder.latency(Duration.ofMillis(Long.parseLong(value)));
                    case "--chunk-delay-ms" -> builder.streamChunkDelay(Duration.ofMillis(Long.parseLong(value)));
                    case "--api-key" -> builder.apiKey(value);
                    default -> {
                        fail("unknown flag " + flag);
                        return;
                    }
                }
            } catch (IllegalArgumentException e) {
                fail("bad value for " + flag + ": " + e.getMessage());
                return;
            }
        }
        MockOpenAiServer server = builder.start();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "mock-openai-shutdown"));
        String shownHost = host.contains(":") ? "[" + host + "]" : host;
        System.out.println("mock-openai listening on http://" + shownHost + ":" + server.port());
        System.out.flush();
        stopped.await();
    }

    private static void fail(String message) {
        System.err.println("mock-openai: " + message);
        usage(System.err);
        System.exit(2);
    }

    private static void usage(PrintStream out) {
        out.println("usage: MockOpenAiMain [--port N] [--host H] [--latency-ms N] [--chunk-delay-ms N] "
                + "[--api-key K]");
    }
}
