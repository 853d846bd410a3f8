package io.heimdall.plugin.mcp;

import java.util.HashMap;
import java.util.Map;

/**
 * The live server connections of this plugin layer, shared by the plugin instances that use the same
 * {@link ServerSettings.Link} and counted by reference. A config reload builds the new instance before the old one is
 * closed, so a server whose settings did not change keeps its connection (and its subprocess) even when another
 * server or another key of the plugin changed: the new instance acquires it before the old one releases it.
 */
final class ConnectionPool {
    private static final Map<ServerSettings.Link, Entry> LIVE = new HashMap<>();

    private ConnectionPool() {
    }

    private static final class Entry {
        final ServerConnection connection;
        int references;

        Entry(ServerConnection connection) {
            this.connection = connection;
        }
    }

    /** The connection for these settings, started if new. */
    static ServerConnection acquire(ServerSettings.Link link, System.Logger log) {
        ServerConnection c;
        synchronized (LIVE) {
            Entry e = LIVE.computeIfAbsent(link, l -> new Entry(new ServerConnection(l, log)));
            e.references++;
            c = e.connection;
        }
        c.start();
        return c;
    }

    /** Gives a connection back; the last holder closes it. */
    static void release(ServerConnection connection) {
        boolean last = false;
        synchronized (LIVE) {
            for (var it = LIVE.entrySet().iterator(); it.hasNext(); ) {
                Entry e = it.next().getValue();
                if (e.connection == connection && --e.references == 0) {
                    it.remove();
                    last = true;
                    break;
                }
            }
        }
        if (last) {
            connection.close();
        }
    }
}
