package io.heimdall.core.internal.inflight;

/** Why the watchdog cancelled a request. */
public enum CancelReason {
    /** The client closed (or reset) its TCP connection while the request was in flight: answer 499, if at all. */
    CLIENT_GONE,
    /** The request's deadline passed: answer 504. */
    DEADLINE
}
