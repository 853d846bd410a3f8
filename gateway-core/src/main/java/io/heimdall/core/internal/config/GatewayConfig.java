package io.heimdall.core.internal.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
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
 */
public record GatewayConfig(Server server, Map<String, ProviderEntry> providers, Map<String, Alias> models,
                            List<PluginEntry> plugins, Optional<PluginEntry> router) {

    /**
     * Server settings.
     *
     * @param host           the listen address
     * @param port           the listen port, 0 for an ephemeral one
     * @param maxBodyBytes   the largest request body accepted
     * @param requestTimeout the deadline of one client request, all attempts included
     * @param connectTimeout how long to wait for an upstream TCP connection
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
     * @param name   the name clients use as the model prefix
     * @param type   the provider type (a {@code ProviderFactory} id)
     * @param keys   the API keys, possibly none
     * @param config every other key, validated against the factory's spec
     */
    public record ProviderEntry(String name, String type, List<KeyEntry> keys, Map<String, Object> config) {
    }

    /**
     * One API key of a provider.
     *
     * @param id        {@code <provider>#<index>}, safe to log
     * @param reference the value as written, for example {@code ${env:OPENAI_API_KEY}}
     * @param weight    the share of traffic among the provider's keys
     * @param models    model name patterns the key serves ({@code *}, exact names, or {@code prefix*})
     */
    public record KeyEntry(String id, String reference, double weight, List<String> models) {
        /** Whether this key serves the model. */
        public boolean serves(String model) {
            for (String pattern : models) {
                if (pattern.equals("*") || pattern.equals(model)
                        || (pattern.endsWith("*") && model.startsWith(pattern.substring(0, pattern.length() - 1)))) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * A model alias.
     *
     * @param name    the alias clients send as {@code model}
     * @param targets the targets, in fallback order
     */
    public record Alias(String name, List<AliasTarget> targets) {
    }

    /**
     * One target of an alias.
     *
     * @param provider the provider name
     * @param model    the upstream model name
     * @param weight   the share of traffic among targets of the same priority
     * @param priority the fallback group: lower is tried first
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
}
