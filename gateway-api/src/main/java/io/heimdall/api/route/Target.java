package io.heimdall.api.route;

import java.util.Objects;

/**
 * One way to serve a request: a configured provider, an upstream model, and one of the provider's keys.
 *
 * @param provider the configured provider name
 * @param model    the upstream model name
 * @param keyId    the key's id ({@code <provider>#<index>}), or empty for a provider without keys; never the secret
 * @param weight   the share of traffic among targets of the same priority
 * @param priority 0 for the first fallback group, 1 for the next, ...
 * @param healthy  whether the core currently considers the target healthy
 */
public record Target(String provider, String model, String keyId, double weight, int priority, boolean healthy) {
    /** Validates the fields. */
    public Target {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(keyId, "keyId");
        if (!(weight >= 0)) {
            throw new IllegalArgumentException("weight must be >= 0: " + weight);
        }
    }

    /** {@code provider/model}, as clients write it. */
    public String qualifiedModel() {
        return provider + "/" + model;
    }
}
