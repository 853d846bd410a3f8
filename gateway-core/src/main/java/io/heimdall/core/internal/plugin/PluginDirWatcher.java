package io.heimdall.core.internal.plugin;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Watches the plugins folder and calls back once a folder or jar was added, replaced or removed. File events (on the
 * folder and each plugin folder in it) make it quick; a poll of every file's name, size, modification time and
 * identity every few seconds makes it work on file systems without events. A change is reported once the folder has
 * been still for a moment, so a jar being copied is not loaded half-written (if it is anyway, its folder fails to load
 * and the copy's last write triggers another reload).
 */
public final class PluginDirWatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PluginDirWatcher.class.getName());
    private static final long SETTLE_MILLIS = 500;
    private static final long SETTLE_MAX_MILLIS = 10_000;
    private static final long POLL_MILLIS = 2000;

    private final Path dir;
    private final Runnable onChange;
    private final WatchService watcher;
    private final Thread thread;
    private volatile boolean running = true;
    private String lastStamp;

    /** Starts watching {@code dir} (which may not exist yet); {@code onChange} runs on the watcher's thread. */
    public PluginDirWatcher(Path dir, Runnable onChange) throws IOException {
        this.dir = dir.toAbsolutePath().normalize();
        this.onChange = onChange;
        this.lastStamp = stamp();
        this.watcher = FileSystems.getDefault().newWatchService();
        register();
        this.thread = Thread.ofPlatform().daemon().name("heimdall-plugins-watcher").start(this::run);
    }

    private void register() {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try {
            watch(dir);
            for (Path p : PluginFolders.entries(dir)) {
                if (Files.isDirectory(p)) {
                    watch(p);
                }
            }
        } catch (IOException | UncheckedIOException e) {
            LOG.log(System.Logger.Level.DEBUG, "Cannot watch {0} for events (polling it): {1}", dir, e.getMessage());
        }
    }

    private void watch(Path folder) throws IOException {
        folder.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                StandardWatchEventKinds.ENTRY_DELETE);
    }

    private void run() {
        while (running) {
            try {
                drain(watcher.poll(POLL_MILLIS, TimeUnit.MILLISECONDS));
                String now = stamp();
                if (now.equals(lastStamp)) {
                    continue;
                }
                long giveUp = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SETTLE_MAX_MILLIS);
                while (true) {
                    Thread.sleep(SETTLE_MILLIS);
                    drain(watcher.poll());
                    String again = stamp();
                    if (again.equals(now) || System.nanoTime() > giveUp) {
                        break;
                    }
                    now = again;
                }
                lastStamp = now;
                register();
                onChange.run();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "Reload after a plugin folder change failed", e);
            }
        }
    }

    private void drain(WatchKey key) {
        WatchKey k = key;
        while (k != null) {
            k.pollEvents();
            k.reset();
            k = watcher.poll();
        }
    }

    /** Every file's path, size, modification time and identity, or the last stamp if the folder cannot be read. */
    private String stamp() {
        if (!Files.isDirectory(dir)) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> walk = Files.walk(dir, FileVisitOption.FOLLOW_LINKS)) {
            for (Path p : walk.sorted().toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                sb.append(dir.relativize(p)).append('|').append(a.size()).append('|')
                        .append(a.lastModifiedTime().toMillis()).append('|').append(a.fileKey()).append('\n');
            }
        } catch (IOException | UncheckedIOException e) {
            return lastStamp == null ? "" : lastStamp;
        }
        return sb.toString();
    }

    @Override
    public void close() {
        running = false;
        try {
            watcher.close();
        } catch (IOException ignored) {
            // closing
        }
        thread.interrupt();
    }
}
