package io.heimdall.plugin.profanityfilter;

import io.heimdall.api.RequestContext;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.hook.HookOutcome;
import io.heimdall.api.hook.RequestOutcome;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.Choice;
import io.heimdall.api.model.ChunkChoice;
import io.heimdall.api.model.ContentPart;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.MessageContent;
import io.heimdall.api.plugin.Plugin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hook: checks every text of a request's messages (reject or mask), masks the choices of a response, and masks
 * a stream chunk by chunk. A word split across chunks is caught by holding back, per choice, only the tail a match
 * could still need; it is released with the next chunk, and at the latest with the chunk that carries the choice's
 * {@code finish_reason}. The held text lives in the request's attributes, so the hook itself is stateless.
 */
final class ProfanityFilter implements Plugin, Hook {
    private final WordMatcher matcher;
    private final boolean reject;
    private final boolean responses;
    private final char mask;
    private final String stateKey = ProfanityFilterFactory.ID + ".held@" + Integer.toHexString(
            System.identityHashCode(this));

    ProfanityFilter(WordMatcher matcher, boolean reject, boolean responses, char mask) {
        this.matcher = matcher;
        this.reject = reject;
        this.responses = responses;
        this.mask = mask;
    }

    @Override
    public Optional<Hook> hook() {
        return Optional.of(this);
    }

    private String clean(String text) {
        return WordMatcher.mask(text, matcher.find(text), mask);
    }

    @Override
    public RequestOutcome onRequest(ChatRequest request, RequestContext context) {
        List<ChatMessage> out = new ArrayList<>(request.messages().size());
        boolean changed = false;
        for (int i = 0; i < request.messages().size(); i++) {
            ChatMessage m = request.messages().get(i);
            Optional<MessageContent> content = m.content();
            if (content.isEmpty()) {
                out.add(m);
                continue;
            }
            MessageContent masked = switch (content.get()) {
                case MessageContent.Text t -> MessageContent.of(clean(t.text()));
                case MessageContent.Parts p -> new MessageContent.Parts(p.parts().stream().map(part ->
                        part instanceof ContentPart.Text t ? new ContentPart.Text(clean(t.text()), t.cacheControl(),
                                t.extra()) : part).toList());
            };
            if (masked.equals(content.get())) {
                out.add(m);
                continue;
            }
            if (reject) {
                String param = "messages[" + i + "].content";
                return RequestOutcome.reject(new GatewayError(400, GatewayError.INVALID_REQUEST,
                        "The request contains language that is not allowed (" + param + ")", Optional.of(param),
                        Optional.of("profanity_detected"), Optional.empty()));
            }
            changed = true;
            out.add(m.toBuilder().content(masked).build());
        }
        return RequestOutcome.proceed(changed ? request.toBuilder().messages(out).build() : request);
    }

    @Override
    public HookOutcome<ChatResponse> onResponse(ChatRequest request, ChatResponse response, RequestContext context) {
        if (!responses) {
            return HookOutcome.proceed(response);
        }
        List<Choice> choices = new ArrayList<>();
        boolean changed = false;
        for (Choice c : response.choices()) {
            Optional<String> text = c.message().content().map(MessageContent::text);
            String masked = text.map(this::clean).orElse("");
            if (text.isEmpty() || masked.equals(text.get())) {
                choices.add(c);
            } else {
                changed = true;
                choices.add(new Choice(c.index(), c.message().toBuilder().content(masked).build(), c.finishReason(),
                        c.logprobs()));
            }
        }
        return HookOutcome.proceed(changed ? new ChatResponse(response.id(), response.created(), response.model(),
                choices, response.usage(), response.systemFingerprint(), response.serviceTier(), response.extra())
                : response);
    }

    @Override
    public HookOutcome<ChatChunk> onChunk(ChatChunk chunk, RequestContext context) {
        if (!responses || chunk.choices().isEmpty()) {
            return HookOutcome.proceed(chunk);
        }
        @SuppressWarnings("unchecked")
        Map<Integer, String> held = (Map<Integer, String>) context.attributes().computeIfAbsent(stateKey,
                k -> new ConcurrentHashMap<Integer, String>());
        List<ChunkChoice> out = new ArrayList<>(chunk.choices().size());
        boolean changed = false;
        for (ChunkChoice c : chunk.choices()) {
            String pending = held.getOrDefault(c.index(), "");
            Optional<String> content = c.delta().content();
            boolean finished = c.finishReason().isPresent();
            if (pending.isEmpty() && content.isEmpty()) {
                out.add(c);
                continue;
            }
            String text = pending + content.orElse("");
            WordMatcher.Scan scan = matcher.scan(text, finished);
            String emit = WordMatcher.mask(text.substring(0, scan.safe()), scan.matches(), mask);
            String rest = text.substring(scan.safe());
            if (rest.isEmpty()) {
                held.remove(c.index());
            } else {
                held.put(c.index(), rest);
            }
            if (pending.isEmpty() && content.get().equals(emit)) {
                out.add(c);
                continue;
            }
            changed = true;
            out.add(new ChunkChoice(c.index(), c.delta().toBuilder().content(emit).build(), c.finishReason(),
                    c.logprobs()));
        }
        return HookOutcome.proceed(changed ? new ChatChunk(chunk.id(), chunk.created(), chunk.model(), out,
                chunk.usage(), chunk.systemFingerprint(), chunk.extra()) : chunk);
    }
}
