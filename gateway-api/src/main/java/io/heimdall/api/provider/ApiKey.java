package io.heimdall.api.provider;

import io.heimdall.api.plugin.Secret;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The credential the router chose for one attempt: one entry of a provider's {@code keys:}. Most providers need only
 * {@link #value()} (an API key); others read several fields declared in {@link ProviderFactory#keySpec()}, for
 * example {@code access-key-id}, {@code secret-access-key} and {@code session-token}, or a {@code service-account}
 * JSON. Every field is a {@link Secret}: {@link #toString()} never shows one.
 *
 * @param name   the key's stable, non-secret name (config {@code name}, else {@code <provider>#<index>}); safe to log
 * @param value  the key's {@code value}, if it has one
 * @param fields the other fields, by config key
 */
public record ApiKey(String name, Optional<Secret> value, Map<String, Secret> fields) {
    /** Validates and copies the fields. */
    public ApiKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value");
        fields = Map.copyOf(fields);
    }

    /** A key with only a value. */
    public static ApiKey of(String name, Secret value) {
        return new ApiKey(name, Optional.of(value), Map.of());
    }

    /** One of the other fields. */
    public Optional<Secret> field(String key) {
        return Optional.ofNullable(fields.get(key));
    }

    @Override
    public String toString() {
        return "ApiKey[" + name + ", fields=" + fields.keySet() + "]";
    }
}
