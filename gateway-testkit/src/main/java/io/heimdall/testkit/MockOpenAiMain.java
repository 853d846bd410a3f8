package io.heimdall.testkit;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * Runs {@link MockOpenAiServer} standalone, for benchmarks, fault drills and outside checkers:
 * {@code java -p <module path> -m io.heimdall.testkit/io.heimdall.testkit.MockOpenAiMain --port 9000}. Prints
 * {@code mock-openai listening on http://<host>:<port>} once it accepts connections and runs until killed. Requests
 * are not recorded.
 *
 * <p>Flags:
 * <ul>
 *   <li>{@code --port N} (default 0, an ephemeral port), {@code --host H} (default 127.0.0.1)</li>
 *   <li>{@code --latency-ms N} (default 0), {@code --chunk-delay-ms N} (pause between SSE events, default 0)</li>
 *   <li>{@code --api-key K}: require this bearer key</li>
 *   <li>{@code --mode SPEC}: the behaviour of every request ({@link MockOpenAiServer#setDefault}), spelled as
 *       {@link MockBehavior#parse} reads it: {@code normal}, {@code hang}, {@code reset}, {@code reset-mid-stream[:N]},
 *       {@code drop}, {@code drop-mid-stream[:N]}, {@code malformed}, {@code missing-fields},
 *       {@code trickle[:MS[:BYTES]]}, {@code slow-headers:MS}, {@code status:CODE[:RETRY_AFTER_S]},
 *       {@code stream-error[:N]}</li>
 *   <li>{@code --fail-rate R} (0 to 1): fail that share of requests ({@link MockOpenAiServer#setChaos}) with
 *       {@code --fail-status CODE} (default 500) or {@code --fail-mode SPEC}, drawn from {@code --seed N} (default 0);
 *       the other requests get {@code --mode}</li>
 *   <li>{@code --track-connections true|false}: connection tracking (needed by the reset modes, and to release hung
 *       requests when their client leaves); default true when {@code --mode} or {@code --fail-rate} is given, false
 *       otherwise so that a plain benchmark mock has no relay hop</li>
 *   <li>{@code --help}</li>
 * </ul>
 * {@code GET /_mock/stats} answers the counters as JSON: {@code requests}, {@code requests_by_path},
 * {@code active_requests}, and with tracking {@code open_connections} (the caller's included) and
 * {@code abandoned_requests}. For example {@code --mode trickle:200 --fail-rate 0.3 --fail-status 503 --seed 42}.
 */
public final class MockOpenAiMain {
    private MockOpenAiMain() {
    }

    /** The parsed command line. */
    record Options(int port, String host, Duration latency, Duration chunkDelay, Optional<String> apiKey,
                   Optional<MockBehavior> mode, double failRate, MockBehavior failure, long seed,
                   boolean trackConnections, boolean help) {
    }

    /**
     * Starts the mock.
     *
     * @param args the flags described on the class
     */
    public static void main(String[] args) throws InterruptedException {
        Options options;
        try {
            options = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("mock-openai: " + e.getMessage());
            usage(System.err);
            System.exit(2);
            return;
        }
        if (options.help()) {
            usage(System.out);
            return;
        }
        MockOpenAiServer server = start(options);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "mock-openai-shutdown"));
        String host = options.host();
        String shownHost = host.contains(":") ? "[" + host + "]" : host;
        System.out.println("mock-openai listening on http://" + shownHost + ":" + server.port());
        options.mode().ifPresent(m -> System.out.println("mock-openai mode: " + m));
        if (options.failRate() > 0) {
            System.out.println("mock-openai chaos: " + options.failRate() + " of requests fail with "
                    + options.failure() + ", seed " + options.seed());
        }
        System.out.flush();
        stopped.await();
    }

    /** Starts a mock as the options say. */
    static MockOpenAiServer start(Options o) {
        MockOpenAiServer.Builder builder = MockOpenAiServer.builder().recordLimit(0).port(o.port()).host(o.host())
                .latency(o.latency()).streamChunkDelay(o.chunkDelay()).trackConnections(o.trackConnections());
        o.apiKey().ifPresent(builder::apiKey);
        MockOpenAiServer server = builder.start();
        o.mode().ifPresent(server::setDefault);
        if (o.failRate() > 0) {
            server.setChaos(o.failRate(), o.failure(), o.seed());
        }
        return server;
    }

    /**
     * Parses the flags.
     *
     * @throws IllegalArgumentException for an unknown flag, a missing or bad value, or flags that do not go together
     */
    static Options parse(String... args) {
        int port = 0;
        String host = "127.0.0.1";
        Duration latency = Duration.ZERO;
        Duration chunkDelay = Duration.ZERO;
        String apiKey = null;
        MockBehavior mode = null;
        Double failRate = null;
        Integer failStatus = null;
        MockBehavior failMode = null;
        Long seed = null;
        Boolean track = null;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            if (flag.equals("--help") || flag.equals("-h")) {
                return new Options(0, host, latency, chunkDelay, Optional.empty(), Optional.empty(), 0,
                        MockBehavior.status(500), 0, false, true);
            }
            if (i + 1 >= args.length) {
                throw new IllegalArgumentException("missing value for " + flag);
            }
            String value = args[++i];
            try {
                switch (flag) {
                    case "--port" -> port = range(Integer.parseInt(value), 0, 65535, flag);
                    case "--host" -> host = value;
                    case "--latency-ms" -> latency = Duration.ofMillis(range(Long.parseLong(value), 0,
                            Long.MAX_VALUE, flag));
                    case "--chunk-delay-ms" -> chunkDelay = Duration.ofMillis(range(Long.parseLong(value), 0,
                            Long.MAX_VALUE, flag));
                    case "--api-key" -> apiKey = value;
                    case "--mode" -> mode = MockBehavior.parse(value);
                    case "--fail-rate" -> {
                        double rate = Double.parseDouble(value);
                        if (!(rate >= 0 && rate <= 1)) {
                            throw new IllegalArgumentException("must be from 0 to 1: " + value);
                        }
                        failRate = rate;
                    }
                    case "--fail-status" -> failStatus = (int) range(Integer.parseInt(value), 400, 599, flag);
                    case "--fail-mode" -> failMode = MockBehavior.parse(value);
                    case "--seed" -> seed = Long.parseLong(value);
                    case "--track-connections" -> track = bool(value);
                    default -> throw new IllegalArgumentException("unknown flag " + flag);
                }
            } catch (IllegalArgumentException e) {
                if (e.getMessage() != null && e.getMessage().startsWith("unknown flag")) {
                    throw e;
                }
                throw new IllegalArgumentException("bad value for " + flag + ": " + e.getMessage(), e);
            }
        }
        if (failStatus != null && failMode != null) {
            throw new IllegalArgumentException("--fail-status and --fail-mode do not go together");
        }
        if (failRate == null && (failStatus != null || failMode != null || seed != null)) {
            throw new IllegalArgumentException("--fail-status, --fail-mode and --seed need --fail-rate");
        }
        MockBehavior failure = failMode != null ? failMode : MockBehavior.status(failStatus == null ? 500
                : failStatus);
        double rate = failRate == null ? 0 : failRate;
        boolean tracking = track != null ? track : mode != null || rate > 0;
        if (!tracking && (mode != null && mode.kind.resets() || rate > 0 && failure.kind.resets())) {
            throw new IllegalArgumentException("the reset modes need --track-connections true");
        }
        return new Options(port, host, latency, chunkDelay, Optional.ofNullable(apiKey), Optional.ofNullable(mode),
                rate, failure, seed == null ? 0 : seed, tracking, false);
    }

    private static long range(long value, long min, long max, String flag) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(flag + " must be from " + min + " to " + max + ": " + value);
        }
        return value;
    }

    private static int range(int value, int min, int max, String flag) {
        return (int) range((long) value, min, max, flag);
    }

    private static boolean bool(String value) {
        return switch (value) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("expected true or false: " + value);
        };
    }

    private static void usage(PrintStream out) {
        out.println("usage: MockOpenAiMain [--port N] [--host H] [--latency-ms N] [--chunk-delay-ms N] [--api-key K]");
        out.println("         [--mode SPEC] [--fail-rate R [--fail-status CODE | --fail-mode SPEC] [--seed N]]");
        out.println("         [--track-connections true|false]");
        out.println("  SPEC: normal | hang | reset | reset-mid-stream[:N] | drop | drop-mid-stream[:N] | malformed");
        out.println("        | missing-fields | trickle[:MS[:BYTES]] | slow-headers:MS | status:CODE[:RETRY_AFTER_S]");
        out.println("        | stream-error[:N]");
        out.println("  GET /_mock/stats answers the mock's counters as JSON.");
    }
}
