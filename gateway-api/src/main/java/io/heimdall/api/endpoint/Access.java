package io.heimdall.api.endpoint;

/** Who may call a plugin route. */
public enum Access {
    /** Like the core's API routes: authenticated by the configured authenticators (anyone if none is configured). */
    CALLER,
    /**
     * No authentication (health probes, a metrics scrape on a private network, a login page). The route still gets a
     * request id, the body limit and OpenAI-shaped errors.
     */
    PUBLIC
}
