package io.heimdall.api.provider;

import io.heimdall.api.RequestContext;
import io.heimdall.api.plugin.Secret;

import java.util.Objects;
import java.util.Optional;

/**
 * One attempt at a provider: which configured provider, with which key, for which client request.
 *
 * @param provider the configured provider name (the key under {@code providers:})
 * @param key      the API key the router chose for this attempt, if the provider has keys
 * @param context  the client request
 * @param attempt  the attempt number for this client request, from 1
 */
public record ProviderCall(String provider, Optional<Secret> key, RequestContext context, int attempt) {
    /** Validates the fields. */
    public ProviderCall {
        Objects.requireNonNull(provider, "provider");
        key = key == null ? Optional.empty() : key;
        Objects.requireNonNull(context, "context");
    }
}
