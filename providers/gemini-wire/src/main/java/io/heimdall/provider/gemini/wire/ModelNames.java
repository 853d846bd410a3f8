package io.heimdall.provider.gemini.wire;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.GatewayError;

import io.heimdall.api.provider.Capability;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Model names that go into a URL path. Only letters, digits, {@code .}, {@code _}, {@code -} and {@code @} are
 * allowed (Gemini and Vertex names such as {@code gemini-2.5-flash} or {@code claude-sonnet-4@20250514}), never
 * {@code ..}, a slash or anything that would need encoding: {@code gemini/../../x} is a 400 and is never sent.
 */
public final class ModelNames {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,199}");

    private static final Set<Capability> EMBEDDING_MODEL = Collections.unmodifiableSet(EnumSet.of(
            Capability.EMBEDDINGS, Capability.MODEL_LISTING));
    private static final Set<Capability> CHAT = Collections.unmodifiableSet(EnumSet.of(Capability.CHAT,
            Capability.STREAMING, Capability.TOOLS, Capability.VISION, Capability.JSON_MODE,
            Capability.MODEL_LISTING));
    private static final Set<Capability> THINKING_CHAT = Collections.unmodifiableSet(EnumSet.of(Capability.CHAT,
            Capability.STREAMING, Capability.TOOLS, Capability.VISION, Capability.JSON_MODE,
            Capability.MODEL_LISTING, Capability.REASONING));
    /** Everything a Gemini endpoint offers across its models. */
    public static final Set<Capability> ALL = Collections.unmodifiableSet(EnumSet.of(Capability.CHAT,
            Capability.STREAMING, Capability.TOOLS, Capability.VISION, Capability.JSON_MODE, Capability.EMBEDDINGS,
            Capability.MODEL_LISTING, Capability.REASONING));

    private ModelNames() {
    }

    /**
     * What a Gemini-API model can do, from its name: embedding models ({@code *embedding*}) embed; chat models chat,
     * stream, call tools, see images and answer in JSON; models from Gemini 2.5 on (and unknown names) also think.
     */
    public static Set<Capability> capabilities(String model) {
        String m = model.toLowerCase(Locale.ROOT);
        if (m.contains("embedding")) {
            return EMBEDDING_MODEL;
        }
        if (m.startsWith("gemini-1") || m.startsWith("gemini-2.0") || m.startsWith("gemma")) {
            return CHAT;
        }
        return THINKING_CHAT;
    }

    /**
     * The model as one path segment.
     *
     * @param model    the upstream model name
     * @param provider the configured provider name, for the message
     * @return the segment, safe to put in a path
     * @throws GatewayException 400 {@code invalid_request_error}, param {@code model}, code {@code invalid_model}
     */
    public static String segment(String model, String provider) {
        if (!VALID.matcher(model).matches() || model.contains("..")) {
            throw new GatewayException(GatewayError.invalidRequest("Provider '" + provider
                    + "' cannot use the model name '" + printable(model) + "': only letters, digits, '.', '_', '-' "
                    + "and '@' are allowed", "model").withCode("invalid_model"));
        }
        return model;
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 100; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return sb.toString();
    }
}
