package io.heimdall.core.internal.engine;

import io.heimdall.api.GatewayException;
import io.heimdall.api.RequestContext;
import io.heimdall.api.auth.Authenticator;
import io.heimdall.api.cache.ResponseCache;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.observe.Observer;
import io.heimdall.api.provider.ApiKey;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.route.Router;
import io.heimdall.api.route.Target;
import io.heimdall.core.internal.config.GatewayConfig;
import io.heimdall.core.internal.resilience.ResilienceSettings;
import io.heimdall.core.internal.resilience.RetrySettings;
import io.heimdall.core.internal.resilience.TargetSpec;

import java.time.Duration;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One applied config: the providers, hooks, cache, router, observers, authenticators and plugin routes in force.
 * Requests hold the generation they started on; a reload installs a new one and the old one lets go of its instances
 * when its last request ends (instances the new generation shares stay open).
 */
public final class Generation {
    /**
     * A configured provider.
     *
     * @param name     the configured name
     * @param type     the provider type
     * @param provider the instance
     * @param keys     its keys
     * @param settings its resilience settings
     */
    record ProviderSlot(String name, String type, Provider provider, List<KeySlot> keys, ProviderSettings settings) {
        Optional<ApiKey> key(String keyName) {
            for (KeySlot k : keys) {
                if (k.entry().id().equals(keyName)) {
                    return Optional.of(k.apiKey());
                }
            }
            return Optional.empty();
        }
    }

    /**
     * A provider's resilience settings in force.
     *
     * @param resilience       retries, breaker, bulkhead, key cooldown, outlier ejection
     * @param firstByteTimeout the longest wait for an upstream's response headers
     * @param idleTimeout      the longest wait for the next bytes of a body or stream
     */
    record ProviderSettings(ResilienceSettings resilience, Duration firstByteTimeout, Duration idleTimeout) {
        RetrySettings retries() {
            return resilience.retries();
        }
    }

    /**
     * A resolved key.
     *
     * @param entry   the config entry
     * @param apiKey  the resolved credential
     * @param problem why it cannot be used (for example an unset variable), if so
     */
    record KeySlot(GatewayConfig.KeyEntry entry, ApiKey apiKey, Optional<String> problem) {
    }

    /**
     * A role with the id of the plugin that plays it.
     *
     * @param id   the plugin id
     * @param role the role
     * @param <T>  the role type
     */
    record Named<T>(String id, T role) {
    }

    private static final java.util.regex.Pattern SAFE_MODEL =
            java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@/+-]{0,255}");

    final GatewayConfig config;
    final Map<String, ProviderSlot> providers;
    final List<Named<Hook>> hooks;
    /** Whether a hook overrides {@code onChunk} or {@code onResponse}: then a stream's chunks must be objects. */
    final boolean hooksSeeStreams;
    final Optional<Named<ResponseCache>> cache;
    final Router router;
    final List<Named<Observer>> observers;
    final List<Named<Authenticator>> authenticators;
    final PluginRoutes routes;
    private final List<NamedAuthenticator> authList;
    private final List<Instances.Lease<?>> leases;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean retired = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    Generation(GatewayConfig config, Map<String, ProviderSlot> providers, List<Named<Hook>> hooks,
               Optional<Named<ResponseCache>> cache, Router router, List<Named<Observer>> observers,
               List<Named<Authenticator>> authenticators, PluginRoutes routes, List<Instances.Lease<?>> leases) {
        this.config = config;
        this.providers = providers;
        this.hooks = hooks;
        this.hooksSeeStreams = hooks.stream().anyMatch(h -> seesStreams(h.role()));
        this.cache = cache;
        this.router = router;
        this.observers = observers;
        this.authenticators = authenticators;
        this.authList = authenticators.stream().map(a -> new NamedAuthenticator(a.id(), a.role())).toList();
        this.routes = routes;
        this.leases = leases;
    }

    /**
     * Whether {@code hook} (unwrapped from its fail-open guard) overrides {@code onChunk} or {@code onResponse}, the
     * methods that see a stream's chunks or the response rebuilt from them; a hook that only looks at requests does
     * not keep a stream from being relayed untouched.
     */
    static boolean seesStreams(Hook hook) {
        Hook h = hook instanceof FailOpenHook f ? f.delegate() : hook;
        try {
            return h.getClass().getMethod("onChunk", ChatChunk.class, RequestContext.class)
                    .getDeclaringClass() != Hook.class
                    || h.getClass().getMethod("onResponse", ChatRequest.class, ChatResponse.class,
                    RequestContext.class).getDeclaringClass() != Hook.class;
        } catch (NoSuchMethodException | SecurityException e) {
            return true;
        }
    }

    /** The config this generation was built from. */
    public GatewayConfig config() {
        return config;
    }

    /** The plugin routes of this generation. */
    public PluginRoutes routes() {
        return routes;
    }

    /** Whether any authenticator is configured. */
    public boolean authenticates() {
        return !authenticators.isEmpty();
    }

    /**
     * An authenticator with the id of its plugin.
     *
     * @param id            the plugin id
     * @param authenticator the authenticator
     */
    public record NamedAuthenticator(String id, Authenticator authenticator) {
    }

    /** The authenticators, in config order. */
    public List<NamedAuthenticator> authenticatorList() {
        return authList;
    }

    /** Counts a request in; false if the generation was retired meanwhile (the caller takes the new one). */
    boolean enter() {
        inFlight.incrementAndGet();
        if (retired.get()) {
            exit();
            return false;
        }
        return true;
    }

    /** Counts a request out; closes a retired generation when its last request ends. */
    void exit() {
        if (inFlight.decrementAndGet() == 0 && retired.get()) {
            close();
        }
    }

    /** Marks the generation as replaced; it closes once no request uses it. */
    void retire() {
        retired.set(true);
        if (inFlight.get() == 0) {
            close();
        }
    }

    /** Requests currently using this generation. */
    int inFlight() {
        return inFlight.get();
    }

    /** Lets go of every instance, in reverse order of creation; those no other generation holds are closed. */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (int i = leases.size() - 1; i >= 0; i--) {
            leases.get(i).release();
        }
    }

    /**
     * The candidate targets of a model name: an alias's targets then its fallbacks (each a further priority group),
     * or {@code provider/model}. Each provider target is expanded to one target per key that serves the model.
     */
    List<Target> candidates(String model) {
        GatewayConfig.Alias alias = config.models().get(model);
        List<Target> out = new ArrayList<>();
        List<String> keyProblems = new ArrayList<>();
        if (alias != null) {
            int last = 0;
            for (GatewayConfig.AliasTarget t : alias.targets()) {
                expand(t.provider(), t.model(), t.weight(), t.priority(), out, keyProblems);
                last = Math.max(last, t.priority());
            }
            // The alias's fallbacks: each a further priority group after its targets, in order.
            for (String fallback : alias.fallbacks()) {
                last++;
                List<Target> group;
                try {
                    group = config.models().containsKey(fallback) && !fallback.equals(model)
                            ? candidates(fallback) : direct(fallback, keyProblems);
                } catch (GatewayException e) {
                    keyProblems.add(fallback + ": " + e.error().message());
                    continue;
                }
                for (Target t : group) {
                    out.add(new Target(t.provider(), t.model(), t.keyName(), t.weight(), last));
                }
            }
        } else {
            int slash = model.indexOf('/');
            String provider = slash > 0 ? model.substring(0, slash) : "";
            if (slash <= 0 || slash == model.length() - 1 || !providers.containsKey(provider)) {
                throw new GatewayException(GatewayError.modelNotFound(model));
            }
            String upstream = model.substring(slash + 1);
            if (!SAFE_MODEL.matcher(upstream).matches() || upstream.contains("..")) {
                // Providers put model names in URL paths (Gemini, Bedrock, Azure): no traversal, query or escapes.
                throw new GatewayException(GatewayError.invalidRequest("The model name '" + sanitize(model)
                        + "' contains characters a model name cannot have (allowed: letters, digits and . _ - : @ / +)",
                        "model"));
            }
            expand(provider, upstream, 1, 0, out, keyProblems);
        }
        if (out.isEmpty()) {
            String reason = keyProblems.isEmpty() ? "no configured key serves it" : String.join("; ", keyProblems);
            throw new GatewayException(GatewayError.of(401, GatewayError.AUTHENTICATION,
                    "No usable API key for model '" + model + "': " + reason, "no_usable_key"));
        }
        return out;
    }

    /** Every (provider, key) target of this generation, for the health registry. */
    List<TargetSpec> targetSpecs() {
        List<TargetSpec> out = new ArrayList<>();
        for (ProviderSlot slot : providers.values()) {
            if (slot.keys().isEmpty()) {
                out.add(new TargetSpec(slot.name(), "", ""));
            }
            for (KeySlot k : slot.keys()) {
                out.add(new TargetSpec(slot.name(), k.entry().id(), k.apiKey().value()
                        .map(TargetSpec::fingerprint).orElse("")));
            }
        }
        return out;
    }

    /** The resilience settings per provider. */
    Map<String, ResilienceSettings> resilienceSettings() {
        Map<String, ResilienceSettings> out = new java.util.HashMap<>();
        providers.values().forEach(p -> out.put(p.name(), p.settings().resilience()));
        return out;
    }

    /** The problems of keys that could not be used for a model, to explain a failure to the client. */
    List<String> keyProblems(String model) {
        List<String> problems = new ArrayList<>();
        for (ProviderSlot slot : providers.values()) {
            for (KeySlot k : slot.keys()) {
                if (k.problem().isPresent() && k.entry().serves(model)) {
                    problems.add(k.entry().id() + ": " + k.problem().get());
                }
            }
        }
        return problems;
    }

    private List<Target> direct(String model, List<String> keyProblems) {
        int slash = model.indexOf('/');
        List<Target> out = new ArrayList<>();
        if (slash > 0 && providers.containsKey(model.substring(0, slash))) {
            expand(model.substring(0, slash), model.substring(slash + 1), 1, 0, out, keyProblems);
        }
        return out;
    }

    private static String sanitize(String text) {
        String t = text.length() > 100 ? text.substring(0, 100) + "..." : text;
        return t.replaceAll("[^\\x20-\\x7e]", "?");
    }

    private void expand(String provider, String model, double weight, int priority, List<Target> out,
                        List<String> keyProblems) {
        ProviderSlot slot = providers.get(provider);
        if (slot.keys().isEmpty()) {
            out.add(new Target(provider, model, "", weight, priority));
            return;
        }
        for (KeySlot k : slot.keys()) {
            if (!k.entry().serves(model)) {
                continue;
            }
            if (k.problem().isPresent()) {
                keyProblems.add(k.entry().id() + ": " + k.problem().get());
                continue;
            }
            out.add(new Target(provider, model, k.entry().id(), weight * k.entry().weight(), priority));
        }
    }
}
