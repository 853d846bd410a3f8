package io.heimdall.api.plugin;

import io.heimdall.api.auth.Authenticator;
import io.heimdall.api.cache.ResponseCache;
import io.heimdall.api.endpoint.Endpoint;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.observe.Observer;
import io.heimdall.api.route.Router;

import java.util.List;
import java.util.Optional;

/**
 * One configured entry of {@code plugins:}: an instance that takes one or more roles. Roles are declared, not guessed
 * from types: the core asks each accessor once, when the instance is created, and wires what it returns. A role left
 * at its default is not taken. One instance may be at once a hook, an observer, an authenticator and serve routes,
 * sharing its state between them.
 *
 * <pre>{@code
 * final class QuotaPlugin implements Plugin, Hook, Observer {
 *     public Optional<Hook> hook() { return Optional.of(this); }
 *     public Optional<Observer> observer() { return Optional.of(this); }
 *     public List<Endpoint> endpoints() { return List.of(Endpoint.get("/quota", this::report)); }
 * }
 * }</pre>
 *
 * <p>Lifecycle: an instance whose config subtree did not change survives a config reload; a changed one is built new,
 * and the old one is closed once the requests that use it are done.
 */
public interface Plugin extends AutoCloseable {
    /** A pre/post hook, run in the order of the {@code plugins:} list. */
    default Optional<Hook> hook() {
        return Optional.empty();
    }

    /** A response cache; at most one plugin may take this role. */
    default Optional<ResponseCache> cache() {
        return Optional.empty();
    }

    /** An observer of every request and upstream attempt. */
    default Optional<Observer> observer() {
        return Optional.empty();
    }

    /** The router that orders targets; at most one plugin may take this role (else the built-in weighted router). */
    default Optional<Router> router() {
        return Optional.empty();
    }

    /** An authenticator, asked in the order of the {@code plugins:} list before hooks on every route. */
    default Optional<Authenticator> authenticator() {
        return Optional.empty();
    }

    /** HTTP routes this plugin serves; two plugins claiming one route is a config error naming both. */
    default List<Endpoint> endpoints() {
        return List.of();
    }

    /** Releases resources once no request uses this instance any more. */
    @Override
    default void close() {
    }
}
