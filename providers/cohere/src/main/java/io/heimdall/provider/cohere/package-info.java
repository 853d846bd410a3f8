/** The Cohere provider: canonical requests to Cohere's v2 wire format and back. */
package io.heimdall.provider.cohere;
