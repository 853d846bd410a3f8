/**
 * The hook role: code that runs before and after every chat and embeddings request, on every streamed chunk, on the
 * model list, and when a request ends.
 */
package io.heimdall.api.hook;
