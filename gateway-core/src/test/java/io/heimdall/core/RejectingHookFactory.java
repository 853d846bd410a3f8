package io.heimdall.core;

import io.heimdall.api.RequestContext;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.hook.HookFactory;
import io.heimdall.api.hook.HookOutcome;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.Choice;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;

import java.util.List;

/** A hook for core tests: rejects messages containing "forbidden", answers "ping" itself, tags the rest. */
final class RejectingHookFactory implements HookFactory {
    @Override
    public String id() {
        return "test-guard";
    }

    @Override
    public ConfigSpec configSpec() {
        return ConfigSpec.builder().optional("word", ConfigType.STRING, "forbidden", "word to reject").build();
    }

    @Override
    public Hook create(PluginConfig config, PluginContext context) {
        String word = config.string("word").orElseThrow();
        return new Hook() {
            @Override
            public HookOutcome<ChatRequest> onRequest(ChatRequest request, RequestContext ctx) {
                String text = request.messages().getLast().text();
                if (text.contains(word)) {
                    return HookOutcome.reject(GatewayError.of(400, GatewayError.INVALID_REQUEST,
                            "The message contains a forbidden word", "content_rejected"));
                }
                if (text.equals("ping")) {
                    return HookOutcome.answer(ChatResponse.of("chatcmpl-hook", 1, request.model(), List.of(
                            Choice.of(0, ChatMessage.assistant("pong"), FinishReason.STOP)), null));
                }
                ctx.addUpstreamHeader("x-guarded", "yes");
                return HookOutcome.proceed(request);
            }

            @Override
            public HookOutcome<ChatResponse> onResponse(ChatRequest request, ChatResponse response,
                                                        RequestContext ctx) {
                ctx.addResponseHeader("x-guard-post", "seen");
                return HookOutcome.proceed(response);
            }
        };
    }
}
