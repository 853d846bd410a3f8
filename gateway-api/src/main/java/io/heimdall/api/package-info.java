/** Types shared by every extension point: the per-request context and the single exception family. */
package io.heimdall.api;
