package io.heimdall.provider.gemini.wire;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.GatewayError;

import java.util.regex.Pattern;

/**
 * Model names that go into a URL path. Only letters, digits, {@code .}, {@code _}, {@code -} and {@code @} are
 * allowed (Gemini and Vertex names such as {@code gemini-2.5-flash} or {@code claude-sonnet-4@20250514}), never
 * {@code ..}, a slash or anything that would need encoding: {@code gemini/../../x} is a 400 and is never sent.
 */
public final class ModelNames {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,199}");

    private ModelNames() {
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
