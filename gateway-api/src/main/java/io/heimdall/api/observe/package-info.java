/** The observer extension point: metrics and tracing plugins are told about every request and every attempt. */
package io.heimdall.api.observe;
