package io.heimdall.plugin.semanticcache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.GatewayException;
import io.heimdall.api.endpoint.Access;
import io.heimdall.api.endpoint.Endpoint;
import io.heimdall.api.endpoint.EndpointHandler;
import io.heimdall.api.endpoint.EndpointRequest;
import io.heimdall.api.endpoint.EndpointResponse;
import io.heimdall.api.model.GatewayError;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The admin routes: {@code Access.ADMIN} (the admin token, a caller tagged {@code admin}, or loopback clients when
 * neither is configured), and further limited to callers with the configured {@code admin-tag} if one is set:
 * <ul>
 *   <li>{@code GET /v1/semantic-cache/stats}: entry count, hits by tier, misses, guard rejections, stores,
 *       evictions;</li>
 *   <li>{@code DELETE /v1/semantic-cache/namespaces/{namespace}}: drops a namespace's entries;</li>
 *   <li>{@code DELETE /v1/semantic-cache/entries/{id}}: drops one entry (the id is the {@code x-heimdall-cache-key}
 *       response header);</li>
 *   <li>{@code DELETE /v1/semantic-cache/entries}: drops everything.</li>
 * </ul>
 */
final class AdminRoutes {
    static final String PREFIX = "/v1/semantic-cache";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SemanticCache cache;
    private final Optional<String> adminTag;

    AdminRoutes(SemanticCache cache, Optional<String> adminTag) {
        this.cache = cache;
        this.adminTag = adminTag;
    }

    List<Endpoint> endpoints() {
        return List.of(
                Endpoint.get(PREFIX + "/stats", guarded((req, res) -> reply(res, cache.stats())))
                        .withAccess(Access.ADMIN),
                Endpoint.of("DELETE", PREFIX + "/namespaces/{namespace}", guarded((req, res) -> reply(res,
                        Map.of("deleted", cache.invalidateNamespace(req.pathParam("namespace").orElseThrow())))))
                        .withAccess(Access.ADMIN),
                Endpoint.of("DELETE", PREFIX + "/entries/{id}", guarded(this::deleteEntry)).withAccess(Access.ADMIN),
                Endpoint.of("DELETE", PREFIX + "/entries", guarded((req, res) -> {
                    long before = ((Number) cache.stats().get("entries")).longValue();
                    cache.clear();
                    reply(res, Map.of("deleted", before));
                })).withAccess(Access.ADMIN));
    }

    private EndpointHandler guarded(EndpointHandler handler) {
        return (req, res) -> {
            check(req);
            handler.handle(req, res);
        };
    }

    private void deleteEntry(EndpointRequest req, EndpointResponse res) {
        String id = req.pathParam("id").orElseThrow();
        if (!cache.invalidateEntry(id)) {
            throw new GatewayException(GatewayError.of(404, GatewayError.NOT_FOUND, "No cache entry '" + id + "'",
                    "entry_not_found"));
        }
        reply(res, Map.of("deleted", 1));
    }

    private void check(EndpointRequest req) {
        if (adminTag.isPresent() && !req.context().caller().tags().contains(adminTag.get())) {
            throw new GatewayException(GatewayError.of(403, GatewayError.PERMISSION, "Caller '"
                    + req.context().caller().id() + "' may not administer the semantic cache", "admin_required"));
        }
    }

    private static void reply(EndpointResponse res, Map<String, ?> body) {
        try {
            res.json(JSON.writeValueAsBytes(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
