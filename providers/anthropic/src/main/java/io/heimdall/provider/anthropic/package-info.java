/** Provider type {@code anthropic}: the Anthropic Messages API over the HTTP client the core lends. */
package io.heimdall.provider.anthropic;
