package io.heimdall.plugin.mcp;

import io.heimdall.api.endpoint.Endpoint;

import java.util.List;

/** {@code /mcp}: the aggregated tools as an MCP server over Streamable HTTP. */
final class McpServerEndpoint implements AutoCloseable {
    private final ToolCatalog catalog;
    private final ToolRunner runner;
    private final System.Logger log;

    McpServerEndpoint(ToolCatalog catalog, ToolRunner runner, System.Logger log) {
        this.catalog = catalog;
        this.runner = runner;
        this.log = log;
    }

    /** The routes. */
    List<Endpoint> endpoints() {
        return List.of();
    }

    /** Tells connected MCP clients that the tool list changed. */
    void toolsChanged() {
    }

    @Override
    public void close() {
    }
}
