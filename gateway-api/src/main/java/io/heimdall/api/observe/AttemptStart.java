package io.heimdall.api.observe;

import io.heimdall.api.RequestContext;
import io.heimdall.api.route.Target;

/**
 * An upstream attempt about to start. An observer may add headers to this attempt's upstream requests (a
 * {@code traceparent} naming its attempt span): the HTTP client the core lends providers applies them.
 */
public interface AttemptStart {
    /** What is about to be tried. */
    Target target();

    /** The attempt number within the client request, from 1. */
    int number();

    /** The client request. */
    RequestContext context();

    /** Sets a header on every upstream request of this attempt, replacing an earlier value of that name. */
    void setUpstreamHeader(String name, String value);
}
