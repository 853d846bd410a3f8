package io.heimdall.bench;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * What the semantic cache costs per request (issue 11, goal 6), sequentially on one keep-alive connection per gateway:
 * plain requests through a gateway without the cache, and exact hits (one request repeated), semantic hits
 * (paraphrases of stored prompts, sent with {@code x-heimdall-cache-no-store}) and misses (unique prompts) through
 * one or more gateways with the cache. Every round sends one request of each kind to each gateway, in a shuffled order,
 * then pauses ({@code --gap-ms}) so that a miss's store, which runs off the request path, does not run into the next
 * request's time. Prints a Markdown table: median, p90, p99 per kind; the ratio of each median to the plain one; and for
 * misses the added median (miss − plain) beside the lookup time the cache reports ({@code x-heimdall-cache-lookup-us},
 * embedding included; absent on builds that do not send it).
 *
 * <pre>
 * java -p heimdall-bench.jar:HdrHistogram.jar -m io.heimdall.bench/io.heimdall.bench.CacheCost \
 *     --plain http://127.0.0.1:P1 --cache before=http://127.0.0.1:P2 --cache after=http://127.0.0.1:P3 \
 *     --pairs pairs.tsv [--rounds 400] [--warmup 1500] [--gap-ms 4] [--seed 1]
 * </pre>
 */
public final class CacheCost {
    private static final String PATH = "/v1/chat/completions";
    private static final String EXACT_PROMPT = "Say hello to the benchmark in five words.";
    private static final String[] WORDS = ("river castle violin copper meadow engine lantern harbor pepper glacier "
            + "orbit saddle tulip marble falcon cactus thunder velvet canyon ladder walnut comet anchor bamboo "
            + "prairie cobalt biscuit parrot quartz tunnel orchard magnet beacon pebble tornado lemon wizard "
            + "compass dolphin ember fjord granite hammock igloo jasmine kettle lobster mosaic nectar oyster").split(" ");

    private CacheCost() {
    }

    /** One gateway: a label, and a keep-alive connection to it. */
    private static final class Target {
        final String label;
        final String host;
        final int port;
        Socket socket;
        InputStream in;
        OutputStream out;

        Target(String label, String url) {
            this.label = label;
            URI u = URI.create(url);
            host = u.getHost();
            port = u.getPort();
        }

        /** Sends a chat request; returns status, the named response headers (lower-case) and the time taken. */
        Reply chat(String prompt, Map<String, String> headers) throws IOException {
            byte[] body = ("{\"model\":\"bench\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt
                    + "\"}],\"max_tokens\":32,\"temperature\":0}").getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder("POST " + PATH + " HTTP/1.1\r\nHost: " + host + ":" + port
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n");
            headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
            head.append("\r\n");
            ByteArrayOutputStream req = new ByteArrayOutputStream();
            req.writeBytes(head.toString().getBytes(StandardCharsets.US_ASCII));
            req.writeBytes(body);
            byte[] bytes = req.toByteArray();
            if (socket == null) {
                socket = new Socket(host, port);
                socket.setTcpNoDelay(true);
                in = new java.io.BufferedInputStream(socket.getInputStream(), 64 * 1024);
                out = socket.getOutputStream();
            }
            long start = System.nanoTime();
            out.write(bytes);
            out.flush();
            Reply r = read();
            long nanos = System.nanoTime() - start;
            if (r.close) {
                socket.close();
                socket = null;
            }
            return new Reply(r.status, r.headers, nanos, r.close);
        }

        private Reply read() throws IOException {
            String status = line();
            Map<String, String> headers = new LinkedHashMap<>();
            for (String l = line(); !l.isEmpty(); l = line()) {
                int colon = l.indexOf(':');
                headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
            }
            if (headers.containsKey("content-length")) {
                in.readNBytes(Integer.parseInt(headers.get("content-length")));
            } else if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
                for (int size; (size = Integer.parseInt(line().split(";")[0].trim(), 16)) > 0; ) {
                    in.readNBytes(size);
                    line();
                }
                line();
            }
            return new Reply(Integer.parseInt(status.substring(9, 12)), headers, 0,
                    "close".equalsIgnoreCase(headers.get("connection")));
        }

        private String line() throws IOException {
            StringBuilder b = new StringBuilder();
            for (int c; (c = in.read()) != '\n'; ) {
                if (c < 0) {
                    throw new IOException("connection closed by " + label);
                }
                if (c != '\r') {
                    b.append((char) c);
                }
            }
            return b.toString();
        }
    }

    private record Reply(int status, Map<String, String> headers, long nanos, boolean close) {
        String cache() {
            return headers.getOrDefault("x-heimdall-cache", "-");
        }
    }

    /** The samples of one (gateway, kind). */
    private static final class Series {
        final List<Long> nanos = new ArrayList<>();
        final List<Long> lookupMicros = new ArrayList<>();
        int wrongTier;
        final Map<String, Integer> wrongTiers = new java.util.TreeMap<>();
        int errors;
    }

    /** Runs the measurement; see the class comment for the arguments. */
    public static void main(String[] args) throws Exception {
        String plainUrl = null;
        Map<String, String> caches = new LinkedHashMap<>();
        Path pairsFile = null;
        int rounds = 400;
        int warmup = 1500;
        int gapMs = 4;
        long seed = 1;
        for (int i = 0; i < args.length; i += 2) {
            String v = args[i + 1];
            switch (args[i]) {
                case "--plain" -> plainUrl = v;
                case "--cache" -> caches.put(v.substring(0, v.indexOf('=')), v.substring(v.indexOf('=') + 1));
                case "--pairs" -> pairsFile = Path.of(v);
                case "--rounds" -> rounds = Integer.parseInt(v);
                case "--warmup" -> warmup = Integer.parseInt(v);
                case "--gap-ms" -> gapMs = Integer.parseInt(v);
                case "--seed" -> seed = Long.parseLong(v);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (plainUrl == null || caches.isEmpty() || pairsFile == null) {
            System.err.println("usage: CacheCost --plain URL --cache LABEL=URL... --pairs FILE [--rounds N] "
                    + "[--warmup N] [--gap-ms N] [--seed N]");
            System.exit(2);
        }
        Target plain = new Target("plain", plainUrl);
        List<Target> cached = new ArrayList<>();
        caches.forEach((label, url) -> cached.add(new Target(label, url)));
        List<String[]> pairs = semanticPairs(pairsFile, cached);
        System.err.printf(Locale.ROOT, "%d paraphrase pairs hit the semantic tier on every cache gateway%n",
                pairs.size());
        for (Target t : cached) {
            awaitTier(t, EXACT_PROMPT, Map.of(), "exact");
        }
        Random random = new Random(seed);
        Map<String, Series> series = new LinkedHashMap<>(); // in the table's order
        series.put("plain\tplain", new Series());
        for (Target t : cached) {
            for (String kind : List.of("exact hit", "semantic hit", "miss")) {
                series.put(t.label + "\t" + kind, new Series());
            }
        }
        for (int round = -warmup; round < rounds; round++) {
            boolean measured = round >= 0;
            List<Runnable> tasks = new ArrayList<>();
            tasks.add(task(series, measured, plain, "plain", EXACT_PROMPT, Map.of(), "-"));
            String[] pair = pairs.get(Math.floorMod(round, pairs.size()));
            String unique = uniquePrompt(random);
            for (Target t : cached) {
                tasks.add(task(series, measured, t, "exact hit", EXACT_PROMPT, Map.of(), "exact"));
                tasks.add(task(series, measured, t, "semantic hit", pair[1],
                        Map.of("x-heimdall-cache-no-store", "true"), "semantic"));
                tasks.add(task(series, measured, t, "miss", unique, Map.of(), "miss"));
            }
            Collections.shuffle(tasks, random);
            tasks.forEach(Runnable::run);
            if (gapMs > 0) {
                Thread.sleep(gapMs);
            }
        }
        report(series, rounds, warmup, gapMs, pairs.size());
    }

    private static Runnable task(Map<String, Series> series, boolean measured, Target t, String kind, String prompt,
                                 Map<String, String> headers, String tier) {
        return () -> {
            Series s = series.computeIfAbsent(t.label + "\t" + kind, k -> new Series());
            try {
                Reply r = t.chat(prompt, headers);
                if (!measured) {
                    return;
                }
                if (r.status != 200) {
                    s.errors++;
                    return;
                }
                if (!tier.equals("-") && !tier.equals(r.cache())) {
                    s.wrongTier++;
                    s.wrongTiers.merge(r.cache(), 1, Integer::sum);
                }
                s.nanos.add(r.nanos);
                String lookup = r.headers.get("x-heimdall-cache-lookup-us");
                if (lookup != null) {
                    s.lookupMicros.add(Long.parseLong(lookup));
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
    }

    /** The pairs of the file (kind "para") whose paraphrase hits the semantic tier on every gateway, once stored. */
    private static List<String[]> semanticPairs(Path file, List<Target> cached) throws IOException {
        List<String[]> out = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.split("\t");
            if (line.startsWith("#") || f.length < 3 || !f[0].equals("para") || f[1].contains("\"")
                    || f[2].contains("\"") || f[1].contains("\\") || f[2].contains("\\")) {
                continue;
            }
            boolean all = true;
            for (Target t : cached) {
                awaitTier(t, f[1], Map.of(), "exact");
                all &= t.chat(f[2], Map.of("x-heimdall-cache-no-store", "true")).cache().equals("semantic");
            }
            if (all) {
                out.add(new String[] {f[1], f[2]});
            }
            if (out.size() == 40) {
                break;
            }
        }
        if (out.isEmpty()) {
            throw new IllegalStateException("no paraphrase pair hits the semantic tier");
        }
        return out;
    }

    /** Asks (with no-store after the first time) until the answer comes from {@code tier}, at most 10 s. */
    private static void awaitTier(Target t, String prompt, Map<String, String> headers, String tier)
            throws IOException {
        t.chat(prompt, headers);
        long end = System.nanoTime() + 10_000_000_000L;
        while (!t.chat(prompt, Map.of("x-heimdall-cache-no-store", "true")).cache().equals(tier)) {
            if (System.nanoTime() > end) {
                throw new IllegalStateException(t.label + ": '" + prompt + "' is not an " + tier + " hit after 10 s");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }

    private static String uniquePrompt(Random random) {
        StringBuilder b = new StringBuilder("Question ").append(Long.toHexString(random.nextLong())).append(':');
        for (int i = 0; i < 8; i++) {
            b.append(' ').append(WORDS[random.nextInt(WORDS.length)]);
        }
        return b.append('?').toString();
    }

    private static double ms(long[] sorted, double q) {
        return sorted[Math.min(sorted.length - 1, (int) Math.floor(q * sorted.length))] / 1e6;
    }

    private static void report(Map<String, Series> series, int rounds, int warmup, int gapMs, int pairs) {
        long[] plain = sorted(series.get("plain\tplain").nanos);
        double plainP50 = ms(plain, 0.5);
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%d measured rounds after %d warm-up rounds, %d ms pause between rounds, "
                + "%d paraphrase pairs; one keep-alive connection per gateway, requests in shuffled order%n%n",
                rounds, warmup, gapMs, pairs));
        out.append("| gateway | kind | n | p50 ms | p90 ms | p99 ms | p50 / plain p50 | added p50 ms "
                + "| cache lookup p50 ms (header) | wrong tier | errors |\n");
        out.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        series.forEach((key, s) -> {
            String[] k = key.split("\t");
            long[] n = sorted(s.nanos);
            if (n.length == 0) {
                out.append(String.format(Locale.ROOT, "| %s | %s | 0 | | | | | | | %d | %d |%n", k[0], k[1],
                        s.wrongTier, s.errors));
                return;
            }
            long[] lookup = s.lookupMicros.stream().mapToLong(Long::longValue).sorted().toArray();
            String lookupP50 = lookup.length == 0 ? "–"
                    : String.format(Locale.ROOT, "%.3f", lookup[lookup.length / 2] / 1e3);
            out.append(String.format(Locale.ROOT, "| %s | %s | %d | %.3f | %.3f | %.3f | %.2f | %+.3f | %s | %d | %d |%n",
                    k[0], k[1], n.length, ms(n, 0.5), ms(n, 0.9), ms(n, 0.99), ms(n, 0.5) / plainP50,
                    ms(n, 0.5) - plainP50, lookupP50, s.wrongTier, s.errors));
        });
        series.forEach((key, s) -> {
            if (!s.wrongTiers.isEmpty()) {
                out.append(String.format(Locale.ROOT, "%nWrong tier, %s: answered as %s", key.replace('\t', ' '),
                        s.wrongTiers));
            }
        });
        System.out.print(out.append('\n'));
    }

    private static long[] sorted(List<Long> values) {
        long[] a = values.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(a);
        return a;
    }
}
