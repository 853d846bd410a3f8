package io.heimdall.provider.bedrock;

import io.heimdall.api.GatewayException;

import java.nio.charset.StandardCharsets;

/**
 * Validates a Bedrock model id (a foundation model id, an inference profile id, or an ARN) and percent-encodes it as
 * one URL path segment, so that nothing in it can change the path it is sent to: {@code :} and {@code /} of an ARN
 * become {@code %3A} and {@code %2F}; {@code bedrock/../../x} is refused with a 400 before any request is made.
 */
final class ModelIds {
    /** The longest id accepted (Bedrock's modelId pattern allows 2048 characters). */
    static final int MAX_LENGTH = 2048;

    private ModelIds() {
    }

    /**
     * The model id encoded as a path segment.
     *
     * @throws GatewayException 400 {@code invalid_model} (param {@code model}) when the id is not a plausible model id
     *                          or ARN
     */
    static String encode(String provider, String modelId) {
        validate(provider, modelId);
        StringBuilder out = new StringBuilder(modelId.length() + 16);
        for (byte b : modelId.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.'
                    || c == '_' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    /** Checks the id: allowed characters, a slash only inside an ARN, and no empty, "." or ".." segment. */
    static void validate(String provider, String modelId) {
        if (modelId.isEmpty() || modelId.length() > MAX_LENGTH) {
            throw invalid(provider, modelId, "it must have 1 to " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < modelId.length(); i++) {
            char c = modelId.charAt(i);
            boolean ok = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-'
                    || c == '.' || c == '_' || c == ':' || c == '/';
            if (!ok) {
                throw invalid(provider, modelId, "only letters, digits and - . _ : / are allowed");
            }
        }
        if (modelId.indexOf('/') >= 0 && !modelId.startsWith("arn:")) {
            throw invalid(provider, modelId, "a '/' is only allowed in an ARN");
        }
        for (String segment : modelId.split("[/:]", -1)) {
            if (segment.equals(".") || segment.equals("..")) {
                throw invalid(provider, modelId, "it must not contain '.' or '..' segments");
            }
        }
        if (modelId.startsWith("arn:")) {
            for (String segment : modelId.split("/", -1)) {
                if (segment.isEmpty()) {
                    throw invalid(provider, modelId, "an ARN must not contain empty path segments");
                }
            }
        }
    }

    private static GatewayException invalid(String provider, String modelId, String why) {
        String shown = modelId.length() > 200 ? modelId.substring(0, 200) + "..." : modelId;
        StringBuilder safe = new StringBuilder();
        shown.codePoints().forEach(cp -> safe.appendCodePoint(Character.isISOControl(cp) ? '?' : cp));
        return new GatewayException(io.heimdall.api.model.GatewayError.invalidRequest(
                "Provider '" + provider + "': '" + safe + "' is not a valid Bedrock model id or ARN: " + why, "model")
                .withCode("invalid_model"));
    }
}
