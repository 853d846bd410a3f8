package io.heimdall.core.internal.config;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Watches the config file's folder and calls back when the file's content changed, debounced so that an editor's
 * several writes make one reload. Handles editors that replace the file by renaming. Also polls the content every few
 * seconds, since file events are not delivered on every file system.
 */
public final class ConfigWatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ConfigWatcher.class.getName());
    private static final long DEBOUNCE_MILLIS = 150;
    private static final long POLL_MILLIS = 2000;

    private final Path file;
    private final Runnable onChange;
    private final WatchService watcher;
    private final Thread thread;
    private volatile boolean running = true;
    private byte[] lastDigest;

    /** Starts watching {@code file}; {@code onChange} runs on the watcher's thread. */
    public ConfigWatcher(Path file, Runnable onChange) throws IOException {
        this.file = file.toAbsolutePath().normalize();
        this.onChange = onChange;
        this.lastDigest = digest();
        this.watcher = FileSystems.getDefault().newWatchService();
        this.file.getParent().register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
                StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
        this.thread = Thread.ofPlatform().daemon().name("heimdall-config-watcher").start(this::run);
    }

    private void run() {
        while (running) {
            try {
                WatchKey key = watcher.poll(POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (key != null) {
                    boolean ours = false;
                    for (WatchEvent<?> event : key.pollEvents()) {
                        if (event.context() instanceof Path p && p.getFileName().equals(file.getFileName())) {
                            ours = true;
                        }
                        if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                            ours = true;
                        }
                    }
                    key.reset();
                    if (!ours) {
                        continue;
                    }
                    Thread.sleep(DEBOUNCE_MILLIS);
                    WatchKey more;
                    while ((more = watcher.poll()) != null) {
                        more.pollEvents();
                        more.reset();
                    }
                }
                checkContent();
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.ERROR, "Config reload failed", e);
            }
        }
    }

    private void checkContent() {
        byte[] now = digest();
        if (now == null || Arrays.equals(now, lastDigest)) {
            return;
        }
        lastDigest = now;
        onChange.run();
    }

    private byte[] digest() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file));
        } catch (IOException e) {
            return null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
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
