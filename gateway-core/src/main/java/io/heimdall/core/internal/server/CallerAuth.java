package io.heimdall.core.internal.server;

import io.heimdall.core.internal.config.SecretResolver;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Set;

import io.heimdall.api.GatewayException;
import io.heimdall.api.auth.AuthDecision;
import io.heimdall.api.auth.Caller;
import io.heimdall.api.auth.Credentials;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.plugin.Secret;
import io.heimdall.core.internal.engine.Generation;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.ServerRequest;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Establishes the caller of a request before hooks run: asks the generation's authenticators in order; the first that
 * allows or denies decides; if all abstain the client gets 401. With none configured every caller is anonymous.
 */
final class CallerAuth {
    /** The caller tag that opens admin routes. */
    static final String ADMIN_TAG = "admin";
    private static final System.Logger LOG = System.getLogger(CallerAuth.class.getName());

    private CallerAuth() {
    }

    /** The caller, or a {@link GatewayException} with 401/403 in the OpenAI shape. */
    static Caller authenticate(Generation g, ServerRequest req, Map<String, List<String>> headers) {
        List<Generation.NamedAuthenticator> authenticators = g.authenticatorList();
        if (authenticators.isEmpty()) {
            return Caller.anonymous();
        }
        Credentials credentials = credentials(req, headers);
        for (Generation.NamedAuthenticator a : authenticators) {
            AuthDecision decision;
            try {
                decision = a.authenticator().authenticate(credentials);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "Authenticator " + a.id() + " failed", e);
                throw new GatewayException(GatewayError.internal("Authenticator '" + a.id() + "' failed"), e);
            }
            switch (decision) {
                case AuthDecision.Allow allow -> {
                    return allow.caller();
                }
                case AuthDecision.Deny deny -> throw new GatewayException(deny.error());
                case AuthDecision.Abstain abstain -> {
                    // ask the next one
                }
            }
        }
        String message = credentials.presented().isPresent() ? "The API key is not valid"
                : "Authentication required: send 'Authorization: Bearer <key>' or 'x-api-key: <key>'";
        throw new GatewayException(GatewayError.of(401, GatewayError.AUTHENTICATION, message,
                credentials.presented().isPresent() ? "invalid_api_key" : "missing_api_key"));
    }

    /**
     * The caller of an {@code Access.ADMIN} route: the bearer token equal to {@code admin.token}; else an authenticator's
     * caller with the tag {@code admin}; with neither configured, any client on a loopback address.
     */
    static Caller authenticateAdmin(Generation g, ServerRequest req, Map<String, List<String>> headers,
                                    SecretResolver secrets) {
        Optional<String> token = g.config().adminToken().map(t -> secrets.secret(t).reveal());
        Optional<Secret> bearer = credentials(req, headers).bearer();
        if (token.isPresent() && bearer.isPresent() && MessageDigest.isEqual(
                token.get().getBytes(StandardCharsets.UTF_8), bearer.get().reveal().getBytes(StandardCharsets.UTF_8))) {
            return Caller.of("admin").withTags(Set.of(ADMIN_TAG));
        }
        if (!g.authenticatorList().isEmpty()) {
            Caller caller = authenticate(g, req, headers);
            if (caller.tags().contains(ADMIN_TAG)) {
                return caller;
            }
            throw new GatewayException(GatewayError.of(403, GatewayError.PERMISSION,
                    "Admin routes need the admin token or a caller with the tag 'admin'", "admin_required"));
        }
        if (token.isPresent()) {
            throw new GatewayException(GatewayError.of(401, GatewayError.AUTHENTICATION, bearer.isPresent()
                    ? "The admin token is not valid" : "Admin routes need 'Authorization: Bearer <admin token>'",
                    bearer.isPresent() ? "invalid_admin_token" : "missing_admin_token"));
        }
        if (req.remotePeer().address() instanceof InetSocketAddress a && a.getAddress() != null
                && a.getAddress().isLoopbackAddress()) {
            return Caller.of("local-admin").withTags(Set.of(ADMIN_TAG));
        }
        throw new GatewayException(GatewayError.of(403, GatewayError.PERMISSION, "Admin routes answer only on a "
                + "loopback address while no admin.token is configured", "admin_loopback_only"));
    }

    static Credentials credentials(ServerRequest req, Map<String, List<String>> headers) {
        Optional<Secret> bearer = req.headers().first(HeaderNames.AUTHORIZATION)
                .filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7))
                .map(v -> v.substring(7).strip()).filter(v -> !v.isEmpty()).map(Secret::of);
        Optional<Secret> apiKey = req.headers().first(HeaderNames.create("x-api-key"))
                .or(() -> req.headers().first(HeaderNames.create("api-key")))
                .map(String::strip).filter(v -> !v.isEmpty()).map(Secret::of);
        return new Credentials(bearer, apiKey, clientAddress(req), req.prologue().method().text(),
                req.path().path(), headers);
    }

    static String clientAddress(ServerRequest req) {
        String host = req.remotePeer().host();
        return host.startsWith("/") ? host.substring(1) : host.toLowerCase(Locale.ROOT);
    }
}
