package io.heimdall.core.internal.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The plugin folders in force, and their rescan at every reload. Each folder (or loose jar) of the plugins folder is
 * fingerprinted by its files' names, sizes, times and identities ({@link #fingerprint}): an unchanged folder keeps its
 * layer and its factory objects (so the instances built from them survive the reload), a new or changed one is loaded
 * into a new layer with new factory objects, and a removed one is dropped. A {@link #scan()} builds the next registry completely
 * without changing anything; {@link #commit(Scan)} puts it in force, after the config was validated against it.
 * A scan that is not committed is simply dropped, and so are the layers it loaded.
 *
 * <p>A start may load only the folders its config uses ({@link #deferred}) and the others after it listens
 * ({@link #loadDeferred()}); until they are loaded, {@link #registry()} and {@link #scan()} wait for them once that
 * loading has begun.
 */
public final class PluginFolders {
    private static final System.Logger LOG = System.getLogger(PluginFolders.class.getName());

    /**
     * What a rescan found changed, by folder name.
     *
     * @param added    folders that are new
     * @param replaced folders whose content changed (loaded into a new layer)
     * @param removed  folders that are gone
     */
    public record Changes(List<String> added, List<String> replaced, List<String> removed) {
        /** Whether nothing changed. */
        public boolean isEmpty() {
            return added.isEmpty() && replaced.isEmpty() && removed.isEmpty();
        }

        @Override
        public String toString() {
            List<String> parts = new ArrayList<>();
            if (!added.isEmpty()) {
                parts.add("added " + String.join(", ", added));
            }
            if (!replaced.isEmpty()) {
                parts.add("replaced " + String.join(", ", replaced));
            }
            if (!removed.isEmpty()) {
                parts.add("removed " + String.join(", ", removed));
            }
            return parts.isEmpty() ? "no change" : String.join("; ", parts);
        }
    }

    private record State(Map<String, PluginFolder> folders, PluginRegistry registry) {
    }

    /** The result of a rescan: the next registry, not yet in force. */
    public static final class Scan {
        private final State base;
        private final State next;
        private final Changes changes;

        private Scan(State base, State next, Changes changes) {
            this.base = base;
            this.next = next;
            this.changes = changes;
        }

        /** The registry the folders make now: the one in force if nothing changed. */
        public PluginRegistry registry() {
            return next.registry();
        }

        /** What changed. */
        public Changes changes() {
            return changes;
        }
    }

    private final PluginLoader loader;
    private final PluginRegistry builtIn;
    private final Optional<Path> dir;
    private volatile State current;
    /** Folders left for {@link #loadDeferred()}: none once they are loaded (or if none were deferred). */
    private volatile boolean deferring;
    private volatile CompletableFuture<Boolean> rest = CompletableFuture.completedFuture(false);

    /**
     * Loads every folder of {@code dir} (if given) next to the built-in factories, and logs what failed and what
     * loaded.
     *
     * @param loader  defines the layers
     * @param builtIn the factories that do not come from a folder (the boot layer's, those added by the embedder)
     * @param dir     the plugins folder
     */
    public PluginFolders(PluginLoader loader, PluginRegistry builtIn, Optional<Path> dir) {
        this(loader, builtIn, dir, name -> true);
        logFirst(current.registry());
    }

    private PluginFolders(PluginLoader loader, PluginRegistry builtIn, Optional<Path> dir, Predicate<String> first) {
        this.loader = loader;
        this.builtIn = builtIn.copy();
        this.dir = dir;
        this.current = new State(Map.of(), this.builtIn.copy());
        if (dir.isPresent() && !Files.isDirectory(dir.get())) {
            LOG.log(System.Logger.Level.INFO, "No plugins folder at {0}", dir.get());
        }
        this.current = scanLocked(first).next;
    }

    /**
     * Loads only the folders {@code used} accepts (by name) next to the built-in factories, and logs nothing yet: the
     * others, and the log lines a full load writes, wait for {@link #loadDeferred()} or {@link #loadDeferredNow()}.
     *
     * @param loader  defines the layers
     * @param builtIn the factories that do not come from a folder
     * @param dir     the plugins folder
     * @param used    the folder (or jar) names the config needs at once
     */
    public static PluginFolders deferred(PluginLoader loader, PluginRegistry builtIn, Optional<Path> dir,
                                         Predicate<String> used) {
        PluginFolders folders = new PluginFolders(loader, builtIn, dir, used);
        folders.deferring = true;
        return folders;
    }

    /** Whether some folders still wait for {@link #loadDeferred()}. */
    public boolean deferring() {
        return deferring;
    }

    /**
     * Loads the deferred folders on a thread of their own, puts the full registry in force and logs what a full load
     * logs (failures, then {@code Plugins loaded: ...}). The future says whether a factory the first registry held is
     * now a different object (a folder changed meanwhile, or a deferred folder took its id first): the config must
     * then be built again. Completed at once with {@code false} if nothing was deferred.
     */
    public synchronized CompletableFuture<Boolean> loadDeferred() {
        if (!deferring || !rest.isDone()) {
            return rest;
        }
        CompletableFuture<Boolean> future = new CompletableFuture<>();
        rest = future;
        Thread.ofVirtual().name("heimdall-plugins-deferred").start(() -> {
            try {
                future.complete(completeDeferred());
            } catch (Throwable e) {
                future.completeExceptionally(e);
            }
        });
        return future;
    }

    /** Loads the deferred folders on this thread (for a start whose config needs more than was loaded first). */
    public void loadDeferredNow() {
        if (deferring) {
            completeDeferred();
        }
    }

    private synchronized boolean completeDeferred() {
        if (!deferring) {
            return false;
        }
        State first = current;
        current = scanLocked(name -> true).next;
        deferring = false;
        logFirst(current.registry());
        for (PluginRegistry.Kind kind : PluginRegistry.Kind.values()) {
            for (PluginRegistry.Entry e : first.registry().all(kind).values()) {
                if (current.registry().find(kind, e.factory().id()).map(PluginRegistry.Entry::factory)
                        .orElse(null) != e.factory()) {
                    return true;
                }
            }
        }
        return false;
    }

    private static void logFirst(PluginRegistry registry) {
        for (PluginRegistry.Failure f : registry.failures()) {
            LOG.log(System.Logger.Level.ERROR, "Plugin ''{0}'' was not loaded: {1}", f.folder(), f.reason());
        }
        if (!registry.loadedFolders().isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "Plugins loaded: {0}", String.join(", ", registry.loadedFolders()));
        }
    }

    /** The registry in force; while deferred folders are being loaded, the full one once they are. */
    public PluginRegistry registry() {
        awaitDeferred();
        return current.registry();
    }

    /** The registry in force now, without waiting for deferred folders. */
    public PluginRegistry registryNow() {
        return current.registry();
    }

    private void awaitDeferred() {
        CompletableFuture<Boolean> r = rest;
        if (!r.isDone() && !Thread.currentThread().getName().equals("heimdall-plugins-deferred")) {
            try {
                r.join();
            } catch (RuntimeException e) {
                // its failure is the deferred thread's to report; what is in force stays in force
            }
        }
    }

    /**
     * Rescans the plugins folder and builds the registry it makes now, changing nothing: unchanged folders keep their
     * factory objects, new and changed ones are loaded into new layers (failures are recorded per folder).
     */
    public Scan scan() {
        awaitDeferred();
        synchronized (this) {
            if (deferring) {
                completeDeferred();
            }
            return scanLocked(name -> true);
        }
    }

    private synchronized Scan scanLocked(Predicate<String> wanted) {
        State base = current;
        Map<String, PluginFolder> next = new LinkedHashMap<>();
        List<String> added = new ArrayList<>();
        List<String> replaced = new ArrayList<>();
        Optional<String> listFailure = Optional.empty();
        if (dir.isPresent() && Files.isDirectory(dir.get())) {
            try {
                Map<String, Future<PluginFolder>> loading = new LinkedHashMap<>();
                try (ExecutorService pool = loadingPool()) {
                    for (Path entry : entries(dir.get())) {
                        String name = entry.getFileName().toString();
                        if (!wanted.test(name)) {
                            continue;
                        }
                        String fingerprint = fingerprint(entry);
                        PluginFolder old = base.folders().get(name);
                        if (old != null && old.fingerprint().equals(fingerprint)) {
                            loading.put(name, CompletableFuture.completedFuture(old));
                        } else {
                            // New layers are defined in parallel: module scanning dominates a start with many folders.
                            loading.put(name, pool.submit(() -> loader.loadFolder(entry, fingerprint)));
                            (old == null ? added : replaced).add(name);
                        }
                    }
                }
                for (Map.Entry<String, Future<PluginFolder>> e : loading.entrySet()) {
                    next.put(e.getKey(), loaded(e.getKey(), e.getValue()));
                }
            } catch (IOException | UncheckedIOException e) {
                // Keep what is in force rather than drop every plugin for a folder that cannot be listed right now.
                listFailure = Optional.of("cannot list the plugins folder: " + e.getMessage());
                next.clear();
                next.putAll(base.folders());
                added.clear();
                replaced.clear();
            }
        }
        List<String> removed = base.folders().keySet().stream().filter(n -> !next.containsKey(n)).toList();
        Changes changes = new Changes(List.copyOf(added), List.copyOf(replaced), removed);
        if (changes.isEmpty() && listFailure.isEmpty()) {
            return new Scan(base, base, changes);
        }
        PluginRegistry registry = builtIn.copy();
        for (PluginFolder f : next.values()) {
            f.addTo(registry);
        }
        listFailure.ifPresent(why -> registry.fail(dir.orElseThrow().toString(), why));
        return new Scan(base, new State(java.util.Collections.unmodifiableMap(next), registry), changes);
    }

    /**
     * Puts a scan's registry in force and logs what changed.
     *
     * @throws IllegalStateException if another scan was committed since this one was made
     */
    public synchronized void commit(Scan scan) {
        if (scan.base != current) {
            throw new IllegalStateException("the plugin folders changed since this scan");
        }
        current = scan.next;
        if (scan.next == scan.base) {
            return;
        }
        if (!scan.changes.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "Plugin folders changed: {0}", scan.changes);
        }
        for (PluginRegistry.Failure f : scan.next.registry().failures()) {
            if (!scan.base.registry().failures().contains(f)) {
                LOG.log(System.Logger.Level.ERROR, "Plugin ''{0}'' was not loaded: {1}", f.folder(), f.reason());
            }
        }
    }

    /** Platform threads, one per core: defining a layer is CPU work (jar scanning, module resolution). */
    private static ExecutorService loadingPool() {
        int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
        return Executors.newFixedThreadPool(threads, Thread.ofPlatform().daemon().name("heimdall-plugin-load-", 0)
                .factory());
    }

    private static PluginFolder loaded(String name, Future<PluginFolder> future) {
        try {
            return future.get();
        } catch (ExecutionException e) {
            return PluginFolder.failed(name, "failed " + System.nanoTime(), "loading failed: " + e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return PluginFolder.failed(name, "failed " + System.nanoTime(), "loading was interrupted");
        }
    }

    /** The folders and loose jars of a plugins folder, sorted by name. */
    static List<Path> entries(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> Files.isDirectory(p) || p.getFileName().toString().endsWith(".jar"))
                    .sorted().toList();
        }
    }

    /**
     * A fingerprint of a folder (or of a jar): the SHA-256 of every file's name, size, modification time (to the
     * nanosecond the file system keeps) and identity (device and inode), in name order. A replaced or rewritten file
     * changes it; reading no file content keeps a start with 200 MB of plugin jars from spending a second hashing them.
     */
    static String fingerprint(Path entry) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        try (Stream<Path> walk = Files.walk(entry, FileVisitOption.FOLLOW_LINKS)) {
            for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
                BasicFileAttributes a = Files.readAttributes(f, BasicFileAttributes.class);
                String line = entry.relativize(f) + "|" + a.size() + "|"
                        + a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS) + "|" + a.fileKey() + "\n";
                md.update(line.getBytes(StandardCharsets.UTF_8));
            }
        } catch (IOException | UncheckedIOException e) {
            // Unreadable now (being copied?): never equal to anything, so the next scan tries again.
            return "unreadable " + System.nanoTime() + ": " + e.getMessage();
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
