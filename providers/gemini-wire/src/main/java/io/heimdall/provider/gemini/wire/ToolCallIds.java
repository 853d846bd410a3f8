package io.heimdall.provider.gemini.wire;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Tool-call ids. Gemini matches function responses to calls by name; newer API versions also carry an {@code id}.
 * When the upstream sends none, the gateway invents one that is stable for the response (derived from the response
 * id, candidate, position and name), prefixed {@value #PREFIX} so that it is recognised, and not sent back upstream,
 * on the next turn.
 */
final class ToolCallIds {
    /** The prefix of an id the gateway invented. */
    static final String PREFIX = "call_gemini_";

    private ToolCallIds() {
    }

    static String invent(String responseId, int candidate, int position, String name) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] d = sha.digest((responseId + '\0' + candidate + '\0' + position + '\0' + name)
                    .getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(d, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether the id was sent by the upstream or a client (and so goes back upstream), not invented here. */
    static boolean upstream(String id) {
        return !id.isEmpty() && !id.startsWith(PREFIX);
    }
}
