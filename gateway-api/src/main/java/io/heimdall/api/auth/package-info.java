/** The authentication extension point: a credential in, a {@link io.heimdall.api.auth.Caller} or a 401/403 out. */
package io.heimdall.api.auth;
