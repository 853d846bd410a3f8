package io.heimdall.api.provider;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ModelInfo;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * A provider's model list as its upstream's listing API gives it, cached for a while and merged with the configured
 * models; when the listing API fails, the configured models alone, so {@code GET /v1/models} never fails because of
 * it. A failure is logged once at WARNING (again only after a listing has succeeded in between) and remembered for a
 * shorter time, so a broken API is not asked on every call. Safe for concurrent use: one caller refreshes, the others
 * wait for it and share its answer.
 */
public final class ModelCatalog {
    /** How long a listing is kept by default. */
    public static final Duration DEFAULT_TTL = Duration.ofMinutes(10);
    /** How long a failure is kept (the configured models served) before the API is asked again, by default. */
    public static final Duration DEFAULT_RETRY = Duration.ofMinutes(1);

    private final String provider;
    private final Clock clock;
    private final Duration ttl;
    private final Duration retry;
    private final System.Logger logger;
    private final ReentrantLock refresh = new ReentrantLock();
    private volatile Entry current;
    private boolean warned;

    private record Entry(List<ModelInfo> models, Instant until) {
    }

    /**
     * A catalog with the default times.
     *
     * @param provider the configured provider name, for the log line
     * @param clock    the clock that ages entries
     * @param logger   where the one WARNING of a failing listing goes
     */
    public ModelCatalog(String provider, Clock clock, System.Logger logger) {
        this(provider, clock, DEFAULT_TTL, DEFAULT_RETRY, logger);
    }

    /**
     * A catalog with given times.
     *
     * @param ttl   how long a successful listing is kept
     * @param retry how long the fallback is served after a failure before the API is asked again
     */
    public ModelCatalog(String provider, Clock clock, Duration ttl, Duration retry, System.Logger logger) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        this.retry = Objects.requireNonNull(retry, "retry");
        this.logger = Objects.requireNonNull(logger, "logger");
    }

    /**
     * The models: the configured ones, then those {@code fetch} lists that are not configured, from the cache while
     * it is fresh; the configured ones alone when {@code fetch} throws.
     *
     * @param fetch      asks the upstream's listing API (blocking); may throw
     * @param configured the models from config, listed first and used alone when the API fails
     */
    public List<ModelInfo> list(Supplier<List<ModelInfo>> fetch, List<ModelInfo> configured) {
        Entry e = current;
        if (e != null && clock.instant().isBefore(e.until())) {
            return e.models();
        }
        refresh.lock();
        try {
            e = current;
            if (e != null && clock.instant().isBefore(e.until())) {
                return e.models();
            }
            List<ModelInfo> models;
            Duration keep;
            try {
                models = merge(configured, fetch.get());
                keep = ttl;
                warned = false;
            } catch (RuntimeException failure) {
                models = List.copyOf(configured);
                keep = retry;
                if (!warned) {
                    warned = true;
                    logger.log(System.Logger.Level.WARNING, "Provider ''{0}'' could not list its models from its "
                            + "API, listing its {1} configured model(s) instead (logged once until a listing "
                            + "succeeds): {2}",
                            provider, configured.size(), describe(failure));
                }
            }
            current = new Entry(models, clock.instant().plus(keep));
            return models;
        } finally {
            refresh.unlock();
        }
    }

    /** Forgets the cached listing: the next call asks the API again. */
    public void invalidate() {
        current = null;
    }

    private static List<ModelInfo> merge(List<ModelInfo> configured, List<ModelInfo> fetched) {
        List<ModelInfo> out = new ArrayList<>(configured);
        Set<String> seen = new HashSet<>();
        configured.forEach(m -> seen.add(m.id()));
        for (ModelInfo m : fetched) {
            if (seen.add(m.id())) {
                out.add(m);
            }
        }
        return List.copyOf(out);
    }

    /** A gateway error's message (providers keep secrets out of it), else only the exception's type. */
    private static String describe(RuntimeException failure) {
        return failure instanceof GatewayException g ? g.error().status() + " " + g.error().message()
                : failure.getClass().getSimpleName();
    }
}
