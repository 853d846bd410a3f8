package io.heimdall.api.provider;

import io.heimdall.api.RequestContext;
import io.heimdall.api.plugin.Secret;

import java.util.Objects;
import java.util.Optional;

/**
 * One attempt at a provider: which configured provider, with which key, for which client request.
 *
 * @param provider the configured provider name (the key under {@code providers:})
 * @param apiKey   the credential the router chose for this attempt, if the provider has keys
 * @param context  the client request
 * @param attempt  the attempt number for this client request, from 1
 */
public record ProviderCall(String provider, Optional<ApiKey> apiKey, RequestContext context, int attempt) {
    /** Validates the fields. */
    public ProviderCall {
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(context, "context");
    }

    /** A call whose key is a single secret value (named {@code <provider>#0}). */
    public static ProviderCall withKey(String provider, Secret key, RequestContext context, int attempt) {
        return new ProviderCall(provider, Optional.of(ApiKey.of(provider + "#0", key)), context, attempt);
    }

    /** The key's {@code value}: what an API-key provider puts in its auth header. */
    public Optional<Secret> key() {
        return apiKey.flatMap(ApiKey::value);
    }
}
