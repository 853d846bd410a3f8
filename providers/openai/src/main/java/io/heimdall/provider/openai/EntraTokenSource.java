package io.heimdall.provider.openai;

import io.heimdall.api.GatewayException;
import io.heimdall.api.http.UpstreamClient;
import io.heimdall.api.http.UpstreamRequest;
import io.heimdall.api.http.UpstreamResponse;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.plugin.Secret;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Microsoft Entra ID access tokens by the OAuth 2.0 client-credentials grant
 * ({@code POST {authority}/{tenant}/oauth2/v2.0/token} with {@code grant_type=client_credentials}, the client id and
 * secret, and the scope {@code https://cognitiveservices.azure.com/.default}). A token is cached and reused until
 * {@link #REFRESH_BEFORE} before it expires; then the first caller fetches a new one while concurrent callers wait for
 * it (one token request at a time, never one per upstream request). The client secret and tokens never appear in
 * errors or logs.
 */
final class EntraTokenSource {
    /** How long before expiry a token is replaced. */
    static final Duration REFRESH_BEFORE = Duration.ofMinutes(5);
    /** The default authority host. */
    static final String DEFAULT_AUTHORITY = "https://login.microsoftonline.com";
    /** The scope of Azure OpenAI (Cognitive Services). */
    static final String DEFAULT_SCOPE = "https://cognitiveservices.azure.com/.default";

    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"\\\\]+)\"");
    private static final Pattern EXPIRES_IN = Pattern.compile("\"expires_in\"\\s*:\\s*\"?(\\d{1,9})");
    private static final Pattern ERROR = Pattern.compile("\"error\"\\s*:\\s*\"([A-Za-z0-9_]{1,64})\"");
    private static final Pattern TENANT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9.-]{0,127}");

    private final UpstreamClient http;
    private final String tenant;
    private final String clientId;
    private final Secret clientSecret;
    private final String scope;
    private final Clock clock;
    private final Duration timeout;
    private final ReentrantLock lock = new ReentrantLock();
    private volatile Token current;
    private volatile int fetches;

    private record Token(Secret value, Instant refreshAt) {
    }

    EntraTokenSource(UpstreamClient http, String tenant, String clientId, Secret clientSecret, String scope,
                     Clock clock, Duration timeout) {
        if (!TENANT.matcher(tenant).matches()) {
            throw new IllegalArgumentException("entra.tenant-id is not a tenant id or domain");
        }
        if (clientId.isBlank()) {
            throw new IllegalArgumentException("entra.client-id must not be blank");
        }
        this.http = http;
        this.tenant = tenant;
        this.clientId = clientId;
        this.clientSecret = clientSecret;
        this.scope = scope;
        this.clock = clock;
        this.timeout = timeout;
    }

    /** A valid access token: the cached one, or a new one when it is about to expire. */
    Secret token() {
        Token t = current;
        if (t != null && clock.instant().isBefore(t.refreshAt())) {
            return t.value();
        }
        lock.lock();
        try {
            t = current;
            if (t != null && clock.instant().isBefore(t.refreshAt())) {
                return t.value();
            }
            current = fetch();
            return current.value();
        } finally {
            lock.unlock();
        }
    }

    /** How many token requests were made (for tests and diagnostics). */
    int fetches() {
        return fetches;
    }

    private Token fetch() {
        fetches++;
        String form = "grant_type=client_credentials&client_id=" + enc(clientId) + "&client_secret="
                + enc(clientSecret.reveal()) + "&scope=" + enc(scope);
        Instant requested = clock.instant();
        UpstreamRequest req = new UpstreamRequest("POST", "/" + tenant + "/oauth2/v2.0/token",
                Map.of("Content-Type", "application/x-www-form-urlencoded", "Accept", "application/json"),
                form.getBytes(StandardCharsets.UTF_8), timeout);
        String body;
        int status;
        try (UpstreamResponse response = http.send(req)) {
            status = response.status();
            body = new String(response.readBody(64 << 10), StandardCharsets.UTF_8);
        } catch (GatewayException e) {
            throw new GatewayException(GatewayError.of(502, GatewayError.API_ERROR,
                    "Entra ID token endpoint unreachable: " + e.error().message(), "entra_token_failed"), e);
        } catch (RuntimeException e) {
            throw new GatewayException(GatewayError.of(502, GatewayError.API_ERROR,
                    "Entra ID token endpoint unreachable", "entra_token_failed"), e);
        }
        Matcher token = ACCESS_TOKEN.matcher(body);
        if (status / 100 != 2 || !token.find()) {
            Matcher error = ERROR.matcher(body);
            String code = error.find() ? error.group(1) : "HTTP " + status;
            int mapped = status == 400 || status == 401 ? 401 : 502;
            throw new GatewayException(GatewayError.of(mapped, mapped == 401 ? GatewayError.AUTHENTICATION
                    : GatewayError.API_ERROR, "Entra ID refused the client credentials (" + code + ")",
                    "entra_token_failed"));
        }
        Matcher expires = EXPIRES_IN.matcher(body);
        long seconds = expires.find() ? Long.parseLong(expires.group(1)) : 3600;
        Duration life = Duration.ofSeconds(seconds);
        Duration early = life.compareTo(REFRESH_BEFORE.multipliedBy(2)) < 0 ? life.dividedBy(2) : REFRESH_BEFORE;
        return new Token(Secret.of(token.group(1)), requested.plus(life).minus(early));
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
