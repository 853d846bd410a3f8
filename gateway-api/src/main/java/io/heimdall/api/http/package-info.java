/** The narrow upstream HTTP client the core lends to plugins, and a Server-Sent Events reader for streamed bodies. */
package io.heimdall.api.http;
