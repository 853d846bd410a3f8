package io.heimdall.core.internal.engine;

import io.heimdall.api.cache.CacheFactory;
import io.heimdall.api.cache.ResponseCache;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.hook.HookFactory;
import io.heimdall.api.observe.Observer;
import io.heimdall.api.observe.ObserverFactory;
import io.heimdall.api.plugin.GatewayClient;
import io.heimdall.api.plugin.Metrics;
import io.heimdall.api.plugin.PluginFactory;
import io.heimdall.api.plugin.Secret;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderFactory;
import io.heimdall.api.route.Router;
import io.heimdall.api.route.RouterFactory;
import io.heimdall.api.wire.OpenAiWire;
import io.heimdall.core.internal.config.ConfigException;
import io.heimdall.core.internal.config.ConfigView;
import io.heimdall.core.internal.config.GatewayConfig;
import io.heimdall.core.internal.config.Problems;
import io.heimdall.core.internal.config.SecretResolver;
import io.heimdall.core.internal.plugin.PluginRegistry;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a {@link Generation} from a config: finds each factory, validates each plugin's config against its spec,
 * then creates the instances. Reports every problem at once with its path; on failure nothing is left open.
 */
public final class GenerationBuilder {
    private static final System.Logger LOG = System.getLogger(GenerationBuilder.class.getName());

    private final PluginRegistry registry;
    private final SecretResolver secrets;
    private final OpenAiWire wire;
    private final GatewayClient gateway;

    /** A builder using the given factories, secrets, codec and self-client for plugin contexts. */
    public GenerationBuilder(PluginRegistry registry, SecretResolver secrets, OpenAiWire wire, GatewayClient gateway) {
        this.registry = registry;
        this.secrets = secrets;
        this.wire = wire;
        this.gateway = gateway;
    }

    /** Builds the generation or throws {@link ConfigException} listing every problem. */
    public Generation build(GatewayConfig config) {
        return build(config, new Problems());
    }

    /**
     * Validates every plugin's config, adding to the problems already found (for example by the loader), and builds
     * the generation only if there are none; else throws {@link ConfigException} listing them all.
     */
    public Generation build(GatewayConfig config, Problems problems) {
        validate(config, problems);
        problems.throwIfAny();

        List<AutoCloseable> resources = new ArrayList<>();
        UpstreamClients clients = new UpstreamClients(config.server().connectTimeout());
        resources.add(clients);
        try {
            Map<String, Generation.ProviderSlot> providers = new LinkedHashMap<>();
            for (GatewayConfig.ProviderEntry p : config.providers().values()) {
                String path = "providers." + p.name();
                ProviderFactory factory = (ProviderFactory) registry.find(PluginRegistry.Kind.PROVIDER, p.type())
                        .orElseThrow().factory();
                Optional<Provider> provider = create(factory, path, p.config(), p.name(), clients, problems);
                if (provider.isEmpty()) {
                    continue;
                }
                resources.add(provider.get());
                List<Generation.KeySlot> keys = new ArrayList<>();
                for (GatewayConfig.KeyEntry k : p.keys()) {
                    StringBuilder missing = new StringBuilder();
                    Optional<String> value = secrets.resolve(k.reference(), missing);
                    Optional<String> problem = value.isEmpty()
                            ? Optional.of("environment variable " + missing + " is not set")
                            : value.get().isEmpty() ? Optional.of("the key is empty") : Optional.empty();
                    problem.ifPresent(why -> LOG.log(System.Logger.Level.WARNING,
                            "Key {0} cannot be used: {1}", k.id(), why));
                    keys.add(new Generation.KeySlot(k, Secret.of(value.orElse("")), problem));
                }
                providers.put(p.name(), new Generation.ProviderSlot(p.name(), p.type(), provider.get(),
                        List.copyOf(keys)));
            }
            List<Generation.NamedHook> hooks = new ArrayList<>();
            List<Observer> observers = new ArrayList<>();
            ResponseCache cache = null;
            for (GatewayConfig.PluginEntry e : config.plugins()) {
                PluginRegistry.Entry entry = pluginEntry(e.id()).orElseThrow();
                Optional<? extends AutoCloseable> made = create(entry.factory(), e.path(), e.config(), e.id(),
                        clients, problems);
                if (made.isEmpty()) {
                    continue;
                }
                resources.add(made.get());
                switch (made.get()) {
                    case Hook h -> hooks.add(new Generation.NamedHook(e.id(), h));
                    case ResponseCache c -> {
                        if (cache == null) {
                            cache = c;
                        } else {
                            problems.add(e.path(), "only one cache plugin may be configured");
                        }
                    }
                    case Observer o -> observers.add(o);
                    default -> problems.add(e.path(), "plugin '" + e.id() + "' is not a hook, cache or observer");
                }
            }
            Router router = new WeightedRouter();
            if (config.router().isPresent()) {
                GatewayConfig.PluginEntry r = config.router().get();
                RouterFactory factory = (RouterFactory) registry.find(PluginRegistry.Kind.ROUTER, r.id())
                        .orElseThrow().factory();
                Optional<Router> made = create(factory, r.path(), r.config(), r.id(), clients, problems);
                if (made.isPresent()) {
                    router = made.get();
                    resources.add(router);
                }
            }
            problems.throwIfAny();
            return new Generation(config, Map.copyOf(providers), List.copyOf(hooks), Optional.ofNullable(cache),
                    router, List.copyOf(observers), resources);
        } catch (RuntimeException e) {
            new Generation(config, Map.of(), List.of(), Optional.empty(), new WeightedRouter(), List.of(), resources)
                    .close();
            throw e;
        }
    }

    private <T extends AutoCloseable> Optional<T> create(PluginFactory<T> factory, String path,
                                                         Map<String, Object> config, String name,
                                                         UpstreamClients clients, Problems problems) {
        ConfigView view = new ConfigView(path, config, factory.configSpec(), secrets);
        CorePluginContext context = new CorePluginContext(name, secrets, clients, wire, Metrics.noop(), gateway);
        try {
            return Optional.of(factory.create(view, context));
        } catch (RuntimeException e) {
            String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            problems.add(path, "could not be created: " + msg);
            LOG.log(System.Logger.Level.DEBUG, "Creating " + path + " failed", e);
            return Optional.empty();
        }
    }

    private Optional<PluginRegistry.Entry> pluginEntry(String id) {
        return registry.find(PluginRegistry.Kind.HOOK, id)
                .or(() -> registry.find(PluginRegistry.Kind.CACHE, id))
                .or(() -> registry.find(PluginRegistry.Kind.OBSERVER, id));
    }

    private void validate(GatewayConfig config, Problems problems) {
        for (GatewayConfig.ProviderEntry p : config.providers().values()) {
            String path = "providers." + p.name();
            Optional<PluginRegistry.Entry> f = registry.find(PluginRegistry.Kind.PROVIDER, p.type());
            if (f.isEmpty()) {
                problems.add(path + ".type", "unknown provider type '" + p.type() + "' (available: "
                        + String.join(", ", registry.all(PluginRegistry.Kind.PROVIDER).keySet()) + ")"
                        + failureHint(p.type()));
                continue;
            }
            ConfigView.validate(path, p.config(), f.get().factory().configSpec(), secrets, problems);
        }
        for (GatewayConfig.PluginEntry e : config.plugins()) {
            Optional<PluginRegistry.Entry> f = pluginEntry(e.id());
            if (f.isEmpty()) {
                List<String> ids = new ArrayList<>();
                ids.addAll(registry.all(PluginRegistry.Kind.HOOK).keySet());
                ids.addAll(registry.all(PluginRegistry.Kind.CACHE).keySet());
                ids.addAll(registry.all(PluginRegistry.Kind.OBSERVER).keySet());
                problems.add(e.path().replaceFirst("\\.config$", ".id"), "no loaded plugin has id '" + e.id()
                        + "' (available: " + (ids.isEmpty() ? "none" : String.join(", ", ids)) + ")"
                        + failureHint(e.id()));
                continue;
            }
            ConfigView.validate(e.path(), e.config(), f.get().factory().configSpec(), secrets, problems);
        }
        config.router().ifPresent(r -> {
            Optional<PluginRegistry.Entry> f = registry.find(PluginRegistry.Kind.ROUTER, r.id());
            if (f.isEmpty()) {
                problems.add("router.id", "no loaded router has id '" + r.id() + "'" + failureHint(r.id()));
            } else {
                ConfigView.validate(r.path(), r.config(), f.get().factory().configSpec(), secrets, problems);
            }
        });
    }

    private String failureHint(String id) {
        return registry.failureFor(id).map(f -> "; plugin folder '" + f.folder() + "' failed to load: " + f.reason())
                .orElse("");
    }
}
