package io.heimdall.core.internal.config;

import java.util.Collection;
import java.util.Optional;

/** "Did you mean" for config keys and names: the closest candidate within a small edit distance. */
public final class Suggest {
    private Suggest() {
    }

    /**
     * The candidate closest to {@code word}, if it is close enough to be a likely typo: none for words of one or two
     * characters, one edit for up to four, two for longer ones (a swap of neighbours counts as one edit).
     */
    public static Optional<String> closest(String word, Collection<String> candidates) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        int limit = word.length() <= 2 ? 0 : word.length() <= 4 ? 1 : 2;
        for (String c : candidates) {
            if (c.equals(word)) {
                continue;
            }
            int d = distance(word, c);
            if (d <= limit && d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return Optional.ofNullable(best);
    }

    /**
     * The reason for an unknown key: {@code unknown key (did you mean 'command'?)} when one accepted key is close,
     * else {@code unknown key (accepted: a, b)}.
     */
    public static String unknownKey(String key, Collection<String> accepted) {
        Optional<String> close = closest(key, accepted);
        if (close.isPresent()) {
            return "unknown key (did you mean '" + close.get() + "'?)";
        }
        return accepted.isEmpty() ? "unknown key (no keys are accepted here)"
                : "unknown key (accepted: " + String.join(", ", accepted) + ")";
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and swaps of neighbours. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
