/** The mock provider: deterministic echo replies, tool calls and embeddings, with latency and failures on demand. */
package io.heimdall.provider.mock;
