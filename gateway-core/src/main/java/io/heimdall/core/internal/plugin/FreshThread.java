package io.heimdall.core.internal.plugin;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

/**
 * Runs plugin loading and instance creation on a new virtual thread and waits for it. Whatever plugin code leaves on
 * the thread that runs it (thread locals, a changed context class loader) then dies with that thread instead of
 * staying on a long-lived one (the caller's, the config watcher's), where it would keep a replaced plugin's layer from
 * being collected.
 */
public final class FreshThread {
    private FreshThread() {
    }

    /** Runs {@code work} on a new virtual thread named {@code name} and returns its result or rethrows its failure. */
    public static <T> T call(String name, Supplier<T> work) {
        AtomicReference<T> result = new AtomicReference<>();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = Thread.ofVirtual().name(name).start(() -> {
            try {
                result.set(work.get());
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        boolean interrupted = false;
        while (true) {
            try {
                t.join();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        Throwable e = failure.get();
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        if (e != null) {
            throw new IllegalStateException(e);
        }
        return result.get();
    }
}
