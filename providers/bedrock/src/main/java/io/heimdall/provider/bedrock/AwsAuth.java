package io.heimdall.provider.bedrock;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.plugin.Secret;
import io.heimdall.api.provider.ApiKey;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.identity.spi.AwsCredentialsIdentity;
import software.amazon.awssdk.identity.spi.AwsSessionCredentialsIdentity;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Authenticates requests to Bedrock: with AWS credentials, signed with Signature Version 4 by the AWS SDK's
 * {@link AwsV4HttpSigner}; or with a Bedrock API key sent as a bearer token. Credentials come from the attempt's key
 * ({@code access-key-id}, {@code secret-access-key}, {@code session-token} fields, or a {@code value} that is a Bedrock
 * API key), else from the provider's config, else from the AWS SDK's {@link DefaultCredentialsProvider} (system
 * properties, environment variables, web identity, the shared profile files, container and instance credentials),
 * built on first use and cached by the SDK (it refreshes expiring credentials itself).
 */
final class AwsAuth implements AutoCloseable {
    /** Key fields (and config keys) holding AWS credentials. */
    static final String ACCESS_KEY_ID = "access-key-id";
    static final String SECRET_ACCESS_KEY = "secret-access-key";
    static final String SESSION_TOKEN = "session-token";
    /** The SigV4 service name of the Bedrock Runtime API. */
    static final String SERVICE = "bedrock";

    private static final AwsV4HttpSigner SIGNER = AwsV4HttpSigner.create();

    private final String provider;
    private final String region;
    private final Optional<AwsCredentialsIdentity> configured;
    private final Clock clock;
    private volatile AwsCredentialsProvider chain;

    AwsAuth(String provider, String region, Optional<AwsCredentialsIdentity> configured, Clock clock) {
        this.provider = provider;
        this.region = region;
        this.configured = configured;
        this.clock = clock;
    }

    /** Credentials from secrets: access key id and secret access key, and a session token if not empty. */
    static Optional<AwsCredentialsIdentity> credentials(Optional<Secret> accessKeyId, Optional<Secret> secret,
                                                        Optional<Secret> sessionToken) {
        if (accessKeyId.isEmpty() || secret.isEmpty() || accessKeyId.get().isEmpty() || secret.get().isEmpty()) {
            return Optional.empty();
        }
        Optional<Secret> token = sessionToken.filter(t -> !t.isEmpty());
        return Optional.of(token.isPresent()
                ? AwsSessionCredentialsIdentity.create(accessKeyId.get().reveal(), secret.get().reveal(),
                token.get().reveal())
                : AwsCredentialsIdentity.create(accessKeyId.get().reveal(), secret.get().reveal()));
    }

    /** The region requests are signed for. */
    String region() {
        return region;
    }

    /**
     * The headers that authenticate one request: {@code Authorization} (SigV4 or bearer), {@code X-Amz-Date} and
     * {@code X-Amz-Security-Token} for SigV4. Signed are the method, the URI as sent, {@code host}, the date, the
     * token and a hash of the body.
     *
     * @param key    the attempt's key, if any
     * @param method the HTTP method
     * @param uri    the full request URI, with the path exactly as it is sent (already percent-encoded)
     * @param body   the request body
     */
    Map<String, String> authenticate(Optional<ApiKey> key, String method, URI uri, byte[] body) {
        Optional<Secret> bearer = key.filter(k -> k.field(ACCESS_KEY_ID).isEmpty()).flatMap(ApiKey::value)
                .filter(s -> !s.isEmpty());
        if (bearer.isPresent()) {
            return Map.of("Authorization", "Bearer " + bearer.get().reveal());
        }
        AwsCredentialsIdentity identity = key.flatMap(k -> credentials(k.field(ACCESS_KEY_ID),
                        k.field(SECRET_ACCESS_KEY), k.field(SESSION_TOKEN)))
                .or(() -> configured)
                .orElseGet(this::fromChain);
        return sign(identity, region, SERVICE, method, uri, body, clock);
    }

    /** Signs with the SDK's SigV4 signer; the headers it added or set (Authorization, X-Amz-Date, token). */
    static Map<String, String> sign(AwsCredentialsIdentity identity, String region, String service, String method,
                                    URI uri, byte[] body, Clock clock) {
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.fromValue(method))
                .uri(uri)
                .build();
        SignedRequest signed = SIGNER.sign(r -> r
                .identity(identity)
                .request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4FamilyHttpSigner.SERVICE_SIGNING_NAME, service)
                .putProperty(AwsV4HttpSigner.REGION_NAME, region)
                .putProperty(HttpSigner.SIGNING_CLOCK, clock));
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> h : signed.request().headers().entrySet()) {
            String name = h.getKey().toLowerCase(Locale.ROOT);
            if (!name.equals("host") && !h.getValue().isEmpty()) {
                out.put(h.getKey(), h.getValue().getFirst());
            }
        }
        return out;
    }

    /** The secret values a message must never show, for one attempt. */
    List<String> secrets(Optional<ApiKey> key) {
        List<String> out = new ArrayList<>();
        key.ifPresent(k -> {
            k.value().ifPresent(s -> out.add(s.reveal()));
            k.fields().values().forEach(s -> out.add(s.reveal()));
        });
        configured.ifPresent(c -> {
            out.add(c.accessKeyId());
            out.add(c.secretAccessKey());
            if (c instanceof AwsSessionCredentialsIdentity s) {
                out.add(s.sessionToken());
            }
        });
        return out;
    }

    private AwsCredentialsIdentity fromChain() {
        AwsCredentialsProvider c = chain;
        if (c == null) {
            synchronized (this) {
                if (chain == null) {
                    chain = DefaultCredentialsProvider.builder().build();
                }
                c = chain;
            }
        }
        try {
            return c.resolveCredentials();
        } catch (RuntimeException e) {
            // The SDK's message lists the providers it tried; it holds no secret.
            throw new GatewayException(GatewayError.of(401, GatewayError.AUTHENTICATION, "Provider '" + provider
                    + "' has no AWS credentials: no key, no access-key-id in its config, and the AWS default "
                    + "credential chain found none (" + firstLine(e.getMessage()) + ")", "missing_credentials"), e);
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "no detail";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    @Override
    public void close() {
        AwsCredentialsProvider c = chain;
        if (c instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // closing the SDK's providers releases nothing we depend on
            }
        }
    }
}
