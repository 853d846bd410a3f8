package io.heimdall.core.internal.config;

import io.heimdall.api.plugin.Secret;

import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Resolves {@code ${env:NAME}} references (anywhere in a string) against an environment. */
public final class SecretResolver {
    private static final Pattern REF = Pattern.compile("\\$\\{env:([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?}");
    private final Map<String, String> env;

    /** A resolver over the given environment. */
    public SecretResolver(Map<String, String> env) {
        this.env = env;
    }

    /** A resolver over the process environment. */
    public static SecretResolver system() {
        return new SecretResolver(System.getenv());
    }

    /** Whether the text contains a reference. */
    public static boolean hasReference(String text) {
        return REF.matcher(text).find();
    }

    /**
     * Replaces every {@code ${env:NAME}} (or {@code ${env:NAME:-default}}) in the text.
     *
     * @return the resolved text, or empty naming the first unset variable via {@code missing}
     */
    public Optional<String> resolve(String text, StringBuilder missing) {
        Matcher m = REF.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String value = env.get(m.group(1));
            if (value == null || value.isEmpty()) {
                value = m.group(2);
            }
            if (value == null) {
                missing.append(m.group(1));
                return Optional.empty();
            }
            m.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        m.appendTail(out);
        return Optional.of(out.toString());
    }

    /** Resolves a secret reference or plain value; an unset variable resolves to an empty secret. */
    public Secret secret(String reference) {
        return Secret.of(resolve(reference, new StringBuilder()).orElse(""));
    }
}
