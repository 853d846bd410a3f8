package com.example.heimdall.greeting;

import io.heimdall.api.RequestContext;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.hook.RequestOutcome;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.PluginFactory;

import java.util.Optional;

/**
 * Creates the {@code greeting} hook: it adds {@code x-greeting: <greeting>} to every response and rejects requests
 * whose last message is the configured {@code forbidden} text.
 *
 * <pre>{@code
 * plugins:
 *   - { id: greeting, config: { greeting: hello, forbidden: "open the pod bay doors" } }
 * }</pre>
 */
public final class GreetingHookFactory implements PluginFactory {
    /** Creates the factory; ServiceLoader calls this. */
    public GreetingHookFactory() {
    }

    @Override
    public String id() {
        return "greeting";
    }

    @Override
    public String description() {
        return "Greets every response with a header";
    }

    @Override
    public ConfigSpec configSpec() {
        return ConfigSpec.builder()
                .optional("greeting", "hello", "the value of the x-greeting response header")
                .optional("forbidden", "open the pod bay doors", "a message text that is rejected")
                .build();
    }

    @Override
    public Plugin create(PluginConfig config, PluginContext context) {
        String greeting = config.string("greeting").orElseThrow();
        if (greeting.isBlank()) {
            throw new IllegalArgumentException("greeting must not be blank");
        }
        context.logger().log(System.Logger.Level.INFO, "greeting with {0}", greeting);
        return new GreetingHook(greeting, config.string("forbidden").orElseThrow());
    }

    /** Stateless, so safe for concurrent requests. */
    private record GreetingHook(String greeting, String forbidden) implements Plugin, Hook {
        @Override
        public Optional<Hook> hook() {
            return Optional.of(this);
        }

        @Override
        public RequestOutcome onRequest(ChatRequest request, RequestContext context) {
            if (request.messages().getLast().text().equalsIgnoreCase(forbidden)) {
                return RequestOutcome.reject(GatewayError.invalidRequest("I'm afraid I can't do that",
                        "messages").withCode("forbidden_message"));
            }
            // Set before the upstream call, so a stream's headers carry it too.
            context.setResponseHeader("x-greeting", greeting);
            return RequestOutcome.proceed(request);
        }
    }
}
