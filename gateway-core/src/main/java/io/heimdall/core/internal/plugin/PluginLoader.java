package io.heimdall.core.internal.plugin;

import io.heimdall.api.plugin.Factory;

import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolutionException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Loads plugins. Each folder {@code plugins/<id>/} (a plugin jar plus its private dependencies), and each loose jar
 * directly in {@code plugins/}, becomes its own child {@link ModuleLayer} of the boot layer; factories are found with
 * {@link ServiceLoader#load(ModuleLayer, Class)}, keeping only those defined in that layer. A folder that fails is
 * recorded with its reason and the others still load.
 */
public final class PluginLoader {
    private static final System.Logger LOG = System.getLogger(PluginLoader.class.getName());

    private final ModuleLayer parent;

    /** A loader whose plugin layers have the given parent (the boot layer in production). */
    public PluginLoader(ModuleLayer parent) {
        this.parent = parent;
    }

    /**
     * Adds the factories that the parent layer itself provides (for embedding and tests) and, with the boot layer as
     * parent, those that jars on the class path declare in {@code META-INF/services} (an application that embeds the
     * gateway without modules).
     */
    public void loadBuiltIn(PluginRegistry registry) {
        for (PluginRegistry.Kind kind : PluginRegistry.Kind.values()) {
            ServiceLoader.load(parent, kind.type()).stream()
                    .filter(p -> p.type().getModule().getLayer() == parent)
                    .forEach(p -> registry.add(kind, p.get(), "built-in").ifPresent(
                            msg -> LOG.log(System.Logger.Level.WARNING, msg)));
            if (parent == ModuleLayer.boot()) {
                ServiceLoader.load(kind.type(), ClassLoader.getSystemClassLoader()).stream()
                        .filter(p -> !p.type().getModule().isNamed())
                        .forEach(p -> registry.add(kind, p.get(), "the class path").ifPresent(
                                msg -> LOG.log(System.Logger.Level.WARNING, msg)));
            }
        }
    }

    /** Loads every plugin folder and loose jar under {@code dir}; a missing dir loads nothing. */
    public void loadAll(Path dir, PluginRegistry registry) {
        if (!Files.isDirectory(dir)) {
            LOG.log(System.Logger.Level.INFO, "No plugins folder at {0}", dir);
            return;
        }
        List<Path> entries;
        try (Stream<Path> s = Files.list(dir)) {
            entries = s.filter(p -> Files.isDirectory(p) || p.getFileName().toString().endsWith(".jar"))
                    .sorted().toList();
        } catch (IOException e) {
            registry.fail(dir.toString(), "cannot list the plugins folder: " + e.getMessage());
            return;
        }
        for (Path entry : entries) {
            load(entry, registry);
        }
    }

    /** Loads one plugin folder or jar into its own layer. */
    public void load(Path pluginPath, PluginRegistry registry) {
        loadFolder(pluginPath, "").addTo(registry);
    }

    /**
     * Loads one plugin folder or jar into a new layer of its own, without adding it anywhere: the factories its
     * modules provide, or why it failed.
     *
     * @param pluginPath  the folder or loose jar
     * @param fingerprint what identifies its content (see {@link PluginFolders})
     */
    public PluginFolder loadFolder(Path pluginPath, String fingerprint) {
        String name = pluginPath.getFileName().toString();
        try {
            ModuleLayer layer = defineLayer(pluginPath);
            List<PluginFolder.Found> found = new ArrayList<>();
            for (PluginRegistry.Kind kind : PluginRegistry.Kind.values()) {
                for (ServiceLoader.Provider<? extends Factory<?>> p
                        : ServiceLoader.load(layer, kind.type()).stream().toList()) {
                    if (p.type().getModule().getLayer() != layer) {
                        continue;
                    }
                    found.add(new PluginFolder.Found(kind, p.get()));
                }
            }
            if (found.isEmpty()) {
                return PluginFolder.failed(name, fingerprint, "no module in it provides a Heimdall factory (a "
                        + "module-info.java with 'provides io.heimdall.api.provider.ProviderFactory with ...' or "
                        + "'provides io.heimdall.api.plugin.PluginFactory with ...')");
            }
            return new PluginFolder(name, fingerprint, List.copyOf(found), Optional.empty());
        } catch (FindException | ResolutionException | LayerInstantiationException | SecurityException
                 | ServiceConfigurationError | IllegalArgumentException e) {
            return PluginFolder.failed(name, fingerprint, describe(e));
        } catch (LinkageError e) {
            return PluginFolder.failed(name, fingerprint, "class loading failed: " + e);
        }
    }

    private ModuleLayer defineLayer(Path pluginPath) {
        ModuleFinder finder = ModuleFinder.of(pluginPath);
        Set<ModuleReference> refs = finder.findAll();
        if (refs.isEmpty()) {
            throw new IllegalArgumentException("no jar or module found in it");
        }
        Set<String> roots = new TreeSet<>();
        for (ModuleReference ref : refs) {
            String module = ref.descriptor().name();
            if (parent.findModule(module).isPresent()) {
                LOG.log(System.Logger.Level.DEBUG, "Plugin {0}: {1} is already in the parent layer, using that one",
                        pluginPath.getFileName(), module);
            } else {
                roots.add(module);
            }
        }
        if (roots.isEmpty()) {
            throw new IllegalArgumentException("every module in it is already part of the gateway: "
                    + refs.stream().map(r -> r.descriptor().name()).collect(Collectors.joining(", ")));
        }
        // Parent modules win: a plugin folder that also ships heimdall-api or Jackson uses the gateway's copy.
        Configuration cf = parent.configuration().resolveAndBind(ModuleFinder.of(), finder, roots);
        ModuleLayer.Controller controller = ModuleLayer.defineModulesWithOneLoader(cf, List.of(parent),
                ClassLoader.getSystemClassLoader());
        enableNativeAccess(controller);
        return controller.layer();
    }

    /**
     * Lets a plugin's modules call native code (Lucene's madvise, ONNX Runtime's System.load) without the JDK's
     * restricted-method warning, when the core itself was started with {@code --enable-native-access} (bin/heimdall
     * does); otherwise the JDK's default applies (a warning, then the call proceeds).
     */
    private static void enableNativeAccess(ModuleLayer.Controller controller) {
        if (!PluginLoader.class.getModule().isNativeAccessEnabled()) {
            return;
        }
        for (Module m : controller.layer().modules()) {
            controller.enableNativeAccess(m);
        }
    }

    private static String describe(Throwable e) {
        String msg = (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()).replaceAll("\\s+", " ");
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        if (root != e) {
            // A factory whose constructor threw: ServiceLoader's wrapper names the class, the cause says why.
            msg += ": " + root.getClass().getSimpleName()
                    + (root.getMessage() == null ? "" : ": " + root.getMessage().replaceAll("\\s+", " "));
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("Module ((?:java|jdk)\\.[\\w.]+) not found")
                .matcher(msg);
        if (m.find()) {
            msg += " (" + m.group(1) + " is a JDK module the gateway did not resolve at start: add it with "
                    + "HEIMDALL_ADD_MODULES=" + m.group(1) + ")";
        }
        return msg;
    }
}
