package io.heimdall.plugin.mcp;

import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.PluginFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Plugin id {@code mcp}: the MCP bridge. See {@code docs/mcp.md}. */
public final class McpPluginFactory implements PluginFactory {
    static final ConfigSpec SERVER = ConfigSpec.builder()
            .optional("command", ConfigType.STRING_LIST, "program and arguments of a stdio server")
            .stringMap("env", "environment added to a stdio server's process; values may use ${env:NAME}")
            .optional("url", ConfigType.STRING, "endpoint of an HTTP server (Streamable HTTP or legacy SSE)")
            .stringMap("headers", "HTTP headers sent to an HTTP server (auth); values may use ${env:NAME}")
            .optional("transport", "streamable-http", "protocol of an HTTP server").oneOf("streamable-http", "sse")
            .optional("prefix", ConfigType.STRING, "prefix of this server's tool names (default '<name>__')")
            .optional("include", List.of(), "globs of this server's tool names to offer (empty: all)")
            .optional("exclude", List.of(), "globs of this server's tool names to hide")
            .optional("auto-execute", List.of(), "globs of this server's tool names the gateway runs itself")
            .optional("enabled", true, "whether the server is used")
            .build();

    static final ConfigSpec ACCESS = ConfigSpec.builder()
            .optional("callers", List.of(), "globs of caller ids this rule applies to")
            .optional("tags", List.of(), "caller tags this rule applies to")
            .optional("tools", List.of("*"), "globs of exposed tool names these callers may use")
            .build();

    static final ConfigSpec SPEC = ConfigSpec.builder()
            .mapOf("servers", SERVER, "MCP servers by name")
            .listOf("access", ACCESS, "which callers may use which tools (none: everyone, every tool)")
            .optional("inject", true, "add the allowed tools to chat requests")
            .optional("agent", true, "run auto-execute tools in the gateway and loop with the model")
            .optional("max-depth", 5L, "tool rounds of the agent loop before the model must answer").range(1, 50)
            .optional("agent-timeout", Duration.ofMinutes(2), "time limit of the whole agent loop")
            .optional("tool-timeout", Duration.ofSeconds(30), "time limit of one request to an MCP server")
            .optional("reconnect-initial", Duration.ofMillis(500), "first wait before reconnecting a server")
            .optional("reconnect-max", Duration.ofSeconds(30), "longest wait between reconnection attempts")
            .optional("ping-interval", Duration.ofSeconds(10), "how often a live connection is checked")
            .optional("serve", true, "serve the aggregated tools as an MCP server at /mcp")
            .build();

    /**
     * The SDK logs every handshake at INFO, with the server's whole instructions text; keep it to warnings unless the
     * logging config set a level for it. Held here: JUL keeps loggers only weakly.
     */
    private static final java.util.logging.Logger SDK_LOG = java.util.logging.Logger.getLogger("io.modelcontextprotocol");

    static {
        if (SDK_LOG.getLevel() == null) {
            SDK_LOG.setLevel(java.util.logging.Level.WARNING);
        }
    }

    /** Creates the factory (found by the gateway through {@code provides}). */
    public McpPluginFactory() {
    }

    @Override
    public String id() {
        return "mcp";
    }

    @Override
    public String description() {
        return "MCP bridge: tools of MCP servers for chat requests, an agent loop, and /mcp";
    }

    @Override
    public ConfigSpec configSpec() {
        return SPEC;
    }

    @Override
    public Plugin create(PluginConfig config, PluginContext context) {
        List<ServerSettings> servers = new ArrayList<>();
        for (Map.Entry<String, PluginConfig> e : config.childMap("servers").entrySet()) {
            if (e.getValue().bool("enabled").orElse(true)) {
                servers.add(ServerSettings.from(e.getKey(), e.getValue(), config));
            }
        }
        List<AccessRule> access = config.children("access").stream().map(AccessRule::from).toList();
        McpBridge.Options options = new McpBridge.Options(config.bool("inject").orElseThrow(),
                config.bool("agent").orElseThrow(), config.integer("max-depth").orElseThrow().intValue(),
                config.duration("agent-timeout").orElseThrow(), config.bool("serve").orElseThrow());
        return new McpBridge(servers, access, options, context);
    }
}
