package io.heimdall.plugin.mcp;

import io.heimdall.api.GatewayException;
import io.heimdall.api.RequestContext;
import io.heimdall.api.endpoint.Endpoint;
import io.heimdall.api.endpoint.EndpointRequest;
import io.heimdall.api.endpoint.EndpointResponse;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.hook.RequestOutcome;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.Tool;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginContext;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The plugin instance: holds the server connections (shared through {@link ConnectionPool}), injects the allowed tools
 * into chat requests, runs the agent loop for auto-execute tools, and serves {@code POST /v1/mcp/tool/execute},
 * {@code GET /v1/mcp/tools} and {@code /mcp}.
 */
final class McpBridge implements Plugin, Hook {
    /**
     * Plugin-wide options.
     *
     * @param inject       add the allowed tools to chat requests
     * @param agent        run auto-execute tools in the gateway
     * @param maxDepth     tool rounds before the model must answer
     * @param agentTimeout time limit of the whole loop
     * @param serve        serve {@code /mcp}
     */
    record Options(boolean inject, boolean agent, int maxDepth, Duration agentTimeout, boolean serve) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final List<ServerConnection> connections = new ArrayList<>();
    private final ToolCatalog catalog;
    private final ToolRunner runner;
    private final Options options;
    private final PluginContext context;
    private final Runnable rebuild;
    private final McpServerEndpoint server;

    McpBridge(List<ServerSettings> servers, List<AccessRule> access, Options options, PluginContext context) {
        this.options = options;
        this.context = context;
        List<ToolCatalog.Source> sources = new ArrayList<>();
        for (ServerSettings s : servers) {
            ServerConnection c = ConnectionPool.acquire(s.link(), context.logger());
            connections.add(c);
            sources.add(new ToolCatalog.Source(s, c));
        }
        this.catalog = new ToolCatalog(sources, access);
        this.runner = new ToolRunner(catalog, context.logger());
        this.server = new McpServerEndpoint(catalog, runner, context.logger());
        this.rebuild = () -> {
            catalog.rebuild();
            server.toolsChanged();
        };
        for (ServerConnection c : connections) {
            c.onToolsChanged(rebuild);
        }
        rebuild.run();
    }

    /** The aggregated tools (for tests and the tools route). */
    ToolCatalog catalog() {
        return catalog;
    }

    /** The {@code /mcp} server. */
    McpServerEndpoint server() {
        return server;
    }

    /** The connections of this instance, in config order. */
    List<ServerConnection> connections() {
        return List.copyOf(connections);
    }

    @Override
    public Optional<Hook> hook() {
        return options.inject() ? Optional.of(this) : Optional.empty();
    }

    @Override
    public List<Endpoint> endpoints() {
        List<Endpoint> out = new ArrayList<>();
        out.add(Endpoint.post("/v1/mcp/tool/execute", this::execute));
        out.add(Endpoint.get("/v1/mcp/tools", this::listTools));
        if (options.serve()) {
            out.addAll(server.endpoints());
        }
        return out;
    }

    @Override
    public RequestOutcome onRequest(ChatRequest request, RequestContext ctx) {
        RequestFilter filter = RequestFilter.of(request, ctx);
        ChatRequest clean = RequestFilter.strip(request);
        if (filter.off()) {
            return RequestOutcome.proceed(clean);
        }
        Set<String> own = new HashSet<>();
        clean.tools().forEach(t -> own.add(t.name()));
        List<ToolCatalog.Entry> visible = catalog.visible(ctx.caller(), filter.include(), filter.exclude())
                .stream().filter(e -> !own.contains(e.name())).toList();
        if (visible.isEmpty()) {
            return RequestOutcome.proceed(clean);
        }
        List<Tool> tools = new ArrayList<>(clean.tools());
        visible.forEach(e -> tools.add(e.tool()));
        ChatRequest withTools = clean.toBuilder().tools(tools).build();
        boolean noneChoice = withTools.toolChoice().map(c -> "none".equals(c.mode())).orElse(false);
        if (options.agent() && !noneChoice && visible.stream().anyMatch(ToolCatalog.Entry::autoExecute)) {
            AgentLoop loop = new AgentLoop(context.gateway(), runner, visible, options.maxDepth(),
                    options.agentTimeout());
            return RequestOutcome.stream(sink -> loop.run(withTools, ctx, sink));
        }
        return RequestOutcome.proceed(withTools);
    }

    /** {@code POST /v1/mcp/tool/execute}: an OpenAI tool call in, a {@code tool} message out. */
    private void execute(EndpointRequest req, EndpointResponse res) {
        JsonNode call;
        try {
            call = JSON.readTree(req.body());
        } catch (JacksonException e) {
            throw GatewayException.badRequest("The body is not valid JSON", null);
        }
        if (call == null || !call.isObject()) {
            throw GatewayException.badRequest("The body must be a tool call object", null);
        }
        if (call.has("tool_call")) {
            call = call.get("tool_call");
        }
        JsonNode fn = call.get("function");
        if (fn == null || !fn.isObject() || fn.get("name") == null || !fn.get("name").isString()) {
            throw GatewayException.badRequest("A tool call needs function.name", "function.name");
        }
        String name = fn.get("name").stringValue();
        JsonNode argsNode = fn.get("arguments");
        String args = argsNode == null || argsNode.isNull() ? "" : argsNode.isString() ? argsNode.stringValue()
                : argsNode.toString();
        String id = call.has("id") && call.get("id").isString() ? call.get("id").stringValue() : "";
        ToolRunner.Result r = runner.run(name, args, req.context());
        ObjectNode out = JSON.createObjectNode();
        out.put("role", "tool");
        out.put("tool_call_id", id);
        out.put("content", r.text());
        if (r.error()) {
            res.header("x-heimdall-mcp-tool-error", "true");
        }
        res.json(JSON.writeValueAsBytes(out));
    }

    /** {@code GET /v1/mcp/tools}: the tools the caller may use, as chat-request tools, and the servers' states. */
    private void listTools(EndpointRequest req, EndpointResponse res) {
        ObjectNode out = JSON.createObjectNode();
        var tools = out.putArray("tools");
        for (ToolCatalog.Entry e : catalog.visible(req.context().caller(), List.of(), List.of())) {
            ObjectNode t = tools.addObject();
            t.put("type", "function");
            ObjectNode f = t.putObject("function");
            f.put("name", e.name());
            f.put("description", e.tool().description().orElse(""));
            f.set("parameters", JSON.readTree(e.tool().parameters().map(Object::toString).orElse("{}")));
            t.put("server", e.server().link().name());
            t.put("auto_execute", e.autoExecute());
        }
        var servers = out.putArray("servers");
        for (ServerConnection c : connections) {
            ObjectNode s = servers.addObject();
            s.put("name", c.name());
            s.put("connected", c.up());
            s.put("tools", c.tools().size());
        }
        res.json(JSON.writeValueAsBytes(out));
    }

    /** Closes {@code /mcp} and gives the connections back, in parallel (each may wait for a process to end). */
    @Override
    public void close() {
        server.close();
        List<Thread> closing = new ArrayList<>();
        for (ServerConnection c : connections) {
            c.removeListener(rebuild);
            closing.add(Thread.ofVirtual().name("mcp-release-" + c.name()).start(() -> ConnectionPool.release(c)));
        }
        for (Thread t : closing) {
            try {
                t.join(Duration.ofSeconds(10));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
