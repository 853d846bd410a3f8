package io.heimdall.core.internal.plugin;

import io.heimdall.core.internal.config.GatewayConfig;

import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Which plugin folders a config needs at start, guessed by name before any folder is loaded: the folder named like a
 * plugin id ({@code plugins[].id}, the router's id), or like a provider type, or a prefix of one up to a dash
 * ({@code openai} for {@code openai-compatible}). A wrong guess costs time, never correctness: a start whose config
 * does not validate against the folders loaded first loads them all and validates again.
 */
public final class UsedFolders {
    private UsedFolders() {
    }

    /** The folders {@code config} names. */
    public static Predicate<String> of(GatewayConfig config) {
        Set<String> ids = new HashSet<>();
        config.plugins().forEach(p -> ids.add(p.id()));
        config.router().ifPresent(r -> ids.add(r.id()));
        Set<String> types = new HashSet<>();
        config.providers().values().forEach(p -> types.add(p.type()));
        return name -> {
            String id = name.endsWith(".jar") ? name.substring(0, name.length() - 4) : name;
            return ids.contains(id) || types.stream().anyMatch(t -> t.equals(id) || t.startsWith(id + "-"));
        };
    }
}
