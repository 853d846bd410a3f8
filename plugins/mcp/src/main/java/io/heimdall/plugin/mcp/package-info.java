/** The MCP bridge plugin (id {@code mcp}): MCP servers' tools for chat requests, an agent loop, and {@code /mcp}. */
package io.heimdall.plugin.mcp;
