package io.heimdall.plugin.mcp;

import io.heimdall.api.GatewayException;
import io.heimdall.api.RequestContext;
import io.heimdall.api.model.GatewayError;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a tool call on its server and turns the result into the text of a {@code tool} message. Every run is logged
 * with the caller, the tool, the size of its arguments, its duration and its outcome; never the arguments' values.
 */
final class ToolRunner {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * What a tool run produced.
     *
     * @param text  the content for the {@code tool} message
     * @param error whether the server reported the run as failed ({@code isError})
     */
    record Result(String text, boolean error) {
    }

    private final ToolCatalog catalog;
    private final System.Logger log;

    ToolRunner(ToolCatalog catalog, System.Logger log) {
        this.catalog = catalog;
        this.log = log;
    }

    /**
     * Runs the tool with this exposed name for the request's caller.
     *
     * @throws GatewayException 404 for an unknown tool, 403 for one the caller may not use, 400 for arguments that
     *                          are not a JSON object, 503 when the server is down, 502 when it answered with an error
     */
    Result run(String name, String arguments, RequestContext context) {
        String caller = context.caller().id();
        int size = arguments.getBytes(StandardCharsets.UTF_8).length;
        long start = System.nanoTime();
        String outcome = "failed";
        try {
            ToolCatalog.Entry entry = catalog.find(name).filter(e -> catalog.permits(context.caller(), name))
                    .orElseThrow(() -> catalog.find(name).isPresent()
                            ? new GatewayException(GatewayError.of(403, GatewayError.PERMISSION,
                                    "Tool '" + name + "' is not allowed for this caller", "tool_not_allowed"))
                            : new GatewayException(GatewayError.of(404, GatewayError.NOT_FOUND,
                                    "Unknown tool '" + name + "'", "tool_not_found")));
            Map<String, Object> args = parseArguments(arguments);
            McpSchema.CallToolResult r;
            try {
                r = entry.connection().call(entry.mcp().name(), args);
            } catch (IllegalStateException e) {
                throw new GatewayException(GatewayError.of(503, GatewayError.API_ERROR, e.getMessage(),
                        "mcp_server_unavailable"));
            } catch (McpError e) {
                throw new GatewayException(GatewayError.of(502, GatewayError.API_ERROR, "MCP server '"
                        + entry.server().link().name() + "' answered with an error: " + e.getMessage(), "mcp_error"));
            } catch (RuntimeException e) {
                Throwable root = McpError.findRootCause(e);
                boolean timeout = root instanceof java.util.concurrent.TimeoutException;
                throw new GatewayException(GatewayError.of(timeout ? 504 : 502, timeout ? GatewayError.TIMEOUT
                        : GatewayError.API_ERROR, "Tool '" + name + "' failed: " + root.getMessage(),
                        timeout ? "mcp_timeout" : "mcp_error"), e);
            }
            boolean error = Boolean.TRUE.equals(r.isError());
            outcome = error ? "tool_error" : "ok";
            return new Result(text(r), error);
        } catch (GatewayException e) {
            outcome = e.error().code().orElse("failed");
            throw e;
        } finally {
            log.log(System.Logger.Level.INFO, "MCP tool run: caller={0} tool={1} argument-bytes={2} "
                    + "duration-ms={3} outcome={4}", caller, name, size, (System.nanoTime() - start) / 1_000_000,
                    outcome);
        }
    }

    /** The arguments text as a JSON object; empty text is no arguments. */
    static Map<String, Object> parseArguments(String arguments) {
        if (arguments.isBlank()) {
            return Map.of();
        }
        try {
            JsonNode node = JSON.readTree(arguments);
            if (!node.isObject()) {
                throw GatewayException.badRequest("Tool arguments must be a JSON object", "function.arguments");
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = JSON.convertValue(node, LinkedHashMap.class);
            return map;
        } catch (JacksonException e) {
            throw GatewayException.badRequest("Tool arguments are not valid JSON: " + e.getOriginalMessage(),
                    "function.arguments");
        }
    }

    /** The text of a tool result: text parts as they are, other parts as JSON, joined by new lines. */
    static String text(McpSchema.CallToolResult r) {
        List<String> parts = new ArrayList<>();
        if (r.content() != null) {
            for (McpSchema.Content c : r.content()) {
                parts.add(c instanceof McpSchema.TextContent t ? t.text() : json(c));
            }
        }
        if (parts.isEmpty() && r.structuredContent() != null) {
            parts.add(json(r.structuredContent()));
        }
        return String.join("\n", parts);
    }

    private static String json(Object value) {
        try {
            return ServerConnection.MAPPER.writeValueAsString(value);
        } catch (IOException e) {
            return String.valueOf(value);
        }
    }
}
