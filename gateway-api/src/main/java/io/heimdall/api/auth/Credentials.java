package io.heimdall.api.auth;

import io.heimdall.api.plugin.Secret;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a client presented, for an {@link Authenticator}. The credential is a {@link Secret} and never reaches an
 * upstream: providers authenticate with the keys from config only.
 *
 * @param bearer        the token of {@code Authorization: Bearer <token>}, if sent
 * @param apiKey        the value of {@code x-api-key} (or {@code api-key}), if sent
 * @param clientAddress the client's IP address as the server saw it
 * @param method        the HTTP method
 * @param path          the request path
 * @param headers       the other request headers, names in lower case, credentials removed
 */
public record Credentials(Optional<Secret> bearer, Optional<Secret> apiKey, String clientAddress, String method,
                          String path, Map<String, List<String>> headers) {
    /** Validates and copies the fields. */
    public Credentials {
        Objects.requireNonNull(bearer, "bearer");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(clientAddress, "clientAddress");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        headers = Map.copyOf(headers);
    }

    /** The credential presented: the bearer token, else the api key. */
    public Optional<Secret> presented() {
        return bearer.or(() -> apiKey);
    }

    /** The first value of a header. */
    public Optional<String> header(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.getFirst());
    }

    /** Whether the client connected from a loopback address. */
    public boolean fromLoopback() {
        return clientAddress.startsWith("127.") || clientAddress.equals("::1")
                || clientAddress.equals("0:0:0:0:0:0:0:1") || clientAddress.startsWith("/127.");
    }
}
