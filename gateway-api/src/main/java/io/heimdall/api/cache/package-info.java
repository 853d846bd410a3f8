/** The cache extension point: look up an answer before routing, store one after a successful response. */
package io.heimdall.api.cache;
