/** The upstream HTTP client lent to plugins: Apache HttpClient 5, blocking on virtual threads, pooled per base URL. */
package io.heimdall.core.internal.http;
