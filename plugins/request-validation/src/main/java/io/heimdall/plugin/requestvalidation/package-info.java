/** The request-validation plugin: allowed models per route, caps on max_tokens, message count and prompt size. */
package io.heimdall.plugin.requestvalidation;
