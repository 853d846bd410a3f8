package io.heimdall.plugin.mcp;

import io.heimdall.api.auth.Glob;

import java.util.List;

/** Include/exclude lists of globs ({@code *} matches any run of characters). */
final class Globs {
    private Globs() {
    }

    /** Whether any glob matches. */
    static boolean any(List<String> globs, String text) {
        for (String g : globs) {
            if (Glob.matches(g, text)) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code text} is included and not excluded; an empty include list includes everything. */
    static boolean allowed(List<String> include, List<String> exclude, String text) {
        return (include.isEmpty() || any(include, text)) && !any(exclude, text);
    }
}
