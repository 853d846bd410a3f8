package io.heimdall.api.auth;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Who is calling, as an {@link Authenticator} established it. Carried by
 * {@link io.heimdall.api.RequestContext#caller()} for hooks, routers, observers and routes.
 *
 * @param id            a stable, non-secret name of the caller (a virtual key's name, a user, a service)
 * @param authenticated whether an authenticator vouched for it ({@code false} for {@link #anonymous()})
 * @param tags          free labels (team, tier, environment) for policies and metrics
 * @param allowedModels the model names the caller may use, as globs ({@code *} matches any run of characters); the
 *                      core answers 403 for others and leaves them out of {@code GET /v1/models}
 * @param attributes    other facts an authenticator wants to pass on (never secrets)
 */
public record Caller(String id, boolean authenticated, Set<String> tags, List<String> allowedModels,
                     Map<String, String> attributes) {
    private static final Caller ANONYMOUS = new Caller("anonymous", false, Set.of(), List.of("*"), Map.of());

    /** Validates and copies the fields. */
    public Caller {
        Objects.requireNonNull(id, "id");
        tags = Set.copyOf(tags);
        allowedModels = List.copyOf(allowedModels);
        attributes = Map.copyOf(attributes);
    }

    /** The caller of a gateway with no authenticator configured: may use every model. */
    public static Caller anonymous() {
        return ANONYMOUS;
    }

    /** An authenticated caller that may use every model. */
    public static Caller of(String id) {
        return new Caller(id, true, Set.of(), List.of("*"), Map.of());
    }

    /** The same caller with these tags. */
    public Caller withTags(Set<String> value) {
        return new Caller(id, authenticated, value, allowedModels, attributes);
    }

    /** The same caller restricted to these model globs. */
    public Caller withAllowedModels(List<String> value) {
        return new Caller(id, authenticated, tags, value, attributes);
    }

    /** The same caller with these attributes. */
    public Caller withAttributes(Map<String, String> value) {
        return new Caller(id, authenticated, tags, allowedModels, value);
    }

    /** Whether the caller may use this model name (as the client wrote it: an alias or {@code provider/model}). */
    public boolean allows(String model) {
        for (String glob : allowedModels) {
            if (Glob.matches(glob, model)) {
                return true;
            }
        }
        return false;
    }
}
