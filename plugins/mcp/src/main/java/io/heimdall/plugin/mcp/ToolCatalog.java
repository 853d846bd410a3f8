package io.heimdall.plugin.mcp;

import io.heimdall.api.auth.Caller;
import io.heimdall.api.model.RawJson;
import io.heimdall.api.model.Tool;
import io.modelcontextprotocol.spec.McpSchema;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tools of every configured server under their exposed names ({@code <prefix><tool>}, reduced to the characters
 * OpenAI accepts), rebuilt whenever a server's list changes; a server that is down contributes nothing.
 */
final class ToolCatalog {
    /**
     * One tool as the gateway offers it.
     *
     * @param name        the exposed name
     * @param server      the server's settings
     * @param connection  the server's connection
     * @param mcp         the tool as the server describes it
     * @param tool        the tool as a chat request carries it
     * @param autoExecute whether the agent loop runs it
     */
    record Entry(String name, ServerSettings server, ServerConnection connection, McpSchema.Tool mcp, Tool tool,
                 boolean autoExecute) {
    }

    /** A server and its connection. */
    record Source(ServerSettings settings, ServerConnection connection) {
    }

    private final List<Source> sources;
    private final List<AccessRule> access;
    private volatile Map<String, Entry> entries = Map.of();

    ToolCatalog(List<Source> sources, List<AccessRule> access) {
        this.sources = List.copyOf(sources);
        this.access = List.copyOf(access);
    }

    /** Rebuilds the entries from the servers' current lists. */
    synchronized void rebuild() {
        Map<String, Entry> next = new LinkedHashMap<>();
        for (Source s : sources) {
            ServerSettings set = s.settings();
            for (McpSchema.Tool t : s.connection().tools()) {
                if (!Globs.allowed(set.include(), set.exclude(), t.name())) {
                    continue;
                }
                String name = exposedName(set.prefix(), t.name());
                Tool tool = Tool.function(name, t.description(), schema(t));
                next.putIfAbsent(name, new Entry(name, set, s.connection(), t, tool,
                        Globs.any(set.autoExecute(), t.name())));
            }
        }
        entries = Collections.unmodifiableMap(next);
    }

    /** Every tool, in server and list order. */
    List<Entry> all() {
        return List.copyOf(entries.values());
    }

    /** A tool by exposed name. */
    Optional<Entry> find(String name) {
        return Optional.ofNullable(entries.get(name));
    }

    /** Whether the caller may see and run this tool. */
    boolean permits(Caller caller, String name) {
        return AccessRule.permits(access, caller, name);
    }

    /** The tools a caller may use, narrowed by a request's include/exclude globs. */
    List<Entry> visible(Caller caller, List<String> include, List<String> exclude) {
        return all().stream().filter(e -> permits(caller, e.name()))
                .filter(e -> Globs.allowed(include, exclude, e.name())).toList();
    }

    /** {@code prefix + tool}, with characters OpenAI does not accept replaced by {@code _}, at most 64. */
    static String exposedName(String prefix, String tool) {
        String raw = (prefix + tool).replaceAll("[^A-Za-z0-9_-]", "_");
        return raw.length() <= 64 ? raw : raw.substring(0, 64);
    }

    private static RawJson schema(McpSchema.Tool t) {
        Map<String, Object> s = t.inputSchema() == null ? Map.of("type", "object", "properties", Map.of())
                : t.inputSchema();
        try {
            return new RawJson(ServerConnection.MAPPER.writeValueAsString(s));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
