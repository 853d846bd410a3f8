/**
 * What every plugin gets from the gateway: its own config subtree, a declared config spec, secrets, an upstream HTTP
 * client, the wire codec, a clock, metrics, a logger, and a way to call the gateway's providers. Narrow on purpose: a
 * plugin never sees the engine.
 */
package io.heimdall.api.plugin;
