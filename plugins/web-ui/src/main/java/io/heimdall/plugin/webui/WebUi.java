package io.heimdall.plugin.webui;

import io.heimdall.api.GatewayException;
import io.heimdall.api.endpoint.Access;
import io.heimdall.api.endpoint.Endpoint;
import io.heimdall.api.endpoint.EndpointRequest;
import io.heimdall.api.endpoint.EndpointResponse;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.plugin.Plugin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * The UI's routes: {@code GET /} redirects to {@code /ui/}, {@code GET /ui/} serves {@code index.html} and
 * {@code GET /ui/*} the other static files. They are {@link Access#PUBLIC}: the files hold no data.
 */
final class WebUi implements Plugin {
    static final String BASE = "/ui/";
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*\\.(html|js|css|svg)");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml");

    private final boolean redirectRoot;
    private final Map<String, Optional<byte[]>> files = new ConcurrentHashMap<>();

    WebUi(boolean redirectRoot) {
        this.redirectRoot = redirectRoot;
    }

    @Override
    public List<Endpoint> endpoints() {
        List<Endpoint> e = new ArrayList<>();
        if (redirectRoot) {
            e.add(Endpoint.get("/", (req, res) -> res.status(302).header("location", BASE).sendEmpty())
                    .withAccess(Access.PUBLIC));
        }
        e.add(Endpoint.get("/ui/*", this::serve).withAccess(Access.PUBLIC));
        return List.copyOf(e);
    }

    private void serve(EndpointRequest req, EndpointResponse res) {
        String rest = req.pathParam("*").orElse("");
        if (rest.isEmpty() && !req.path().endsWith("/")) {
            res.status(302).header("location", BASE).sendEmpty();
            return;
        }
        String name = rest.isEmpty() ? "index.html" : rest;
        byte[] body = NAME.matcher(name).matches() ? files.computeIfAbsent(name, WebUi::read).orElse(null) : null;
        if (body == null) {
            throw new GatewayException(GatewayError.of(404, GatewayError.NOT_FOUND,
                    "No such file in the web UI: " + name, "not_found"));
        }
        String ext = name.substring(name.lastIndexOf('.') + 1);
        res.status(200)
                .header("cache-control", "no-cache")
                .header("x-content-type-options", "nosniff")
                .header("referrer-policy", "no-referrer")
                .header("content-security-policy", "default-src 'self'; img-src 'self' data:; "
                        + "style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'")
                .send(TYPES.get(ext), body);
    }

    private static Optional<byte[]> read(String name) {
        try (InputStream in = WebUi.class.getResourceAsStream("static/" + name)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
