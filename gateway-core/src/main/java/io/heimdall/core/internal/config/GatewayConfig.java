package io.heimdall.core.internal.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The gateway config after structural validation. Plugin- and provider-specific keys are kept raw here and validated
 * against each factory's spec when the runtime is built.
 *
 * @param server    the HTTP server settings
 * @param providers configured providers by name, in file order
 * @param models    model aliases by name
 * @param plugins   hook, cache and observer plugins in order
 * @param router    the router plugin, if not the built-in weighted router
 * @param routing   the global routing and resilience settings ({@code routing:}); each provider's effective settings
 *                  are in {@link ProviderEntry#routing()}
 */
public record GatewayConfig(Server server, Map<String, ProviderEntry> providers, Map<String, Alias> models,
                            List<PluginEntry> plugins, Optional<PluginEntry> router, Routing routing,
                            Optional<String> adminToken) {

    /** A config without an admin credential. */
    public GatewayConfig(Server server, Map<String, ProviderEntry> providers, Map<String, Alias> models,
                         List<PluginEntry> plugins, Optional<PluginEntry> router, Routing routing) {
        this(server, providers, models, plugins, router, routing, Optional.empty());
    }

    /** A config with the default routing settings. */
    public GatewayConfig(Server server, Map<String, ProviderEntry> providers, Map<String, Alias> models,
                         List<PluginEntry> plugins, Optional<PluginEntry> router) {
        this(server, providers, models, plugins, router, Routing.defaults());
    }

    /**
     * Server settings.
     *
     * @param host           the listen address
     * @param port           the listen port, 0 for an ephemeral one
     * @param maxBodyBytes   the largest request body accepted
     * @param requestTimeout the deadline of one client request, all attempts included: the same value as
     *                       {@code routing.timeouts.total} ({@code server.request-timeout} is its older alias)
     * @param connectTimeout how long to wait for an upstream TCP connection: the same value as
     *                       {@code routing.timeouts.connect} ({@code server.connect-timeout} is its older alias)
     * @param headerTimeout  how long a request head (request line and headers) may take to arrive in full
     * @param bodyTimeout    how long the server waits for the next bytes of a request body
     * @param idleTimeout    how long a keep-alive connection may wait for its next request
     * @param maxConnections the most client connections open at once; more are refused
     * @param cors           the CORS policy, empty when CORS is off
     */
    public record Server(String host, int port, long maxBodyBytes, Duration requestTimeout, Duration connectTimeout,
                         Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout, int maxConnections,
                         Optional<Cors> cors) {
        /** Default of {@code server.header-timeout}. */
        public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);
        /** Default of {@code server.body-timeout}. */
        public static final Duration DEFAULT_BODY_TIMEOUT = Duration.ofSeconds(60);
        /** Default of {@code server.idle-timeout}. */
        public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);
        /** Default of {@code server.max-connections}. */
        public static final int DEFAULT_MAX_CONNECTIONS = 10_000;

        /** Settings with the connection limits at their defaults and CORS off. */
        public Server(String host, int port, long maxBodyBytes, Duration requestTimeout, Duration connectTimeout) {
            this(host, port, maxBodyBytes, requestTimeout, connectTimeout, DEFAULT_HEADER_TIMEOUT,
                    DEFAULT_BODY_TIMEOUT, DEFAULT_IDLE_TIMEOUT, DEFAULT_MAX_CONNECTIONS, Optional.empty());
        }
    }

    /**
     * The CORS policy ({@code server.cors}).
     *
     * @param allowedOrigins   origins allowed to call, exact ({@code https://app.example.com}), with a wildcard
     *                         label ({@code https://*.example.com}), or {@code *} for any
     * @param allowedMethods   methods a preflight may ask for, upper case
     * @param allowedHeaders   request headers a preflight may ask for, lower case; {@code *} for any, a trailing
     *                         {@code *} for a prefix
     * @param exposeHeaders    response headers the browser lets scripts read
     * @param maxAge           how long a browser may cache a preflight answer
     * @param allowCredentials whether to allow cookies and HTTP authentication
     */
    public record Cors(List<String> allowedOrigins, List<String> allowedMethods, List<String> allowedHeaders,
                       List<String> exposeHeaders, Duration maxAge, boolean allowCredentials) {
        /** Default of {@code server.cors.allowed-methods}. */
        public static final List<String> DEFAULT_METHODS = List.of("GET", "HEAD", "POST");
        /** Default of {@code server.cors.allowed-headers}. */
        public static final List<String> DEFAULT_HEADERS = List.of("*");
        /** Default of {@code server.cors.expose-headers}. */
        public static final List<String> DEFAULT_EXPOSE = List.of("x-request-id", "x-heimdall-provider",
                "x-heimdall-attempts", "retry-after", "x-ratelimit-limit-requests", "x-ratelimit-limit-tokens",
                "x-ratelimit-remaining-requests", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-requests",
                "x-ratelimit-reset-tokens");
        /** Default of {@code server.cors.max-age}. */
        public static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(10);

        /** Copies the lists. */
        public Cors {
            allowedOrigins = List.copyOf(allowedOrigins);
            allowedMethods = List.copyOf(allowedMethods);
            allowedHeaders = List.copyOf(allowedHeaders);
            exposeHeaders = List.copyOf(exposeHeaders);
        }
    }

    /**
     * One entry under {@code providers:}.
     *
     * @param name    the name clients use as the model prefix
     * @param type    the provider type (a {@code ProviderFactory} id)
     * @param keys    the API keys, possibly none
     * @param config  every other key, validated against the factory's spec
     * @param routing the effective routing settings of this provider: its {@code providers.<name>.routing} keys
     *                merged field by field over the global {@code routing:} ones
     */
    public record ProviderEntry(String name, String type, List<KeyEntry> keys, Map<String, Object> config,
                                Routing routing) {
        /** An entry with the default routing settings. */
        public ProviderEntry(String name, String type, List<KeyEntry> keys, Map<String, Object> config) {
            this(name, type, keys, config, Routing.defaults());
        }
    }

    /**
     * One API key (credential) of a provider.
     *
     * @param id        the key's name: its {@code name} key, else {@code <provider>#<index>}; unique per provider,
     *                  never secret, used in logs, metrics and errors
     * @param reference the {@code value} as written, for example {@code ${env:OPENAI_API_KEY}}; empty when the key
     *                  has only provider-specific {@link #fields()}
     * @param weight    the share of traffic among the provider's keys that serve a model
     * @param models    model name globs the key serves: {@code *} matches any run of characters ({@code *},
     *                  {@code gpt-4o*}, {@code *-mini}, exact names)
     * @param fields    every other field of the entry, as written (references unresolved), for the provider factory
     *                  to validate and resolve: {@code access-key-id}, {@code secret-access-key}, ...
     */
    public record KeyEntry(String id, String reference, double weight, List<String> models,
                           Map<String, String> fields) {
        /** Copies the lists and maps. */
        public KeyEntry {
            models = List.copyOf(models);
            fields = Map.copyOf(fields);
        }

        /** A key with a value and no other fields. */
        public KeyEntry(String id, String reference, double weight, List<String> models) {
            this(id, reference, weight, models, Map.of());
        }

        /** Whether this key serves the model: whether any of {@link #models()} matches it. */
        public boolean serves(String model) {
            for (String pattern : models) {
                if (matches(pattern, model)) {
                    return true;
                }
            }
            return false;
        }

        /** Whether a glob matches a model name; {@code *} matches any run of characters, also none. */
        public static boolean matches(String glob, String model) {
            int g = 0;
            int m = 0;
            int star = -1;
            int mark = 0;
            while (m < model.length()) {
                if (g < glob.length() && glob.charAt(g) != '*' && glob.charAt(g) == model.charAt(m)) {
                    g++;
                    m++;
                } else if (g < glob.length() && glob.charAt(g) == '*') {
                    star = g++;
                    mark = m;
                } else if (star >= 0) {
                    g = star + 1;
                    m = ++mark;
                } else {
                    return false;
                }
            }
            while (g < glob.length() && glob.charAt(g) == '*') {
                g++;
            }
            return g == glob.length();
        }
    }

    /**
     * A model alias.
     *
     * @param name      the alias clients send as {@code model}
     * @param targets   the targets: one load-balanced group by default (all of priority 0), or several groups tried
     *                  by ascending priority when priorities are given
     * @param fallbacks tried in order after every target failed: {@code provider/model} or the name of another alias
     *                  (which is tried as a whole: its targets, then its own fallbacks); never cyclic
     */
    public record Alias(String name, List<AliasTarget> targets, List<String> fallbacks) {
        /** Copies the lists. */
        public Alias {
            targets = List.copyOf(targets);
            fallbacks = List.copyOf(fallbacks);
        }

        /** An alias without fallbacks. */
        public Alias(String name, List<AliasTarget> targets) {
            this(name, targets, List.of());
        }
    }

    /**
     * One target of an alias.
     *
     * @param provider the provider name
     * @param model    the upstream model name
     * @param weight   the share of traffic among targets of the same priority
     * @param priority the group: lower is tried first; 0 unless written, so all targets form one group by default
     */
    public record AliasTarget(String provider, String model, double weight, int priority) {
    }

    /**
     * A plugin entry.
     *
     * @param id      the plugin id
     * @param config  its config subtree, validated against the factory's spec
     * @param path    where the entry is in the file, for messages
     */
    public record PluginEntry(String id, Map<String, Object> config, String path) {
    }

    /**
     * Routing and resilience settings ({@code routing:} globally, {@code providers.<name>.routing:} per provider).
     * Immutable; every part has {@code defaults()}.
     *
     * @param retries         retries of one target before the next target is tried
     * @param timeouts        connect, first-byte, idle and whole-request deadlines
     * @param circuitBreaker  when a target stops getting requests, and how it is probed again
     * @param bulkhead        how many requests one provider runs at once, and how many wait
     * @param keyCooldown     how long a key rests after a 429 that gave no retry-after
     * @param healthCheck     active probing of each provider
     * @param outlierEjection taking a target out of rotation after consecutive failures
     * @param maxConnections  the upstream connection pool cap per provider
     * @param maxInFlight     the cap of requests in flight in the whole gateway; only set at the top level, the same
     *                        value in every provider's effective settings
     */
    public record Routing(Retries retries, Timeouts timeouts, CircuitBreaker circuitBreaker, Bulkhead bulkhead,
                          KeyCooldown keyCooldown, HealthCheck healthCheck, OutlierEjection outlierEjection,
                          int maxConnections, int maxInFlight) {
        private static final Routing DEFAULTS = new Routing(Retries.defaults(), Timeouts.defaults(),
                CircuitBreaker.defaults(), Bulkhead.defaults(), KeyCooldown.defaults(), HealthCheck.defaults(),
                OutlierEjection.defaults(), 1024, 10_000);

        /** Checks that no part is missing. */
        public Routing {
            Objects.requireNonNull(retries, "retries");
            Objects.requireNonNull(timeouts, "timeouts");
            Objects.requireNonNull(circuitBreaker, "circuitBreaker");
            Objects.requireNonNull(bulkhead, "bulkhead");
            Objects.requireNonNull(keyCooldown, "keyCooldown");
            Objects.requireNonNull(healthCheck, "healthCheck");
            Objects.requireNonNull(outlierEjection, "outlierEjection");
        }

        /** The defaults, as documented in docs/configuration.md. */
        public static Routing defaults() {
            return DEFAULTS;
        }
    }

    /**
     * Retries of one target (one provider, model and key) after its first attempt failed with a retryable error.
     * The wait before retry n (1-based) is {@code min(maxBackoff, initialBackoff * 2^(n-1))}, spread by
     * {@code ± jitter} of itself; a retry-after from the upstream replaces it when not above {@code maxRetryAfter}.
     *
     * @param max            retries after the first attempt (0: none; the next target is tried at once)
     * @param initialBackoff the wait before the first retry
     * @param maxBackoff     the longest wait between retries; not below {@code initialBackoff}
     * @param jitter         the random spread of each wait, a fraction in [0, 1]
     * @param maxRetryAfter  the longest upstream retry-after honoured; a longer one moves to the next target at once
     */
    public record Retries(int max, Duration initialBackoff, Duration maxBackoff, double jitter,
                          Duration maxRetryAfter) {
        /** 2 retries, 250ms doubling up to 8s, jitter 0.2, retry-after up to 30s. */
        public static Retries defaults() {
            return new Retries(2, Duration.ofMillis(250), Duration.ofSeconds(8), 0.2, Duration.ofSeconds(30));
        }
    }

    /**
     * Timeouts, all positive.
     *
     * @param connect   how long to wait for a TCP (and TLS) connection to the upstream
     * @param firstByte how long to wait for the response headers, and for a stream's first chunk
     * @param idle      the longest gap between two chunks of a streamed answer
     * @param total     the whole-request deadline, all attempts and waits included, when the client sets none
     * @param maxClient the cap of a client's {@code x-heimdall-timeout: <seconds>} header, which replaces
     *                  {@code total} for that request
     */
    public record Timeouts(Duration connect, Duration firstByte, Duration idle, Duration total, Duration maxClient) {
        /** connect 10s, first-byte 60s, idle 60s, total 10m, max-client 10m. */
        public static Timeouts defaults() {
            return new Timeouts(Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofSeconds(60),
                    Duration.ofMinutes(10), Duration.ofMinutes(10));
        }
    }

    /**
     * A circuit breaker per target. It opens after {@code consecutiveFailures} failures in a row, or when at least
     * {@code minRequests} requests in the last {@code window} failed at a rate of {@code errorRate} or more; while
     * open the target gets no requests for {@code openFor}, then {@code halfOpenProbes} trial requests decide whether
     * it closes again or stays open.
     *
     * @param enabled             whether breakers are used
     * @param consecutiveFailures failures in a row that open it, at least 1
     * @param errorRate           the failure rate in the window that opens it, in (0, 1]
     * @param window              the sliding window the rate is measured over
     * @param minRequests         requests in the window before the rate counts, at least 1
     * @param openFor             how long it stays open before probing
     * @param halfOpenProbes      trial requests let through when half-open, at least 1
     */
    public record CircuitBreaker(boolean enabled, int consecutiveFailures, double errorRate, Duration window,
                                 int minRequests, Duration openFor, int halfOpenProbes) {
        /** Enabled; 5 in a row, or 50% of at least 20 requests in 30s; open 30s; 1 probe. */
        public static CircuitBreaker defaults() {
            return new CircuitBreaker(true, 5, 0.5, Duration.ofSeconds(30), 20, Duration.ofSeconds(30), 1);
        }
    }

    /**
     * A bulkhead per provider: at most {@code maxConcurrency} requests run at once, up to {@code maxQueue} more wait
     * at most {@code queueTimeout} for a slot; beyond that the provider counts as overloaded for that request.
     *
     * @param maxConcurrency requests running at once, at least 1
     * @param maxQueue       requests waiting, 0 for none
     * @param queueTimeout   the longest wait for a slot
     */
    public record Bulkhead(int maxConcurrency, int maxQueue, Duration queueTimeout) {
        /** 256 at once, 1024 waiting, for at most 10s. */
        public static Bulkhead defaults() {
            return new Bulkhead(256, 1024, Duration.ofSeconds(10));
        }
    }

    /**
     * The rest a key takes after a 429 without retry-after: {@code initial}, doubling with each 429 in a row up to
     * {@code max}. A 429 with retry-after rests the key for that long.
     *
     * @param initial the first rest, positive
     * @param max     the longest rest, not below {@code initial}
     */
    public record KeyCooldown(Duration initial, Duration max) {
        /** 1s doubling up to 5m. */
        public static KeyCooldown defaults() {
            return new KeyCooldown(Duration.ofSeconds(1), Duration.ofMinutes(5));
        }
    }

    /**
     * Active health checks of a provider.
     *
     * @param enabled  whether probes are sent
     * @param interval the time between two probes
     * @param timeout  how long one probe may take; not above {@code interval}
     */
    public record HealthCheck(boolean enabled, Duration interval, Duration timeout) {
        /** Disabled; every 30s with a 5s timeout when enabled. */
        public static HealthCheck defaults() {
            return new HealthCheck(false, Duration.ofSeconds(30), Duration.ofSeconds(5));
        }
    }

    /**
     * Outlier ejection: a target that failed {@code consecutiveFailures} times in a row is taken out of the rotation
     * for {@code ejectFor} (it is still tried when nothing else is left).
     *
     * @param enabled             whether targets are ejected
     * @param consecutiveFailures failures in a row that eject, at least 1
     * @param ejectFor            how long the target stays out
     */
    public record OutlierEjection(boolean enabled, int consecutiveFailures, Duration ejectFor) {
        /** Enabled; 5 in a row eject for 30s. */
        public static OutlierEjection defaults() {
            return new OutlierEjection(true, 5, Duration.ofSeconds(30));
        }
    }
}
