package io.heimdall.plugin.mcp;

import io.heimdall.api.plugin.PluginConfig;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One configured MCP server: how to reach it ({@link Link}) and which of its tools the gateway offers.
 *
 * @param link        the connection settings; equal links share one connection (and subprocess) across reloads
 * @param prefix      what tool names are prefixed with ({@code <name>__} unless configured)
 * @param include     globs of the server's tool names to offer
 * @param exclude     globs of the server's tool names to hide (wins over include)
 * @param autoExecute globs of the server's tool names the gateway runs itself in agent mode
 */
record ServerSettings(Link link, String prefix, List<String> include, List<String> exclude,
                      List<String> autoExecute) {

    /**
     * How to reach a server and keep the connection alive.
     *
     * @param name           the server's name under {@code servers:}
     * @param command        the program and arguments of a stdio server (empty for HTTP)
     * @param env            the environment added to a stdio server's process
     * @param url            the endpoint of an HTTP server
     * @param headers        HTTP headers sent to an HTTP server (auth); never logged
     * @param transport      {@code streamable-http} or {@code sse} for an HTTP server
     * @param requestTimeout how long one request to the server may take
     * @param initialBackoff the first wait before reconnecting
     * @param maxBackoff     the longest wait between reconnection attempts
     * @param pingInterval   how often a live connection is checked
     */
    record Link(String name, List<String> command, Map<String, String> env, Optional<String> url,
                Map<String, String> headers, String transport, Duration requestTimeout, Duration initialBackoff,
                Duration maxBackoff, Duration pingInterval) {
        /** Copies the collections. */
        Link {
            command = List.copyOf(command);
            env = Map.copyOf(env);
            headers = Map.copyOf(headers);
        }

        /** Where the server is, for logs: the program or the URL without its query. */
        String describe() {
            return url.map(u -> u.replaceAll("\\?.*$", "")).orElse(command.isEmpty() ? "?" : command.getFirst());
        }
    }

    /** Reads one entry of {@code servers:}. */
    static ServerSettings from(String name, PluginConfig server, PluginConfig plugin) {
        List<String> command = server.strings("command");
        Optional<String> url = server.string("url");
        if (command.isEmpty() == url.isEmpty()) {
            throw new IllegalArgumentException(server.path() + ": set exactly one of 'command' (stdio) or 'url' (HTTP)");
        }
        Link link = new Link(name, command, server.stringMap("env"), url, server.stringMap("headers"),
                server.string("transport").orElse("streamable-http"),
                plugin.duration("tool-timeout").orElseThrow(), plugin.duration("reconnect-initial").orElseThrow(),
                plugin.duration("reconnect-max").orElseThrow(), plugin.duration("ping-interval").orElseThrow());
        String prefix = server.string("prefix").orElse(name + "__");
        return new ServerSettings(link, prefix, server.strings("include"), server.strings("exclude"),
                server.strings("auto-execute"));
    }
}
