package io.heimdall.provider.vertex;

import com.google.auth.oauth2.AccessToken;
import com.google.auth.oauth2.GoogleCredentials;
import io.heimdall.api.GatewayException;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.plugin.Secret;
import io.heimdall.api.provider.ApiKey;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.provider.gemini.wire.GeminiEngine;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The OAuth bearer token of each Vertex AI request. In order: the attempt's key — its {@code service-account} field
 * (the JSON itself), its {@code credentials-file} field, else its {@code access-token} field or {@code value} used
 * as a token —, then the provider's {@code access-token}, then its {@code credentials-file}, then Application Default
 * Credentials. Credentials are built once (lazily: nothing is read or fetched before the first request) and kept;
 * google-auth-library caches each token and refreshes it before it expires, so a token is fetched once per lifetime,
 * never per request.
 */
final class VertexAuth implements GeminiEngine.Auth {
    static final String SCOPE = "https://www.googleapis.com/auth/cloud-platform";

    private final String provider;
    private final Optional<Secret> accessToken;
    private final Optional<Path> credentialsFile;
    private final ConcurrentMap<String, GoogleCredentials> credentials = new ConcurrentHashMap<>();

    VertexAuth(String provider, Optional<Secret> accessToken, Optional<Path> credentialsFile) {
        this.provider = provider;
        this.accessToken = accessToken.filter(s -> !s.isEmpty());
        this.credentialsFile = credentialsFile;
    }

    @Override
    public Map<String, String> headers(ProviderCall call) {
        return Map.of("Authorization", "Bearer " + token(call));
    }

    private String token(ProviderCall call) {
        if (call.apiKey().isPresent()) {
            ApiKey key = call.apiKey().get();
            Optional<Secret> json = key.field("service-account").filter(s -> !s.isEmpty());
            if (json.isPresent()) {
                return fetch("key:" + key.name() + ":" + digest(json.get()),
                        () -> new ByteArrayInputStream(json.get().reveal().getBytes(StandardCharsets.UTF_8)));
            }
            Optional<Secret> file = key.field("credentials-file").filter(s -> !s.isEmpty());
            if (file.isPresent()) {
                Path path = Path.of(file.get().reveal());
                return fetch("file:" + path, () -> Files.newInputStream(path));
            }
            Optional<Secret> token = key.field("access-token").or(key::value).filter(s -> !s.isEmpty());
            if (token.isPresent()) {
                return token.get().reveal();
            }
        }
        if (accessToken.isPresent()) {
            return accessToken.get().reveal();
        }
        if (credentialsFile.isPresent()) {
            Path path = credentialsFile.get();
            return fetch("file:" + path, () -> Files.newInputStream(path));
        }
        return fetch("adc", null);
    }

    /** A source of credentials JSON. */
    @FunctionalInterface
    private interface Source {
        InputStream open() throws IOException;
    }

    private String fetch(String id, Source source) {
        GoogleCredentials c = credentials.get(id);
        if (c == null) {
            c = credentials.computeIfAbsent(id, k -> load(source));
        }
        try {
            c.refreshIfExpired();
            AccessToken token = c.getAccessToken();
            if (token == null || token.getTokenValue() == null || token.getTokenValue().isEmpty()) {
                throw new IOException("no access token");
            }
            return token.getTokenValue();
        } catch (IOException | RuntimeException e) {
            throw failure("could not obtain a Google access token (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private GoogleCredentials load(Source source) {
        try {
            GoogleCredentials c;
            if (source == null) {
                c = GoogleCredentials.getApplicationDefault();
            } else {
                try (InputStream in = source.open()) {
                    c = GoogleCredentials.fromStream(in);
                }
            }
            return c.createScopedRequired() ? c.createScoped(List.of(SCOPE)) : c;
        } catch (IOException | RuntimeException e) {
            throw failure(source == null ? "found no Application Default Credentials (set credentials-file or "
                    + "access-token, or GOOGLE_APPLICATION_CREDENTIALS)" : "could not read its Google credentials ("
                    + e.getClass().getSimpleName() + ")", e);
        }
    }

    private GatewayException failure(String what, Exception cause) {
        return new GatewayException(GatewayError.of(401, GatewayError.AUTHENTICATION, "Provider '" + provider + "' "
                + what, "invalid_credentials"), new IOException(cause.getClass().getName()));
    }

    private static String digest(Secret secret) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(secret.reveal().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
