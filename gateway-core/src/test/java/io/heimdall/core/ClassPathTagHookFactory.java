package io.heimdall.core;

import io.heimdall.api.RequestContext;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.hook.RequestOutcome;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.Choice;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.PluginFactory;

import java.util.List;
import java.util.Optional;

/**
 * A hook declared in this module's test {@code META-INF/services}: found only when the gateway runs on the class path
 * ({@link ClassPathEmbedding}); a named module ignores that file. Answers "tag?" itself.
 */
public final class ClassPathTagHookFactory implements PluginFactory {
    /** For ServiceLoader. */
    public ClassPathTagHookFactory() {
    }

    @Override
    public String id() {
        return "classpath-tag";
    }

    @Override
    public Plugin create(PluginConfig config, PluginContext context) {
        Hook hook = new Hook() {
            @Override
            public RequestOutcome onRequest(ChatRequest request, RequestContext ctx) {
                if (request.messages().getLast().text().equals("tag?")) {
                    return RequestOutcome.answer(ChatResponse.of("chatcmpl-tag", 1, request.model(), List.of(
                            Choice.of(0, ChatMessage.assistant("tagged on the class path"), FinishReason.STOP)),
                            null));
                }
                return RequestOutcome.proceed(request);
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
