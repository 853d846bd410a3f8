package io.heimdall.core.internal.engine;

import io.heimdall.api.auth.Authenticator;
import io.heimdall.api.cache.ResponseCache;
import io.heimdall.api.endpoint.Endpoint;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.observe.Observer;
import io.heimdall.api.admin.GatewayAdmin;
import io.heimdall.api.plugin.Factory;
import io.heimdall.api.plugin.GatewayClient;
import io.heimdall.api.plugin.Pipeline;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginFactory;
import io.heimdall.api.plugin.Secret;
import io.heimdall.api.provider.ApiKey;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderFactory;
import io.heimdall.api.route.Router;
import io.heimdall.api.wire.OpenAiWire;
import io.heimdall.core.internal.config.ConfigException;
import io.heimdall.core.internal.config.ConfigView;
import io.heimdall.core.internal.config.GatewayConfig;
import io.heimdall.core.internal.config.Problems;
import io.heimdall.core.internal.config.SecretResolver;
import io.heimdall.core.internal.metrics.MetricsRegistry;
import io.heimdall.core.internal.plugin.PluginRegistry;
import io.heimdall.core.internal.resilience.BreakerSettings;
import io.heimdall.core.internal.resilience.BulkheadSettings;
import io.heimdall.core.internal.resilience.CooldownSettings;
import io.heimdall.core.internal.resilience.OutlierSettings;
import io.heimdall.core.internal.resilience.ResilienceSettings;
import io.heimdall.core.internal.resilience.RetrySettings;

import java.time.Duration;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Builds a {@link Generation} from a config: finds each factory, validates each entry's config against its spec,
 * then takes the instances — the live ones for entries that did not change, new ones for the others — and wires each
 * plugin's declared roles. Reports every problem at once with its path; on failure nothing new is left open.
 */
public final class GenerationBuilder {
    private final Optional<GatewayAdmin> admin;
    private static final System.Logger LOG = System.getLogger(GenerationBuilder.class.getName());

    private final Supplier<PluginRegistry> registry;
    private final SecretResolver secrets;
    private final OpenAiWire wire;
    private final GatewayClient gateway;
    private final Pipeline pipeline;
    private final MetricsRegistry metrics;
    private final Instances instances = new Instances();

    /**
     * A builder.
     *
     * @param registry the factories in force (they may change when plugin folders are reloaded)
     * @param secrets  resolves {@code ${env:...}}
     * @param wire     the codec lent to plugins
     * @param gateway  the gateway calling itself, lent to plugins
     * @param pipeline the whole pipeline, lent to plugins
     * @param metrics  the registry lent to plugins
     */
    public GenerationBuilder(Supplier<PluginRegistry> registry, SecretResolver secrets, OpenAiWire wire,
                             GatewayClient gateway, Pipeline pipeline, MetricsRegistry metrics) {
        this(registry, secrets, wire, gateway, pipeline, metrics, Optional.empty());
    }

    /** As the other constructor, lending {@code admin} to every plugin's context. */
    public GenerationBuilder(Supplier<PluginRegistry> registry, SecretResolver secrets, OpenAiWire wire,
                             GatewayClient gateway, Pipeline pipeline, MetricsRegistry metrics,
                             Optional<GatewayAdmin> admin) {
        this.admin = admin;
        this.registry = registry;
        this.secrets = secrets;
        this.wire = wire;
        this.gateway = gateway;
        this.pipeline = pipeline;
        this.metrics = metrics;
    }

    /** Builds the generation or throws {@link ConfigException} listing every problem. */
    public Generation build(GatewayConfig config) {
        return build(config, new Problems());
    }

    /** Live provider and plugin instances across all generations (for tests). */
    public int liveInstances() {
        return instances.size();
    }

    /**
     * Validates every entry's config, adding to the problems already found (for example by the loader), and builds
     * the generation only if there are none; else throws {@link ConfigException} listing them all.
     */
    public Generation build(GatewayConfig config, Problems problems) {
        return build(config, problems, registry.get());
    }

    /**
     * Checks a config against {@code factories} without creating any instance: every plugin's and provider's keys,
     * types and references. What only creating an instance can tell (a constructor refusing) is not checked.
     */
    public void check(GatewayConfig config, Problems problems, PluginRegistry factories) {
        List<GatewayConfig.PluginEntry> pluginEntries = new ArrayList<>(config.plugins());
        config.router().ifPresent(pluginEntries::add);
        validate(factories, config, pluginEntries, problems);
    }

    /**
     * As {@link #build(GatewayConfig, Problems)}, against {@code factories} instead of the registry in force: a reload
     * that also rescanned the plugin folders validates the config against the registry it is about to put in force.
     */
    public Generation build(GatewayConfig config, Problems problems, PluginRegistry factories) {
        List<GatewayConfig.PluginEntry> pluginEntries = new ArrayList<>(config.plugins());
        config.router().ifPresent(pluginEntries::add);
        validate(factories, config, pluginEntries, problems);
        problems.throwIfAny();

        List<Instances.Lease<?>> leases = new ArrayList<>();
        try {
            Map<String, Generation.ProviderSlot> providers = new LinkedHashMap<>();
            for (GatewayConfig.ProviderEntry p : config.providers().values()) {
                String path = "providers." + p.name();
                ProviderFactory factory = (ProviderFactory) factories.find(PluginRegistry.Kind.PROVIDER, p.type())
                        .orElseThrow().factory();
                int maxConnections = maxConnections(p);
                Object fingerprint = List.of(p.type(), p.config(), config.server().connectTimeout(), maxConnections);
                Optional<Instances.Lease<Provider>> lease = lease("provider", p.name(), factory, fingerprint, path,
                        p.config(), p.name(), config, maxConnections, problems);
                if (lease.isEmpty()) {
                    continue;
                }
                leases.add(lease.get());
                providers.put(p.name(), new Generation.ProviderSlot(p.name(), p.type(), lease.get().instance(),
                        keys(p), settings(config, p)));
            }
            List<Generation.Named<Hook>> hooks = new ArrayList<>();
            List<Generation.Named<Observer>> observers = new ArrayList<>();
            List<Generation.Named<Authenticator>> authenticators = new ArrayList<>();
            Generation.Named<ResponseCache> cache = null;
            Generation.Named<Router> router = null;
            PluginRoutes routes = new PluginRoutes();
            Map<String, Integer> seen = new LinkedHashMap<>();
            for (GatewayConfig.PluginEntry e : pluginEntries) {
                // Identity across reloads: the id and its occurrence, so moving an entry in the list keeps it.
                String name = e.id() + "#" + seen.merge(e.id(), 1, Integer::sum);
                PluginFactory factory = (PluginFactory) factories.find(PluginRegistry.Kind.PLUGIN, e.id())
                        .orElseThrow().factory();
                Optional<Instances.Lease<Plugin>> lease = lease("plugin", name, factory,
                        List.of(e.id(), e.config()), e.path(), e.config(), e.id(), config, 1024, problems);
                if (lease.isEmpty()) {
                    continue;
                }
                leases.add(lease.get());
                Plugin plugin = lease.get().instance();
                String id = e.id();
                int roles = 0;
                try {
                    Optional<Hook> hook = plugin.hook();
                    if (hook.isPresent()) {
                        hooks.add(new Generation.Named<>(id, hook.get()));
                        roles++;
                    }
                    Optional<Observer> observer = plugin.observer();
                    if (observer.isPresent()) {
                        observers.add(new Generation.Named<>(id, observer.get()));
                        roles++;
                    }
                    Optional<Authenticator> auth = plugin.authenticator();
                    if (auth.isPresent()) {
                        authenticators.add(new Generation.Named<>(id, auth.get()));
                        roles++;
                    }
                    Optional<ResponseCache> c = plugin.cache();
                    if (c.isPresent()) {
                        roles++;
                        if (cache != null) {
                            problems.add(e.path(), "plugins '" + cache.id() + "' and '" + id + "' are both caches; "
                                    + "only one cache may be configured");
                        } else {
                            cache = new Generation.Named<>(id, c.get());
                        }
                    }
                    Optional<Router> r = plugin.router();
                    if (r.isPresent()) {
                        roles++;
                        if (router != null) {
                            problems.add(e.path(), "plugins '" + router.id() + "' and '" + id + "' are both routers; "
                                    + "only one router may be configured");
                        } else {
                            router = new Generation.Named<>(id, r.get());
                        }
                    }
                    for (Endpoint endpoint : plugin.endpoints()) {
                        roles++;
                        routes.add(id, endpoint).ifPresent(msg -> problems.add(e.path(), msg));
                    }
                } catch (RuntimeException ex) {
                    problems.add(e.path(), "plugin '" + id + "' failed to declare its roles: " + message(ex));
                    continue;
                }
                if (roles == 0) {
                    LOG.log(System.Logger.Level.WARNING, "Plugin {0} at {1} takes no role (no hook, cache, observer, "
                            + "router, authenticator or route)", id, e.path());
                }
            }
            problems.throwIfAny();
            for (PluginRoutes.Route r : routes.all()) {
                LOG.log(System.Logger.Level.DEBUG, "Route {0} served by plugin {1}", r.endpoint().describe(),
                        r.pluginId());
            }
            return new Generation(config, Map.copyOf(providers), List.copyOf(hooks), Optional.ofNullable(cache),
                    router == null ? new WeightedRouter() : router.role(), List.copyOf(observers),
                    List.copyOf(authenticators), routes, List.copyOf(leases));
        } catch (RuntimeException e) {
            for (int i = leases.size() - 1; i >= 0; i--) {
                leases.get(i).release();
            }
            throw e;
        }
    }

    private static int maxConnections(GatewayConfig.ProviderEntry p) {
        return p.routing().maxConnections();
    }

    /** The provider's effective {@code routing} settings as the resilience parts take them. */
    static Generation.ProviderSettings settings(GatewayConfig config, GatewayConfig.ProviderEntry p) {
        GatewayConfig.Routing r = p.routing();
        GatewayConfig.Retries re = r.retries();
        GatewayConfig.CircuitBreaker cb = r.circuitBreaker();
        GatewayConfig.Bulkhead bh = r.bulkhead();
        GatewayConfig.OutlierEjection oe = r.outlierEjection();
        ResilienceSettings settings = new ResilienceSettings(
                new RetrySettings(re.max(), re.initialBackoff(), re.maxBackoff(), re.jitter(), re.maxRetryAfter()),
                new BreakerSettings(cb.enabled(), cb.consecutiveFailures(), cb.errorRate(), cb.window(),
                        cb.minRequests(), cb.openFor(), cb.halfOpenProbes()),
                new BulkheadSettings(bh.maxConcurrency(), bh.maxQueue(), bh.queueTimeout()),
                new CooldownSettings(r.keyCooldown().initial(), r.keyCooldown().max()),
                new OutlierSettings(oe.enabled(), oe.consecutiveFailures(), oe.ejectFor()));
        return new Generation.ProviderSettings(settings, r.timeouts().firstByte(), r.timeouts().idle());
    }

    /**
     * Resolves each key: its {@code value} and its other fields. A key whose referenced environment variable is unset
     * or whose value is empty stays listed with the problem, so a client whose every target fails is told why.
     */
    private List<Generation.KeySlot> keys(GatewayConfig.ProviderEntry p) {
        List<Generation.KeySlot> keys = new ArrayList<>();
        for (GatewayConfig.KeyEntry k : p.keys()) {
            List<String> problems = new ArrayList<>();
            Optional<Secret> value = Optional.empty();
            if (!k.reference().isEmpty()) {
                value = resolve(k.reference(), "value", problems);
            }
            Map<String, Secret> fields = new LinkedHashMap<>();
            for (Map.Entry<String, String> f : k.fields().entrySet()) {
                resolve(f.getValue(), f.getKey(), problems).ifPresent(v -> fields.put(f.getKey(), v));
            }
            if (k.reference().isEmpty() && k.fields().isEmpty()) {
                problems.add("the key has no value");
            }
            Optional<String> problem = problems.isEmpty() ? Optional.empty() : Optional.of(String.join(", ", problems));
            problem.ifPresent(why -> LOG.log(System.Logger.Level.WARNING, "Key {0} cannot be used: {1}", k.id(), why));
            keys.add(new Generation.KeySlot(k, new ApiKey(k.id(), value, fields), problem));
        }
        return List.copyOf(keys);
    }

    private Optional<Secret> resolve(String reference, String field, List<String> problems) {
        StringBuilder missing = new StringBuilder();
        Optional<String> v = secrets.resolve(reference, missing);
        if (v.isEmpty()) {
            problems.add(field + ": environment variable " + missing + " is not set");
            return Optional.empty();
        }
        if (v.get().isEmpty()) {
            problems.add(field + " is empty");
            return Optional.empty();
        }
        return Optional.of(Secret.of(v.get()));
    }

    private <T extends AutoCloseable> Optional<Instances.Lease<T>> lease(String kind, String name, Factory<T> factory,
                                                                      Object fingerprint, String path,
                                                                      Map<String, Object> config, String contextName,
                                                                      GatewayConfig gatewayConfig, int maxConnections,
                                                                      Problems problems) {
        Instances.Key key = new Instances.Key(kind, name, factory, fingerprint);
        try {
            return Optional.of(instances.acquire(key, () -> {
                ConfigView view = new ConfigView(path, config, factory.configSpec(), secrets);
                CorePluginContext context = new CorePluginContext(contextName, secrets,
                        new UpstreamClients(gatewayConfig.server().connectTimeout(), maxConnections, metrics), wire,
                        metrics, gateway, pipeline, admin);
                try {
                    T instance = factory.create(view, context);
                    if (instance == null) {
                        throw new IllegalStateException(factory.getClass().getName() + ".create returned null");
                    }
                    return new Instances.Made<>(instance, context);
                } catch (RuntimeException e) {
                    context.close();
                    throw e;
                }
            }));
        } catch (RuntimeException e) {
            problems.add(path, "could not be created: " + message(e));
            LOG.log(System.Logger.Level.DEBUG, "Creating " + path + " failed", e);
            return Optional.empty();
        }
    }

    private static String message(Throwable e) {
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private void validate(PluginRegistry factories, GatewayConfig config, List<GatewayConfig.PluginEntry> plugins,
                          Problems problems) {
        for (GatewayConfig.ProviderEntry p : config.providers().values()) {
            String path = "providers." + p.name();
            Optional<PluginRegistry.Entry> f = factories.find(PluginRegistry.Kind.PROVIDER, p.type());
            if (f.isEmpty()) {
                problems.add(path + ".type", "unknown provider type '" + p.type() + "' (available: "
                        + String.join(", ", factories.all(PluginRegistry.Kind.PROVIDER).keySet()) + ")"
                        + failureHint(factories, p.type()));
                continue;
            }
            ConfigView.validate(path, p.config(), f.get().factory().configSpec(), secrets, problems);
            io.heimdall.api.plugin.ConfigSpec keySpec = ((ProviderFactory) f.get().factory()).keySpec();
            for (int i = 0; i < p.keys().size(); i++) {
                Map<String, Object> fields = new LinkedHashMap<>(p.keys().get(i).fields());
                ConfigView.validate(path + ".keys[" + i + "]", fields, keySpec, secrets, problems);
            }
        }
        for (GatewayConfig.PluginEntry e : plugins) {
            Optional<PluginRegistry.Entry> f = factories.find(PluginRegistry.Kind.PLUGIN, e.id());
            if (f.isEmpty()) {
                List<String> ids = new ArrayList<>(factories.all(PluginRegistry.Kind.PLUGIN).keySet());
                problems.add(e.path().replaceFirst("\\.config$", "") + ".id", "no loaded plugin has id '" + e.id()
                        + "' (available: " + (ids.isEmpty() ? "none" : String.join(", ", ids)) + ")"
                        + failureHint(factories, e.id()));
                continue;
            }
            ConfigView.validate(e.path(), e.config(), f.get().factory().configSpec(), secrets, problems);
        }
    }

    private static String failureHint(PluginRegistry factories, String id) {
        return factories.failureFor(id).map(f -> "; plugin folder '" + f.folder() + "' failed to load: "
                + f.reason()).orElse("");
    }
}
