package io.heimdall.core.internal.engine;

import io.heimdall.core.internal.config.GatewayConfig;
import io.heimdall.core.internal.plugin.PluginRegistry;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a new user needs to see at start: which config file was loaded, the providers, aliases and plugins in force
 * (and plugin folders present but unused), the plugin routes, and a warning when the gateway listens beyond loopback
 * with no authenticator.
 */
public final class StartupReport {
    private StartupReport() {
    }

    /** Logs the {@link #lines report} to {@code log}: warnings at WARNING, the rest at INFO. */
    public static void log(System.Logger log, Generation g, Path configFile, PluginRegistry registry, String host) {
        for (String line : lines(g, configFile, registry, host)) {
            boolean warning = line.startsWith("WARNING:");
            log.log(warning ? System.Logger.Level.WARNING : System.Logger.Level.INFO,
                    warning ? line.substring(9) : line);
        }
    }

    /**
     * The report's lines.
     *
     * @param g             the generation in force
     * @param configFile    the config file
     * @param registry      the factories in force, with the folders they came from
     * @param host          the listen address
     * @return one line per fact, to log at INFO (warnings start with {@code WARNING:})
     */
    public static List<String> lines(Generation g, Path configFile, PluginRegistry registry, String host) {
        Collection<String> loadedFolders = registry.loadedFolders();
        List<String> out = new ArrayList<>();
        GatewayConfig c = g.config;
        out.add("Config loaded from " + configFile.toAbsolutePath());
        List<String> providers = new ArrayList<>();
        for (Generation.ProviderSlot p : g.providers.values()) {
            long usable = p.keys().stream().filter(k -> k.problem().isEmpty()).count();
            providers.add(p.name() + " (" + p.type() + (p.keys().isEmpty() ? "" : ", " + usable + "/"
                    + p.keys().size() + " keys usable") + ")");
        }
        out.add("Providers: " + (providers.isEmpty() ? "none" : String.join(", ", providers)));
        out.add("Model aliases: " + (c.models().isEmpty() ? "none" : String.join(", ", c.models().keySet())));
        Set<String> used = new LinkedHashSet<>();
        c.plugins().forEach(p -> used.add(p.id()));
        c.router().ifPresent(r -> used.add(r.id()));
        out.add("Plugins in force: " + (used.isEmpty() ? "none" : String.join(", ", used)));
        // A folder is in use when a factory it provides is: a provider type or a plugin id of the config.
        Set<String> origins = new LinkedHashSet<>();
        c.providers().values().forEach(p -> registry.find(PluginRegistry.Kind.PROVIDER, p.type())
                .ifPresent(e -> origins.add(e.origin())));
        used.forEach(id -> registry.find(PluginRegistry.Kind.PLUGIN, id).ifPresent(e -> origins.add(e.origin())));
        List<String> unused = new ArrayList<>();
        for (String folder : loadedFolders) {
            if (origins.stream().noneMatch(o -> o.equals("plugin folder '" + folder + "'"))) {
                unused.add(folder);
            }
        }
        if (!unused.isEmpty()) {
            out.add("Plugin folders present but not used by the config: " + String.join(", ", unused));
        }
        List<String> admin = g.routes().all().stream()
                .filter(r -> r.endpoint().access() == io.heimdall.api.endpoint.Access.ADMIN)
                .map(r -> r.endpoint().path().replaceFirst("^(/[^/]+/[^/]+).*", "$1/*")).distinct().toList();
        if (!admin.isEmpty()) {
            out.add("Admin routes (" + String.join(", ", admin) + "): " + (c.adminToken().isPresent()
                    ? "need the admin token (admin.token)" : !g.authenticatorList().isEmpty()
                    ? "need a caller with the tag 'admin'"
                    : "answer only on loopback addresses: no admin.token is configured"));
        }
        if (!g.routes.all().isEmpty()) {
            List<String> routes = new ArrayList<>();
            g.routes.all().forEach(r -> routes.add(r.endpoint().describe() + " (" + r.pluginId() + ")"));
            out.add("Plugin routes: " + String.join(", ", routes));
        }
        if (!isLoopback(host) && g.authenticators.isEmpty()) {
            out.add("WARNING: listening on " + host + " with no authenticator configured: anyone who can reach this "
                    + "address can use every configured provider and key. Add an authenticator plugin, or listen on "
                    + "127.0.0.1.");
        }
        return out;
    }

    static boolean isLoopback(String host) {
        return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
    }
}
