package io.heimdall.api.auth;

/**
 * Decides who is calling, before hooks run, on every route (the core's and the plugins', except routes declared
 * {@link io.heimdall.api.endpoint.Access#PUBLIC}). Authenticators are asked in the order of the {@code plugins:}
 * list: the first {@link AuthDecision.Allow} or {@link AuthDecision.Deny} wins; if all abstain, the client gets 401.
 * With no authenticator configured every caller is {@link Caller#anonymous()}. Must be fast and thread-safe; an
 * exception counts as a 500 (logged), never as an allow.
 */
@FunctionalInterface
public interface Authenticator {
    /** Decides on one request's credentials. */
    AuthDecision authenticate(Credentials credentials);
}
