package io.heimdall.api.route;

import java.util.Objects;

/**
 * One way to serve a request: a configured provider, an upstream model, and one of the provider's keys. The core only
 * offers the router targets it considers available (not cooling down after a 429, key not refused, circuit not open).
 *
 * @param provider the configured provider name
 * @param model    the upstream model name
 * @param keyName  the key's non-secret name ({@code <provider>#<index>} unless configured), empty for a provider
 *                 without keys; never the secret
 * @param weight   the share of traffic among targets of the same priority
 * @param priority 0 for the first group, 1 for the next fallback group, ...
 */
public record Target(String provider, String model, String keyName, double weight, int priority) {
    /** Validates the fields. */
    public Target {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(keyName, "keyName");
        if (!(weight >= 0)) {
            throw new IllegalArgumentException("weight must be >= 0: " + weight);
        }
    }

    /** {@code provider/model}, as clients write it. */
    public String qualifiedModel() {
        return provider + "/" + model;
    }
}
