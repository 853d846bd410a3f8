package io.heimdall.core.internal.server;

import io.heimdall.api.model.GatewayError;
import io.heimdall.core.internal.config.GatewayConfig;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Method;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * CORS ({@code server.cors}) as a routing filter, registered before every route: answers preflights (an
 * {@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method}) itself, with 204 and the
 * {@code Access-Control-Allow-*} headers, or 403 in the OpenAI error shape when the origin, method or a header is not
 * allowed; and adds {@code Access-Control-Allow-Origin} (with {@code Vary: Origin}) to every routed response for an
 * allowed origin, errors and event streams included. Off (no CORS header at all) when {@code server.cors} is absent.
 * The policy is read at each request, so a config reload applies at once.
 */
public final class Cors implements Filter {
    private static final HeaderName REQUEST_ID = HeaderNames.create("x-request-id");
    private static final HeaderName ALLOW_PRIVATE_NETWORK = HeaderNames.create("Access-Control-Allow-Private-Network");

    private final Supplier<Optional<GatewayConfig.Cors>> policy;
    private final Function<GatewayError, byte[]> errorEncoder;

    /**
     * Creates the filter.
     *
     * @param policy       the current CORS policy, empty when CORS is off
     * @param errorEncoder encodes an error in the OpenAI error shape
     */
    public Cors(Supplier<Optional<GatewayConfig.Cors>> policy, Function<GatewayError, byte[]> errorEncoder) {
        this.policy = policy;
        this.errorEncoder = errorEncoder;
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Optional<GatewayConfig.Cors> current = policy.get();
        if (current.isEmpty()) {
            chain.proceed();
            return;
        }
        GatewayConfig.Cors cors = current.get();
        res.headers().add(HeaderValues.create(HeaderNames.VARY, "Origin"));
        Optional<String> origin = req.headers().first(HeaderNames.ORIGIN);
        if (origin.isEmpty()) {
            chain.proceed();
            return;
        }
        boolean allowed = originAllowed(cors, origin.get());
        Optional<String> preflightMethod = req.headers().first(HeaderNames.ACCESS_CONTROL_REQUEST_METHOD);
        if (req.prologue().method() == Method.OPTIONS && preflightMethod.isPresent()) {
            preflight(req, res, cors, origin.get(), allowed, preflightMethod.get());
            return;
        }
        if (allowed) {
            allowOrigin(res, cors, origin.get());
            if (!cors.exposeHeaders().isEmpty()) {
                res.header(HeaderNames.ACCESS_CONTROL_EXPOSE_HEADERS, String.join(", ", cors.exposeHeaders()));
            }
        }
        chain.proceed();
    }

    private void preflight(RoutingRequest req, RoutingResponse res, GatewayConfig.Cors cors, String origin,
                           boolean allowed, String method) {
        res.headers().add(HeaderValues.create(HeaderNames.VARY, "Access-Control-Request-Method"));
        res.headers().add(HeaderValues.create(HeaderNames.VARY, "Access-Control-Request-Headers"));
        res.header(REQUEST_ID, HttpApi.requestId(req));
        List<String> requested = new ArrayList<>();
        for (String h : req.headers().first(HeaderNames.ACCESS_CONTROL_REQUEST_HEADERS).orElse("").split(",")) {
            if (!h.isBlank()) {
                requested.add(h.trim().toLowerCase(Locale.ROOT));
            }
        }
        String refusal = !allowed ? "Origin " + printable(origin) + " is not allowed (server.cors.allowed-origins)"
                : !cors.allowedMethods().contains(method.trim().toUpperCase(Locale.ROOT))
                ? "Method " + printable(method) + " is not allowed (server.cors.allowed-methods)"
                : requested.stream().filter(h -> !headerAllowed(cors, h)).findFirst()
                        .map(h -> "Header " + printable(h) + " is not allowed (server.cors.allowed-headers)")
                        .orElse(null);
        if (refusal != null) {
            res.status(Status.FORBIDDEN_403);
            res.header(HeaderNames.CONTENT_TYPE, "application/json");
            res.send(errorEncoder.apply(GatewayError.of(403, GatewayError.PERMISSION, "CORS preflight refused: "
                    + refusal, "cors_refused")));
            return;
        }
        allowOrigin(res, cors, origin);
        res.header(HeaderNames.ACCESS_CONTROL_ALLOW_METHODS, String.join(", ", cors.allowedMethods()));
        if (!requested.isEmpty()) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_HEADERS, String.join(", ", requested));
        }
        res.header(HeaderNames.ACCESS_CONTROL_MAX_AGE, Long.toString(cors.maxAge().toSeconds()));
        if (req.headers().first(HeaderNames.create("Access-Control-Request-Private-Network")).isPresent()) {
            res.header(ALLOW_PRIVATE_NETWORK, "true");
        }
        res.status(Status.NO_CONTENT_204);
        res.send();
    }

    private static void allowOrigin(RoutingResponse res, GatewayConfig.Cors cors, String origin) {
        boolean any = cors.allowedOrigins().contains("*") && !cors.allowCredentials();
        res.header(HeaderNames.ACCESS_CONTROL_ALLOW_ORIGIN, any ? "*" : origin);
        if (cors.allowCredentials()) {
            res.header(HeaderNames.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
        }
    }

    /** Whether the origin is allowed: exactly, by {@code *}, or by a {@code scheme://*.domain[:port]} entry. */
    static boolean originAllowed(GatewayConfig.Cors cors, String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        for (String allowed : cors.allowedOrigins()) {
            if (allowed.equals("*") || allowed.equals(o)) {
                return true;
            }
            int star = allowed.indexOf("://*.");
            if (star > 0) {
                String scheme = allowed.substring(0, star + 3);
                String suffix = allowed.substring(star + 4); // ".example.com[:port]"
                if (o.startsWith(scheme) && o.endsWith(suffix)) {
                    String label = o.substring(scheme.length(), o.length() - suffix.length());
                    if (!label.isEmpty() && label.matches("[a-z0-9.-]+") && !label.startsWith(".")
                            && !label.endsWith(".")) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean headerAllowed(GatewayConfig.Cors cors, String header) {
        for (String allowed : cors.allowedHeaders()) {
            if (allowed.equals("*") || allowed.equals(header)
                    || (allowed.endsWith("*") && header.startsWith(allowed.substring(0, allowed.length() - 1)))) {
                return true;
            }
        }
        return false;
    }

    private static String printable(String s) {
        String t = s.length() > 100 ? s.substring(0, 100) + "..." : s;
        return "'" + t.replaceAll("[^\\x20-\\x7e]", "?") + "'";
    }
}
