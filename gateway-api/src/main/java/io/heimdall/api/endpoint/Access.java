package io.heimdall.api.endpoint;

/** Who may call a plugin route. */
public enum Access {
    /** Like the core's API routes: authenticated by the configured authenticators (anyone if none is configured). */
    CALLER,
    /**
     * No authentication (health probes, a metrics scrape on a private network, a login page). The route still gets a
     * request id, the body limit and OpenAI-shaped errors.
     */
    PUBLIC,
    /**
     * Administration: the caller must present the admin credential ({@code admin.token} in the config, as
     * {@code Authorization: Bearer}) or be allowed by an authenticator with the tag {@code admin}; with neither
     * configured, only clients on a loopback address are let in. Anything else gets a 401 (no credential) or 403.
     */
    ADMIN
}
