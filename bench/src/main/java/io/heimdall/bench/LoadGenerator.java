package io.heimdall.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * An open-model HTTP load generator: request {@code i} is due at {@code start + i / rate}, whatever happened to the
 * requests before it, and its latency is measured from that <em>intended</em> send time, not from when a connection
 * became free to send it. A server that stalls therefore shows its stall in every request that was due during it —
 * there is no coordinated omission (the flaw of closed-loop tools that wait for a reply before sending the next
 * request, and so stop asking exactly when the server is slow).
 *
 * <p>{@code connections} worker threads each own one keep-alive connection and take the next due request from a
 * shared schedule; when all are busy, due requests wait, and that waiting counts. Each worker records into its own
 * {@link Histogram} (microseconds, 3 significant digits), merged at the end.
 *
 * <pre>
 * java -p heimdall-bench.jar:HdrHistogram.jar -m io.heimdall.bench/io.heimdall.bench.LoadGenerator \
 *     --url http://127.0.0.1:8080/v1/chat/completions --rate 1000 --duration 20 --connections 32 \
 *     --body-file body.json [--warmup 5] [--timeout 10] [--header "authorization: Bearer x"] [--label gateway]
 *     [--json result.json]
 * </pre>
 * Prints one summary line, then the same figures as one line of JSON (also written to {@code --json FILE}).
 * Exit code 0 when it ran (whatever the errors), 2 on bad arguments, 3 when it cannot connect at all.
 */
public final class LoadGenerator {

    private static final long HIGHEST_TRACKABLE_MICROS = 120_000_000L;

    private LoadGenerator() {
    }

    /** Command-line options. */
    record Options(URI url, double rate, double durationSeconds, int connections, byte[] body, double warmupSeconds,
                   double timeoutSeconds, List<String> headers, String label, Path json) {

        static Options parse(String[] args) {
            URI url = null;
            double rate = 0;
            double duration = 0;
            int connections = 16;
            Path bodyFile = null;
            double warmup = 0;
            double timeout = 10;
            List<String> headers = new ArrayList<>();
            String label = "";
            Path json = null;
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--help") || arg.equals("-h")) {
                    throw new IllegalArgumentException("");
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException("missing value after " + arg);
                }
                String value = args[++i];
                switch (arg) {
                    case "--url" -> url = URI.create(value);
                    case "--rate" -> rate = Double.parseDouble(value);
                    case "--duration" -> duration = Double.parseDouble(value);
                    case "--connections" -> connections = Integer.parseInt(value);
                    case "--body-file" -> bodyFile = Path.of(value);
                    case "--warmup" -> warmup = Double.parseDouble(value);
                    case "--timeout" -> timeout = Double.parseDouble(value);
                    case "--header" -> headers.add(value);
                    case "--label" -> label = value;
                    case "--json" -> json = Path.of(value);
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            if (url == null || !"http".equals(url.getScheme()) || url.getHost() == null) {
                throw new IllegalArgumentException("--url http://HOST:PORT/PATH is required (plain http only)");
            }
            if (rate <= 0 || duration <= 0 || connections <= 0 || warmup < 0 || timeout <= 0) {
                throw new IllegalArgumentException("--rate, --duration and --connections must be > 0");
            }
            if (bodyFile == null) {
                throw new IllegalArgumentException("--body-file is required");
            }
            for (String header : headers) {
                if (header.indexOf(':') <= 0 || header.contains("\r") || header.contains("\n")) {
                    throw new IllegalArgumentException("--header wants \"name: value\", got " + header);
                }
            }
            byte[] body;
            try {
                body = Files.readAllBytes(bodyFile);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --body-file " + bodyFile + ": " + e.getMessage());
            }
            return new Options(url, rate, duration, connections, body, warmup, timeout, List.copyOf(headers), label,
                    json);
        }

        byte[] request() {
            String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
            if (url.getRawQuery() != null) {
                path += "?" + url.getRawQuery();
            }
            StringBuilder head = new StringBuilder()
                    .append("POST ").append(path).append(" HTTP/1.1\r\n")
                    .append("Host: ").append(url.getHost()).append(':').append(port()).append("\r\n")
                    .append("User-Agent: heimdall-bench\r\n")
                    .append("Accept: application/json\r\n")
                    .append("Content-Type: application/json\r\n")
                    .append("Content-Length: ").append(body.length).append("\r\n");
            for (String header : headers) {
                head.append(header).append("\r\n");
            }
            head.append("\r\n");
            byte[] headBytes = head.toString().getBytes(StandardCharsets.ISO_8859_1);
            byte[] request = new byte[headBytes.length + body.length];
            System.arraycopy(headBytes, 0, request, 0, headBytes.length);
            System.arraycopy(body, 0, request, headBytes.length, body.length);
            return request;
        }

        int port() {
            return url.getPort() > 0 ? url.getPort() : 80;
        }
    }

    /** What one worker saw during the measured window. */
    static final class WorkerStats {
        final Histogram latencyMicros = new Histogram(HIGHEST_TRACKABLE_MICROS, 3);
        final Histogram firstByteMicros = new Histogram(HIGHEST_TRACKABLE_MICROS, 3);
        long sent;
        long completed;
        long ok;
        long non200;
        long errors;
        long lastDone;
        String firstError;
    }

    /** The merged result. */
    record Result(Options options, long scheduled, long sent, long completed, long non200, long errors, long unsent,
                  double achievedRate, double elapsedSeconds, Histogram latencyMicros, Histogram firstByteMicros,
                  String firstError, double generatorCores) {

        double percentileMillis(double percentile) {
            return percentileMillis(latencyMicros, percentile);
        }

        /** Time to the first byte of the body (a stream's first event), from the intended send time. */
        double firstBytePercentileMillis(double percentile) {
            return percentileMillis(firstByteMicros, percentile);
        }

        private static double percentileMillis(Histogram histogram, double percentile) {
            return histogram.getTotalCount() == 0 ? Double.NaN : histogram.getValueAtPercentile(percentile) / 1000.0;
        }

        double maxMillis() {
            return latencyMicros.getTotalCount() == 0 ? Double.NaN : latencyMicros.getMaxValue() / 1000.0;
        }

        double meanMillis() {
            return latencyMicros.getTotalCount() == 0 ? Double.NaN : latencyMicros.getMean() / 1000.0;
        }

        String summary() {
            return String.format(Locale.ROOT,
                    "%starget %.0f/s for %.0fs over %d connections: achieved %.1f/s, %d completed, %d errors, "
                            + "%d non-200, %d unsent | latency ms p50 %.3f p90 %.3f p99 %.3f p99.9 %.3f max %.3f "
                            + "| first body byte ms p50 %.3f p99 %.3f | generator CPU %.2f cores",
                    options.label.isEmpty() ? "" : "[" + options.label + "] ",
                    options.rate, options.durationSeconds, options.connections, achievedRate, completed, errors,
                    non200, unsent, percentileMillis(50), percentileMillis(90), percentileMillis(99),
                    percentileMillis(99.9), maxMillis(), firstBytePercentileMillis(50),
                    firstBytePercentileMillis(99), generatorCores);
        }

        String json() {
            return String.format(Locale.ROOT,
                    "{\"label\":\"%s\",\"url\":\"%s\",\"target_rate\":%.1f,\"duration_s\":%.1f,\"warmup_s\":%.1f,"
                            + "\"connections\":%d,\"scheduled\":%d,\"sent\":%d,\"completed\":%d,\"errors\":%d,"
                            + "\"non_200\":%d,\"unsent\":%d,\"achieved_rate\":%.1f,\"elapsed_s\":%.3f,"
                            + "\"latency_ms\":{\"p50\":%s,\"p90\":%s,\"p99\":%s,\"p99_9\":%s,\"max\":%s,\"mean\":%s},"
                            + "\"ttfb_p50\":%s,\"ttfb_p90\":%s,\"ttfb_p99\":%s,\"ttfb_max\":%s,"
                            + "\"generator_cpu_cores\":%s,\"first_error\":%s}",
                    escape(options.label), escape(options.url.toString()), options.rate, options.durationSeconds,
                    options.warmupSeconds, options.connections, scheduled, sent, completed, errors, non200, unsent,
                    achievedRate, elapsedSeconds, number(percentileMillis(50)), number(percentileMillis(90)),
                    number(percentileMillis(99)), number(percentileMillis(99.9)), number(maxMillis()),
                    number(meanMillis()), number(firstBytePercentileMillis(50)), number(firstBytePercentileMillis(90)),
                    number(firstBytePercentileMillis(99)), number(firstBytePercentileMillis(100)),
                    number(generatorCores), firstError == null ? "null" : "\"" + escape(firstError) + "\"");
        }

        private static String number(double value) {
            return Double.isNaN(value) ? "null" : String.format(Locale.ROOT, "%.3f", value);
        }

        private static String escape(String s) {
            StringBuilder out = new StringBuilder(s.length());
            for (char c : s.toCharArray()) {
                switch (c) {
                    case '"' -> out.append("\\\"");
                    case '\\' -> out.append("\\\\");
                    default -> {
                        if (c < 0x20) {
                            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                        } else {
                            out.append(c);
                        }
                    }
                }
            }
            return out.toString();
        }
    }

    public static void main(String[] args) throws Exception {
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("load generator: " + e.getMessage());
            }
            System.err.println("""
                    usage: LoadGenerator --url http://HOST:PORT/PATH --rate REQ_PER_S --duration SECONDS \
                    --connections N --body-file FILE [--warmup SECONDS] [--timeout SECONDS] \
                    [--header "name: value"]... [--label NAME] [--json FILE]""");
            System.exit(2);
            return;
        }
        Result result;
        try {
            result = run(options);
        } catch (UncheckedIOException e) {
            System.err.println("load generator: cannot connect to " + options.url + ": " + e.getCause());
            System.exit(3);
            return;
        }
        System.out.println(result.summary());
        String json = result.json();
        System.out.println(json);
        if (options.json != null) {
            Files.writeString(options.json, json + "\n");
        }
    }

    /** Runs the schedule: warm-up (not recorded), then the measured window, then waits for what is in flight. */
    static Result run(Options options) throws InterruptedException {
        InetSocketAddress address = new InetSocketAddress(options.url.getHost(), options.port());
        byte[] request = options.request();
        long timeoutNanos = (long) (options.timeoutSeconds * 1e9);

        List<HttpConnection> connections = new ArrayList<>(options.connections);
        for (int i = 0; i < options.connections; i++) {
            HttpConnection connection = new HttpConnection(address, request);
            try {
                connection.connect();
            } catch (IOException e) {
                connections.forEach(HttpConnection::close);
                throw new UncheckedIOException(e);
            }
            connections.add(connection);
        }

        double intervalNanos = 1e9 / options.rate;
        long start = System.nanoTime() + 20_000_000L; // let every worker get to its first park
        long measureFrom = start + (long) (options.warmupSeconds * 1e9);
        long end = measureFrom + (long) (options.durationSeconds * 1e9);
        // Requests still unsent this long after the end are given up (counted as "unsent"): bounds an overloaded run.
        long giveUpAt = end + (long) (options.timeoutSeconds * 1e9);
        long firstMeasured = (long) Math.ceil((measureFrom - start) / intervalNanos);
        long endIndex = (long) Math.ceil((end - start) / intervalNanos); // first index due at or after end
        AtomicLong next = new AtomicLong();

        List<WorkerStats> stats = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int w = 0; w < options.connections; w++) {
            WorkerStats s = new WorkerStats();
            HttpConnection connection = connections.get(w);
            stats.add(s);
            workers.add(Thread.ofPlatform().name("load-" + w).daemon().unstarted(() -> {
                try (connection) {
                    work(connection, s, next, start, intervalNanos, firstMeasured, endIndex, giveUpAt);
                }
            }));
        }
        workers.forEach(Thread::start);
        Thread watchdog = Thread.ofPlatform().name("load-watchdog").daemon().start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                long now = System.nanoTime();
                for (HttpConnection connection : connections) {
                    connection.abortIfBusyLongerThan(timeoutNanos, now);
                }
                LockSupport.parkNanos(50_000_000L);
            }
        });
        // The generator's own CPU use during the measured window: it shares the machine with what it measures.
        sleepUntil(measureFrom);
        long cpuFrom = processCpuNanos();
        sleepUntil(end);
        long cpuTo = processCpuNanos();
        double generatorCores = cpuFrom < 0 || cpuTo < 0 ? Double.NaN : (cpuTo - cpuFrom) / (double) (end - measureFrom);
        for (Thread worker : workers) {
            worker.join();
        }
        watchdog.interrupt();

        Histogram merged = new Histogram(HIGHEST_TRACKABLE_MICROS, 3);
        Histogram mergedFirstByte = new Histogram(HIGHEST_TRACKABLE_MICROS, 3);
        long sent = 0;
        long completed = 0;
        long non200 = 0;
        long errors = 0;
        long lastDone = measureFrom;
        String firstError = null;
        for (WorkerStats s : stats) {
            merged.add(s.latencyMicros);
            mergedFirstByte.add(s.firstByteMicros);
            sent += s.sent;
            completed += s.completed;
            non200 += s.non200;
            errors += s.errors;
            lastDone = Math.max(lastDone, s.lastDone);
            if (firstError == null) {
                firstError = s.firstError;
            }
        }
        long scheduled = endIndex - firstMeasured;
        double elapsed = Math.max(options.durationSeconds, (lastDone - measureFrom) / 1e9);
        double achieved = completed / elapsed;
        return new Result(options, scheduled, sent, completed, non200, errors, scheduled - sent, achieved, elapsed,
                merged, mergedFirstByte, firstError, generatorCores);
    }

    private static void sleepUntil(long nanoTime) {
        long now;
        while ((now = System.nanoTime()) < nanoTime) {
            LockSupport.parkNanos(nanoTime - now);
        }
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    private static void work(HttpConnection connection, WorkerStats s, AtomicLong next, long start,
                             double intervalNanos, long firstMeasured, long endIndex, long giveUpAt) {
        while (true) {
            long i = next.getAndIncrement();
            if (i >= endIndex) {
                return;
            }
            long intended = start + (long) (i * intervalNanos);
            long now;
            while ((now = System.nanoTime()) < intended) {
                LockSupport.parkNanos(intended - now);
            }
            if (now > giveUpAt) {
                return; // overloaded far past the end: the rest of the schedule stays unsent
            }
            boolean measured = i >= firstMeasured;
            int status;
            try {
                status = connection.exchange();
            } catch (IOException | RuntimeException e) {
                if (measured) {
                    s.sent++;
                    s.errors++;
                    if (s.firstError == null) {
                        s.firstError = e.toString();
                    }
                }
                continue;
            }
            long done = System.nanoTime();
            if (measured) {
                s.sent++;
                s.completed++;
                s.lastDone = done;
                s.latencyMicros.recordValue(Math.min(HIGHEST_TRACKABLE_MICROS, Math.max(0, (done - intended) / 1000)));
                long firstByte = connection.firstBodyNanos();
                if (firstByte != 0) {
                    s.firstByteMicros.recordValue(Math.min(HIGHEST_TRACKABLE_MICROS,
                            Math.max(0, (firstByte - intended) / 1000)));
                }
                if (status == 200) {
                    s.ok++;
                } else {
                    s.non200++;
                }
            }
        }
    }
}
