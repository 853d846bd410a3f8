/** The observer role: told about every request and every upstream attempt, for metrics, traces and logs. */
package io.heimdall.api.observe;
