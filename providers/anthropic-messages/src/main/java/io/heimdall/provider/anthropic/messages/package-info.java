/**
 * The Anthropic Messages API wire format, independent of transport, URL and auth: {@link
 * io.heimdall.provider.anthropic.messages.MessagesRequestEncoder} (canonical request to a Messages body),
 * {@link io.heimdall.provider.anthropic.messages.MessagesResponseDecoder} (a Message to a canonical response),
 * {@link io.heimdall.provider.anthropic.messages.MessagesStreamTranslator} (stream events to canonical chunks, at once),
 * {@link io.heimdall.provider.anthropic.messages.MessagesErrors} (error bodies and events to gateway errors) and
 * {@link io.heimdall.provider.anthropic.messages.MessagesExchange} (one call over a lent HTTP client).
 */
package io.heimdall.provider.anthropic.messages;
