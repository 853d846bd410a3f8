package io.heimdall.plugin.adminapi;

import io.heimdall.api.GatewayException;
import io.heimdall.api.endpoint.EndpointRequest;
import io.heimdall.api.model.GatewayError;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Keeps other web sites out of the admin API. A browser on the gateway's machine may be shown a page of another site
 * that sends requests to {@code http://127.0.0.1:8080/api/admin/...} (cross-site request forgery: a form or a
 * {@code no-cors} fetch needs no preflight), or that makes its own name resolve to 127.0.0.1 (DNS rebinding). Both
 * matter where no credential is needed: on loopback without {@code admin.token}. So every admin request whose
 * {@code Origin} is not the gateway's own address is refused, and a request let in only because it comes from loopback
 * must name a loopback host ({@code localhost}, {@code 127.x.x.x}, {@code [::1]}) in its {@code Host} header.
 */
final class BrowserGuard {
    /** The caller id the gateway gives a loopback client when no admin credential is configured. */
    static final String LOCAL_ADMIN = "local-admin";
    private static final Pattern LOOPBACK_HOST = Pattern.compile(
            "(localhost|[a-z0-9.-]*\\.localhost|127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|\\[::1])(:\\d+)?");

    private BrowserGuard() {
    }

    /** Refuses (403) a cross-origin browser request, and a loopback-only request that names another host. */
    static void check(EndpointRequest req) {
        Optional<String> host = req.header("host").map(h -> h.strip().toLowerCase(Locale.ROOT));
        Optional<String> origin = req.header("origin").map(String::strip);
        if (origin.isPresent() && !sameOrigin(origin.get(), host, req.header("x-forwarded-host"))) {
            throw refused("Admin routes refuse requests from another web site (origin " + printable(origin.get())
                    + "); use the web UI served by this gateway", "cross_origin_refused");
        }
        if (req.header("sec-fetch-site").filter(s -> s.equalsIgnoreCase("cross-site")).isPresent()) {
            throw refused("Admin routes refuse requests from another web site", "cross_origin_refused");
        }
        if (req.context().caller().id().equals(LOCAL_ADMIN)
                && (host.isEmpty() || !LOOPBACK_HOST.matcher(host.get()).matches())) {
            throw refused("Without admin.token, admin routes answer only requests addressed to a loopback host: open "
                    + "http://127.0.0.1:<port>/ or http://localhost:<port>/ (host " + printable(host.orElse(""))
                    + " refused), or configure admin.token", "admin_host_refused");
        }
    }

    private static boolean sameOrigin(String origin, Optional<String> host, Optional<String> forwardedHost) {
        try {
            URI uri = URI.create(origin);
            if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
                return false;
            }
            String authority = uri.getRawAuthority().toLowerCase(Locale.ROOT);
            String defaultPort = uri.getScheme().equals("https") ? ":443" : ":80";
            return matches(authority, host, defaultPort) || matches(authority,
                    forwardedHost.map(f -> f.split(",")[0].strip().toLowerCase(Locale.ROOT)), defaultPort);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean matches(String authority, Optional<String> host, String defaultPort) {
        return host.filter(h -> h.equals(authority) || h.equals(authority + defaultPort)
                || (h + defaultPort).equals(authority)).isPresent();
    }

    private static String printable(String s) {
        String clean = s.replaceAll("[^\\x20-\\x7e]", "?");
        return clean.length() > 100 ? clean.substring(0, 100) + "…" : clean;
    }

    private static GatewayException refused(String message, String code) {
        return new GatewayException(GatewayError.of(403, GatewayError.PERMISSION, message, code));
    }
}
