package io.heimdall.core;

import io.heimdall.core.internal.config.ConfigException;
import io.heimdall.core.internal.engine.Generation;
import io.heimdall.core.internal.plugin.PluginFolders;

import java.util.function.Supplier;

/**
 * The start with deferred plugin folders ({@link Gateway.Builder#deferUnusedPlugins(boolean)}): the first generation
 * is built from the folders the config names, and the other folders are loaded once the gateway serves.
 */
final class DeferredPlugins {
    private DeferredPlugins() {
    }

    /**
     * The first generation: {@code build} against the folders loaded so far; if that fails while folders are deferred
     * (the config may use a factory they hold), every folder is loaded and {@code again} (a fresh load and build)
     * gives the generation or the errors of a start that loaded them all first.
     */
    static Generation first(PluginFolders folders, Supplier<Generation> build, Supplier<Generation> again) {
        try {
            return build.get();
        } catch (ConfigException e) {
            if (!folders.deferring()) {
                throw e;
            }
            folders.loadDeferredNow();
            return again.get();
        }
    }

    /**
     * Loads the deferred folders in the background; then runs {@code rebuild} if a factory the config uses was
     * replaced meanwhile, and {@code report} in any case (the start-up report, complete only with every folder).
     */
    static void loadRest(PluginFolders folders, Runnable rebuild, Runnable report) {
        folders.loadDeferred().whenComplete((changed, failure) -> {
            if (Boolean.TRUE.equals(changed)) {
                rebuild.run();
            }
            report.run();
        });
    }
}
