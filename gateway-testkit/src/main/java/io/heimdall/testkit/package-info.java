/**
 * The test kit: a mock OpenAI-compatible upstream with scriptable faults, a standalone launcher for it, and a mutable
 * {@link io.heimdall.api.RequestContext} for provider tests.
 */
package io.heimdall.testkit;
