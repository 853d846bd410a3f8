/**
 * The open-model load generator and its minimal keep-alive HTTP/1.1 client.
 */
package io.heimdall.bench;
