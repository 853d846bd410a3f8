package io.heimdall.core.internal.plugin;

import io.heimdall.api.plugin.Factory;
import io.heimdall.api.plugin.PluginFactory;
import io.heimdall.api.provider.ProviderFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every factory the gateway knows, by kind and id, with where it came from (a plugin folder or the boot layer), and
 * the plugin folders that failed to load with their reasons.
 */
public final class PluginRegistry {
    /** The kinds of factory, each with the SPI interface it is found by. */
    public enum Kind {
        /** Providers, referred to by {@code providers.<name>.type}. */
        PROVIDER(ProviderFactory.class),
        /** Plugins (hooks, caches, observers, routers, authenticators, routes), referred to by {@code plugins[].id}. */
        PLUGIN(PluginFactory.class);

        final Class<? extends Factory<?>> type;

        @SuppressWarnings({"unchecked", "rawtypes"})
        Kind(Class type) {
            this.type = type;
        }

        /** The SPI interface. */
        public Class<? extends Factory<?>> type() {
            return type;
        }
    }

    /**
     * A factory with its origin.
     *
     * @param kind    the kind
     * @param factory the factory
     * @param origin  the plugin folder name, or {@code built-in}
     */
    public record Entry(Kind kind, Factory<?> factory, String origin) {
    }

    /**
     * A plugin folder that could not be loaded.
     *
     * @param folder the folder (or jar) name
     * @param reason why
     */
    public record Failure(String folder, String reason) {
    }

    private final Map<Kind, Map<String, Entry>> entries = new LinkedHashMap<>();
    private final List<Failure> failures = new ArrayList<>();
    private final List<String> loadedFolders = new ArrayList<>();

    /** An empty registry. */
    public PluginRegistry() {
        for (Kind k : Kind.values()) {
            entries.put(k, new LinkedHashMap<>());
        }
    }

    /** Adds a factory; returns an error message if the id is already taken for that kind. */
    public Optional<String> add(Kind kind, Factory<?> factory, String origin) {
        Entry existing = entries.get(kind).get(factory.id());
        if (existing != null) {
            return Optional.of(kind.name().toLowerCase(java.util.Locale.ROOT) + " '" + factory.id()
                    + "' is already provided by " + existing.origin());
        }
        entries.get(kind).put(factory.id(), new Entry(kind, factory, origin));
        return Optional.empty();
    }

    /** A registry with the same factories, failures and loaded folders, to add more to without changing this one. */
    public PluginRegistry copy() {
        PluginRegistry c = new PluginRegistry();
        entries.forEach((k, m) -> c.entries.get(k).putAll(m));
        c.failures.addAll(failures);
        c.loadedFolders.addAll(loadedFolders);
        return c;
    }

    void fail(String folder, String reason) {
        failures.add(new Failure(folder, reason));
    }

    void loaded(String folder) {
        loadedFolders.add(folder);
    }

    /** A factory of a kind by id. */
    public Optional<Entry> find(Kind kind, String id) {
        return Optional.ofNullable(entries.get(kind).get(id));
    }

    /** Every factory of a kind, by id. */
    public Map<String, Entry> all(Kind kind) {
        return Collections.unmodifiableMap(entries.get(kind));
    }

    /** Plugin folders that failed to load. */
    public List<Failure> failures() {
        return List.copyOf(failures);
    }

    /** Plugin folders that loaded. */
    public List<String> loadedFolders() {
        return List.copyOf(loadedFolders);
    }

    /** The failure of a folder whose name matches an id, to explain why that id is missing. */
    public Optional<Failure> failureFor(String id) {
        return failures.stream().filter(f -> f.folder().equals(id) || f.folder().equals(id + ".jar")).findFirst();
    }
}
