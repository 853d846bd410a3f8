/**
 * The plugin author's harness: {@link io.heimdall.testkit.harness.GatewayHarness} runs the gateway in process with
 * the plugins under test and a mock upstream, for JUnit 5 tests over a real socket.
 */
package io.heimdall.testkit.harness;
