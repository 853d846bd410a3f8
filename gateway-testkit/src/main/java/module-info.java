/**
 * What plugin authors test with: {@link io.heimdall.testkit.MockOpenAiServer}, a mock upstream that speaks the OpenAI
 * wire format over a real socket, {@link io.heimdall.testkit.TestRequestContext}, and the provider contract tests in
 * {@code io.heimdall.testkit.tck}, and the in-process gateway harness
 * {@link io.heimdall.testkit.harness.GatewayHarness} with the hook contract. A plugin module requires it in its tests
 * only.
 */
module io.heimdall.testkit {
    requires transitive io.heimdall.api;
    requires transitive org.junit.jupiter.api;
    requires io.helidon.webserver;
    requires com.fasterxml.jackson.core;
    requires com.fasterxml.jackson.databind;
    requires transitive io.heimdall.core;
    requires java.net.http;

    exports io.heimdall.testkit;
    exports io.heimdall.testkit.tck;
    exports io.heimdall.testkit.harness;
}
