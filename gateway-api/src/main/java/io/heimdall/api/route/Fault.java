package io.heimdall.api.route;

/**
 * Whose fault it was that an upstream attempt did not succeed. Only {@link #PROVIDER} and {@link #TIMEOUT} count
 * against a target's health; the others never open a circuit or cool a key down.
 */
public enum Fault {
    /** The attempt succeeded. */
    NONE,
    /** The upstream failed: 5xx, 429, refused connection, reset, malformed body, refused key. */
    PROVIDER,
    /** The upstream did not answer in time (first byte, idle gap between chunks, or the request's deadline). */
    TIMEOUT,
    /** The client went away mid-attempt. */
    CLIENT_ABORT,
    /** A hook rejected a chunk of the stream. */
    HOOK,
    /** The request itself was at fault (400, 404, 413, 422 from the upstream): another target would fail too. */
    BAD_REQUEST,
    /** The gateway refused before calling (bulkhead full, deadline already passed). */
    GATEWAY
}
