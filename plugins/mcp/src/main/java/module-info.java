/**
 * The MCP bridge: connects to configured MCP servers (stdio, Streamable HTTP, legacy SSE) with the official MCP Java
 * SDK, injects their tools into chat requests, runs tool calls ({@code POST /v1/mcp/tool/execute} and an agent loop),
 * and serves the aggregated tools as an MCP server at {@code /mcp}. Exports nothing: the core finds the factory
 * through {@code provides}. The SDK, Reactor and Jackson 3 are private to this plugin's layer.
 */
module io.heimdall.plugin.mcp {
    requires io.heimdall.api;
    requires io.modelcontextprotocol.sdk.mcp.core;
    requires io.modelcontextprotocol.sdk.mcp.json.jackson3;
    requires reactor.core;
    requires org.reactivestreams;
    requires tools.jackson.core;
    requires tools.jackson.databind;
    requires java.net.http;
    requires java.logging;

    provides io.heimdall.api.plugin.PluginFactory with io.heimdall.plugin.mcp.McpPluginFactory;
}
