/** The upstream HTTP client lent to plugins: Helidon's blocking HTTP/1.1 client with a connection pool per host. */
package io.heimdall.core.internal.http;
