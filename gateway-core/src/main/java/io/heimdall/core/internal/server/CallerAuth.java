package io.heimdall.core.internal.server;

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
