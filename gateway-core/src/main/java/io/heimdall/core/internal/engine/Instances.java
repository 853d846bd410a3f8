package io.heimdall.core.internal.engine;

import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The provider and plugin instances of every live config generation, shared between generations: an entry whose
 * factory and config did not change is handed to the next generation as it is (keeping its connection pools,
 * subprocesses, index writers), so a reload does not rebuild it. Each generation holds a lease; an instance is closed
 * when the last generation holding it has closed, i.e. after the requests that use it are done.
 */
final class Instances {
    private static final System.Logger LOG = System.getLogger(Instances.class.getName());

    /**
     * What identifies an instance across reloads.
     *
     * @param kind        {@code provider} or {@code plugin}
     * @param name        the provider name or plugin id (with its position for repeated ids)
     * @param factory     the factory object (a replaced plugin jar has a new one)
     * @param fingerprint everything in the config that the instance was built from
     */
    record Key(String kind, String name, Object factory, Object fingerprint) {
    }

    /** An instance and what must be closed with it. */
    record Made<T extends AutoCloseable>(T instance, AutoCloseable context) {
    }

    /** A generation's hold on an instance. */
    final class Lease<T extends AutoCloseable> {
        private final Key key;
        private final Entry entry;
        private boolean released;

        private Lease(Key key, Entry entry) {
            this.key = key;
            this.entry = entry;
        }

        /** The instance. */
        @SuppressWarnings("unchecked")
        T instance() {
            return (T) entry.made.instance();
        }

        /** Whether this lease reuses an instance that an earlier generation built. */
        boolean reused() {
            return entry.reused;
        }

        /** Gives the instance back; closes it if no generation holds it any more. Idempotent. */
        void release() {
            synchronized (Instances.this) {
                if (released) {
                    return;
                }
                released = true;
                if (--entry.leases > 0) {
                    return;
                }
                entries.remove(key, entry);
            }
            close(key, entry.made);
        }
    }

    private static final class Entry {
        final Made<?> made;
        int leases;
        boolean reused;

        Entry(Made<?> made) {
            this.made = made;
        }
    }

    private final Map<Key, Entry> entries = new HashMap<>();

    /**
     * A lease on the instance for {@code key}: the live one if some generation holds it, else a new one from
     * {@code create} (which may throw; nothing is then held).
     */
    <T extends AutoCloseable> Lease<T> acquire(Key key, Supplier<Made<T>> create) {
        synchronized (this) {
            Entry e = entries.get(key);
            if (e != null) {
                e.leases++;
                e.reused = true;
                return new Lease<>(key, e);
            }
        }
        Made<T> made = Objects.requireNonNull(create.get(), "created instance");
        synchronized (this) {
            Entry e = new Entry(made);
            e.leases = 1;
            entries.put(key, e);
            return new Lease<>(key, e);
        }
    }

    /** The number of live instances (for tests and the admin API). */
    synchronized int size() {
        return entries.size();
    }

    private static void close(Key key, Made<?> made) {
        try {
            made.instance().close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "Closing " + key.kind() + " '" + key.name() + "' failed", e);
        }
        try {
            made.context().close();
        } catch (Exception e) {
            LOG.log(System.Logger.Level.WARNING, "Closing the context of " + key.kind() + " '" + key.name()
                    + "' failed", e);
        }
    }
}
