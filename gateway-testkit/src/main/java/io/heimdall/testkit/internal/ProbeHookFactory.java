package io.heimdall.testkit.internal;

import io.heimdall.api.RequestContext;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.hook.HookOutcome;
import io.heimdall.api.hook.RequestOutcome;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.Choice;
import io.heimdall.api.model.FinishReason;
import io.heimdall.api.model.Usage;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.PluginFactory;

import java.util.List;
import java.util.Optional;
import java.util.Queue;

/**
 * A hook for the hook contract: records {@code <id>:<method>:<request id>} for every call into a shared queue, and
 * answers a request itself when the client sent {@code x-contract-answer: <id>} (the short-circuit case).
 */
public final class ProbeHookFactory implements PluginFactory {
    /** The text a probe answers with. */
    public static final String ANSWER = "answered by the probe";
    private final String id;
    private final Queue<String> events;

    /**
     * A probe.
     *
     * @param id     its plugin id
     * @param events where it records its calls
     */
    public ProbeHookFactory(String id, Queue<String> events) {
        this.id = id;
        this.events = events;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Plugin create(PluginConfig config, PluginContext context) {
        return new Probe();
    }

    private final class Probe implements Plugin, Hook {
        @Override
        public Optional<Hook> hook() {
            return Optional.of(this);
        }

        private void record(String method, RequestContext ctx) {
            events.add(id + ":" + method + ":" + ctx.requestId());
        }

        @Override
        public RequestOutcome onRequest(ChatRequest request, RequestContext context) {
            record("onRequest", context);
            if (context.header("x-contract-answer").filter(id::equals).isPresent()) {
                return RequestOutcome.answer(ChatResponse.of("probe-" + context.requestId(), 0, request.model(),
                        List.of(Choice.of(0, ChatMessage.assistant(ANSWER), FinishReason.STOP)), Usage.of(1, 3)));
            }
            return RequestOutcome.proceed(request);
        }

        @Override
        public HookOutcome<ChatResponse> onResponse(ChatRequest request, ChatResponse response,
                                                    RequestContext context) {
            record("onResponse", context);
            return HookOutcome.proceed(response);
        }

        @Override
        public HookOutcome<ChatChunk> onChunk(ChatChunk chunk, RequestContext context) {
            record("onChunk", context);
            return HookOutcome.proceed(chunk);
        }
    }
}
