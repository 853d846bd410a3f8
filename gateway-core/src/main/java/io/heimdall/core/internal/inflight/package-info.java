/**
 * The in-flight request watchdog: admission against a global cap, and cancellation (by interrupting the request's
 * virtual thread) of requests whose deadline passed or whose client closed its TCP connection, found by reading
 * Linux's {@code /proc/net/tcp} and {@code /proc/net/tcp6} without touching the socket the HTTP server owns.
 */
package io.heimdall.core.internal.inflight;
