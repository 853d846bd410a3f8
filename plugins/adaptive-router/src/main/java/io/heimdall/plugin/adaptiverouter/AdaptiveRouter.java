package io.heimdall.plugin.adaptiverouter;

import io.heimdall.api.RequestContext;
import io.heimdall.api.endpoint.Endpoint;
import io.heimdall.api.endpoint.EndpointRequest;
import io.heimdall.api.endpoint.EndpointResponse;
import io.heimdall.api.plugin.Metrics;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.route.Attempt;
import io.heimdall.api.route.Router;
import io.heimdall.api.route.Target;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The adaptive router: one plugin instance taking the router role and serving {@code GET /v1/router/stats}.
 *
 * <p>Priority groups are tried in ascending order, as with the core's router. Inside a group each target gets
 * <pre>
 *   score = weight / (latency × (1 + error-penalty × error-rate))
 * </pre>
 * with {@code latency} (seconds, at least {@value #MIN_LATENCY_SECONDS}) and {@code error-rate} the target's
 * time-decayed averages ({@link TargetStats}). A target with fewer than {@code min-samples} recorded attempts gets
 * {@code weight × the group's median of 1 / (latency × (1 + error-penalty × error-rate))} so it is tried and measured;
 * a target with attempts but no success yet takes the group's median latency. The group is then put in a weighted
 * random order by score (Efraimidis–Spirakis: a target's chance to come first is its share of the scores), so load
 * spreads in proportion to the scores instead of all going to the best target. A share {@code explore} of requests is
 * ordered by the plain weights, to keep measuring every target. Targets of weight 0 come last in their group.
 *
 * <p>Only attempts that succeeded or failed through the target's fault ({@link Attempt#countsAgainstTarget()}) are
 * learnt from; a success adds a latency sample ({@code latency-signal}), and every such attempt an error-rate sample
 * (1 for a failure, 0 for a success). Statistics live in this instance, so they survive config reloads that leave
 * the plugin's entry unchanged, and start afresh otherwise.
 */
final class AdaptiveRouter implements Plugin, Router {
    /** The smallest latency used in a score, in seconds: a floor against division by (almost) zero. */
    static final double MIN_LATENCY_SECONDS = 0.0001;
    /** The metric with each target's latest score. */
    static final String SCORE_METRIC = "router_target_score";
    /** The route of the statistics. */
    static final String STATS_PATH = "/v1/router/stats";

    private final RouterSettings settings;
    private final LongSupplier nanoTime;
    private final Supplier<? extends RandomGenerator> random;
    private final Metrics metrics;
    private final double halfLifeNanos;
    private final ConcurrentMap<Key, TargetStats> targets = new ConcurrentHashMap<>();
    private final List<Endpoint> endpoints;

    /** The identity of a target's statistics: the weight and priority belong to an alias, not to the target. */
    private record Key(String provider, String model, String keyName) {
    }

    /**
     * A router.
     *
     * @param settings the validated settings
     * @param nanoTime a monotonic time source in nanoseconds ({@code System::nanoTime}; tests pass their own)
     * @param random   the random source of each plan ({@code ThreadLocalRandom::current}; tests pass a seeded one)
     * @param metrics  where the scores are published
     */
    AdaptiveRouter(RouterSettings settings, LongSupplier nanoTime, Supplier<? extends RandomGenerator> random,
                   Metrics metrics) {
        this.settings = settings;
        this.nanoTime = nanoTime;
        this.random = random;
        this.metrics = metrics;
        this.halfLifeNanos = settings.halfLife().toNanos();
        this.endpoints = List.of(Endpoint.get(STATS_PATH, this::serveStats));
    }

    @Override
    public Optional<Router> router() {
        return Optional.of(this);
    }

    @Override
    public List<Endpoint> endpoints() {
        return endpoints;
    }

    @Override
    public List<Target> plan(String requestedModel, List<Target> candidates, RequestContext context) {
        int n = candidates.size();
        if (n <= 1) {
            return candidates;
        }
        RandomGenerator rng = random.get();
        boolean exploring = settings.explore() > 0 && rng.nextDouble() < settings.explore();
        double[] scores = exploring ? weights(candidates) : scores(candidates);
        record Keyed(Target target, boolean positive, double key) {
        }
        List<Keyed> keyed = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            double s = scores[i];
            if (s > 0 && Double.isFinite(s)) {
                // Efraimidis-Spirakis in log form: sorting by ln(u)/s descending (= u^(1/s)) is a weighted sample
                // without replacement; u in (0, 1].
                double key = Math.log(1 - rng.nextDouble()) / s;
                keyed.add(new Keyed(candidates.get(i), true, key == Double.NEGATIVE_INFINITY ? -Double.MAX_VALUE
                        : key));
            } else {
                keyed.add(new Keyed(candidates.get(i), false, 0));
            }
        }
        keyed.sort(Comparator.comparingInt((Keyed k) -> k.target().priority())
                .thenComparing(k -> !k.positive())
                .thenComparing(Comparator.comparingDouble(Keyed::key).reversed()));
        List<Target> out = new ArrayList<>(n);
        for (Keyed k : keyed) {
            out.add(k.target());
        }
        return out;
    }

    @Override
    public void record(Attempt attempt) {
        boolean success = attempt.succeeded();
        if (!success && !attempt.countsAgainstTarget()) {
            return; // the client went away, a hook refused, the request was bad, the gateway was full: not the target
        }
        double latency = success ? settings.latencySignal().of(attempt).toNanos() / 1e9 : Double.NaN;
        stats(attempt.target()).record(latency, !success, nanoTime.getAsLong());
    }

    /** The plain weights: exploration. */
    private static double[] weights(List<Target> candidates) {
        double[] w = new double[candidates.size()];
        for (int i = 0; i < w.length; i++) {
            w[i] = candidates.get(i).weight();
        }
        return w;
    }

    /** Each candidate's score (see the class comment), computed per priority group; remembered and published. */
    double[] scores(List<Target> candidates) {
        int n = candidates.size();
        TargetStats[] stats = new TargetStats[n];
        TargetStats.State[] states = new TargetStats.State[n];
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            stats[i] = stats(candidates.get(i));
            states[i] = stats[i].state();
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingInt(i -> candidates.get(i).priority()));
        double[] scores = new double[n];
        double[] quality = new double[n];
        double[] buffer = new double[n];
        for (int from = 0; from < n; ) {
            int priority = candidates.get(order[from]).priority();
            int to = from;
            while (to < n && candidates.get(order[to]).priority() == priority) {
                to++;
            }
            // The group's median latency stands in for targets that have attempts but no success yet.
            int m = 0;
            for (int j = from; j < to; j++) {
                TargetStats.State s = states[order[j]];
                if (hasData(s) && s.latency().isPresent()) {
                    buffer[m++] = s.latency().getAsDouble();
                }
            }
            double medianLatency = m == 0 ? 1 : median(buffer, m);
            m = 0;
            for (int j = from; j < to; j++) {
                int i = order[j];
                TargetStats.State s = states[i];
                if (hasData(s)) {
                    double latency = Math.max(MIN_LATENCY_SECONDS, s.latency().orElse(medianLatency));
                    quality[i] = 1 / (latency * (1 + settings.errorPenalty() * s.errorRate().orElse(0)));
                    buffer[m++] = quality[i];
                }
            }
            double medianQuality = m == 0 ? 1 : median(buffer, m);
            for (int j = from; j < to; j++) {
                int i = order[j];
                Target t = candidates.get(i);
                scores[i] = t.weight() * (hasData(states[i]) ? quality[i] : medianQuality);
                stats[i].scored(t.weight(), scores[i]);
                metrics.gauge(SCORE_METRIC, stats[i].labels(), scores[i]);
            }
            from = to;
        }
        return scores;
    }

    private boolean hasData(TargetStats.State s) {
        return s.samples() >= settings.minSamples();
    }

    /** The median of the first {@code m} values (sorts them). */
    private static double median(double[] values, int m) {
        Arrays.sort(values, 0, m);
        return m % 2 == 1 ? values[m / 2] : (values[m / 2 - 1] + values[m / 2]) / 2;
    }

    private TargetStats stats(Target t) {
        return targets.computeIfAbsent(new Key(t.provider(), t.model(), t.keyName()),
                k -> new TargetStats(k.provider(), k.model(), k.keyName(), halfLifeNanos));
    }

    /** Every target seen so far, sorted by provider, model and key. */
    List<TargetStats> targets() {
        return targets.values().stream()
                .sorted(Comparator.comparing(TargetStats::provider).thenComparing(TargetStats::model)
                        .thenComparing(TargetStats::key))
                .toList();
    }

    /** The settings in force. */
    RouterSettings settings() {
        return settings;
    }

    private void serveStats(EndpointRequest request, EndpointResponse response) {
        response.header("cache-control", "no-store");
        response.json(StatsJson.render(settings, targets()));
    }
}
