package com.example.heimdall.greeting;

import io.heimdall.api.plugin.PluginFactory;
import io.heimdall.testkit.harness.GatewayHarness;
import io.heimdall.testkit.harness.HttpResult;
import io.heimdall.testkit.harness.StreamResult;
import io.heimdall.testkit.tck.HookContract;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The plugin in a real gateway over a real socket, with a mock OpenAI upstream. */
class GreetingHookTest {
    @RegisterExtension
    static final GatewayHarness HARNESS = GatewayHarness.withPlugin(new GreetingHookFactory(),
            Map.of("greeting", "hi there"));

    @Test
    void greetsPlainAndStreamedResponses() {
        HttpResult res = HARNESS.chat(GatewayHarness.MODEL, "hello");
        assertEquals(200, res.status(), res.body());
        assertEquals("hi there", res.header("x-greeting").orElseThrow());
        StreamResult stream = HARNESS.stream(GatewayHarness.MODEL, "hello");
        assertTrue(stream.done(), stream.body());
        assertEquals("Echo: hello", stream.text());
    }

    @Test
    void rejectsTheForbiddenMessage() {
        HttpResult res = HARNESS.chat(GatewayHarness.MODEL, "Open the pod bay doors");
        assertEquals(400, res.status(), res.body());
        assertTrue(res.body().contains("forbidden_message"), res.body());
        assertEquals(0, HARNESS.upstream().requestCount("/v1/chat/completions"));
    }

    /** Every hook plugin must pass the contract. */
    @Nested
    class Contract extends HookContract {
        @Override
        protected PluginFactory factory() {
            return new GreetingHookFactory();
        }

        @Override
        protected Map<String, Object> config() {
            return Map.of();
        }
    }
}
