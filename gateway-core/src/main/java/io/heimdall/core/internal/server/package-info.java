/** The HTTP surface on Helidon SE: OpenAI-compatible routes, SSE streaming, errors in the OpenAI shape. */
package io.heimdall.core.internal.server;
