package io.heimdall.plugin.mcp;

import io.heimdall.api.GatewayException;
import io.heimdall.api.RequestContext;
import io.heimdall.api.endpoint.Endpoint;
import io.modelcontextprotocol.common.McpTransportContext;
import io.modelcontextprotocol.json.schema.jackson3.DefaultJsonSchemaValidator;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.spec.McpSchema;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code /mcp}: the aggregated tools as an MCP server (the SDK's server over {@link EndpointTransportProvider}). A
 * client sees and may call only the tools its caller may use; calls run through the {@link ToolRunner} (logged like
 * every tool run); a change of the aggregated list is announced with {@code notifications/tools/list_changed}.
 */
final class McpServerEndpoint implements AutoCloseable {
    private final ToolCatalog catalog;
    private final ToolRunner runner;
    private final EndpointTransportProvider transport;
    private final McpSyncServer server;
    private final Map<String, McpSchema.Tool> registered = new HashMap<>();

    McpServerEndpoint(ToolCatalog catalog, ToolRunner runner, System.Logger log) {
        this.catalog = catalog;
        this.runner = runner;
        this.transport = new EndpointTransportProvider("/mcp", log);
        this.server = McpServer.sync(transport)
                .serverInfo(new McpSchema.Implementation("heimdall", "Heimdall MCP tool hub", "0.1.0"))
                .capabilities(McpSchema.ServerCapabilities.builder().tools(true).build())
                .jsonMapper(ServerConnection.MAPPER)
                .jsonSchemaValidator(new DefaultJsonSchemaValidator(JsonMapper.builder().build()))
                .validateToolInputs(false)
                .addToolFilter((ctx, tool) -> caller(ctx).map(c -> catalog.permits(c.caller(), tool.name()))
                        .orElse(false))
                .build();
    }

    private static java.util.Optional<RequestContext> caller(McpTransportContext ctx) {
        return ctx != null && ctx.get(EndpointTransportProvider.CONTEXT) instanceof RequestContext rc
                ? java.util.Optional.of(rc) : java.util.Optional.empty();
    }

    /** The routes: {@code POST}, {@code GET} and {@code DELETE /mcp}. */
    List<Endpoint> endpoints() {
        return transport.endpoints();
    }

    /** Open client sessions. */
    int sessions() {
        return transport.sessionCount();
    }

    /** Brings the server's tools in line with the catalog (the SDK tells connected clients). */
    synchronized void toolsChanged() {
        Map<String, McpSchema.Tool> next = new HashMap<>();
        for (ToolCatalog.Entry e : catalog.all()) {
            McpSchema.Tool t = e.mcp();
            next.put(e.name(), new McpSchema.Tool(e.name(), t.title(), t.description(), t.inputSchema(),
                    t.outputSchema(), t.annotations(), t.meta()));
        }
        for (String name : List.copyOf(registered.keySet())) {
            if (!next.containsKey(name) || !next.get(name).equals(registered.get(name))) {
                server.removeTool(name);
                registered.remove(name);
            }
        }
        for (Map.Entry<String, McpSchema.Tool> e : next.entrySet()) {
            if (!registered.containsKey(e.getKey())) {
                server.addTool(McpServerFeatures.SyncToolSpecification.builder().tool(e.getValue())
                        .callHandler((exchange, request) -> call(exchange.transportContext(), request)).build());
                registered.put(e.getKey(), e.getValue());
            }
        }
    }

    private McpSchema.CallToolResult call(McpTransportContext ctx, McpSchema.CallToolRequest request) {
        RequestContext rc = caller(ctx).orElseThrow(() -> new IllegalStateException("no request context"));
        String args;
        try {
            args = ServerConnection.MAPPER.writeValueAsString(request.arguments() == null ? Map.of()
                    : request.arguments());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        try {
            ToolRunner.Result r = runner.run(request.name(), args, rc);
            return McpSchema.CallToolResult.builder().addTextContent(r.text()).isError(r.error()).build();
        } catch (GatewayException e) {
            return McpSchema.CallToolResult.builder().addTextContent(e.error().message()).isError(true).build();
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (RuntimeException ignored) {
            // closing sessions of clients that are gone
        }
    }
}
