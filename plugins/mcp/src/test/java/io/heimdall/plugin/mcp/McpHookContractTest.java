package io.heimdall.plugin.mcp;

import io.heimdall.api.plugin.PluginFactory;
import io.heimdall.testkit.tck.HookContract;

import java.util.Map;

/**
 * The MCP bridge's hook passes the hook contract, with a connected stdio server whose tools only callers named
 * {@code ops-*} may use: the contract's anonymous requests go through the whole hook (catalog, access rules, request
 * filters) and, offered no tools, reach the mock model unchanged (which would otherwise call the first tool). Skipped
 * when node or npm is missing.
 */
class McpHookContractTest extends HookContract {
    @Override
    protected PluginFactory factory() {
        return new McpPluginFactory();
    }

    @Override
    protected Map<String, Object> config() {
        try {
            return Map.of("servers", Map.of("t", Map.of("command", NodeServers.toy())), "serve", false,
                    "access", java.util.List.of(Map.of("callers", java.util.List.of("ops-*"))));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
