package io.heimdall.core;

import io.heimdall.api.RequestContext;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.hook.HookOutcome;
import io.heimdall.api.hook.RequestOutcome;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.Choice;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.PluginFactory;

import java.util.List;
import java.util.Optional;

/** A hook for core tests: rejects messages containing "forbidden", answers "ping" itself, tags the rest. */
final class RejectingHookFactory implements PluginFactory {
    @Override
    public String id() {
        return "test-guard";
    }

    @Override
    public ConfigSpec configSpec() {
        return ConfigSpec.builder().optional("word", ConfigType.STRING, "forbidden", "word to reject").build();
    }

    @Override
    public Plugin create(PluginConfig config, PluginContext context) {
        String word = config.string("word").orElseThrow();
        Hook hook = new Hook() {
            @Override
            public RequestOutcome onRequest(ChatRequest request, RequestContext ctx) {
                String text = request.messages().getLast().text();
                if (text.contains(word)) {
                    return RequestOutcome.reject(GatewayError.of(400, GatewayError.INVALID_REQUEST,
                            "The message contains a forbidden word", "content_rejected"));
                }
                if (text.equals("ping")) {
                    return RequestOutcome.answer(ChatResponse.of("chatcmpl-hook", 1, request.model(), List.of(
                            Choice.of(0, ChatMessage.assistant("pong"), FinishReason.STOP)), null));
                }
                ctx.setUpstreamHeader("x-guarded", "yes");
                return RequestOutcome.proceed(request);
            }

            @Override
            public HookOutcome<ChatResponse> onResponse(ChatRequest request, ChatResponse response,
                                                        RequestContext ctx) {
                ctx.setResponseHeader("x-guard-post", "seen");
                return HookOutcome.proceed(response);
            }
        };
        return new Plugin() {
            @Override
            public Optional<Hook> hook() {
                return Optional.of(hook);
            }
        };
    }
}
