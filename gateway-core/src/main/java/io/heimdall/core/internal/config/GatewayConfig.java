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
     */
    public record Server(String host, int port, long maxBodyBytes, Duration requestTimeout, Duration connectTimeout) {
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
