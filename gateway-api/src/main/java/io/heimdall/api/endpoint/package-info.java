/**
 * The endpoint extension point: HTTP routes a plugin serves (an admin API, {@code /metrics}, {@code /mcp}, another API
 * surface such as {@code /v1/messages}), with plain, streamed and Server-Sent-Event responses, behind the same request
 * id, body limit, authentication and error handling as the core's routes.
 */
package io.heimdall.api.endpoint;
