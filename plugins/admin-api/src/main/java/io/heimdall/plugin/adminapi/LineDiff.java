package io.heimdall.plugin.adminapi;

import java.util.ArrayList;
import java.util.List;

/**
 * A line diff of two texts in the unified style ({@code " "} kept, {@code "-"} removed, {@code "+"} added), from the
 * longest common subsequence of their lines. Config files are small; inputs past {@link #MAX_LINES} lines each are
 * compared as a whole replacement.
 */
final class LineDiff {
    static final int MAX_LINES = 4000;

    private LineDiff() {
    }

    /** The diff lines turning {@code before} into {@code after}; unchanged lines far from a change are left out. */
    static List<String> of(String before, String after) {
        String[] a = before.isEmpty() ? new String[0] : before.split("\n", -1);
        String[] b = after.isEmpty() ? new String[0] : after.split("\n", -1);
        List<String> all = new ArrayList<>();
        if (a.length > MAX_LINES || b.length > MAX_LINES) {
            for (String line : a) {
                all.add("-" + line);
            }
            for (String line : b) {
                all.add("+" + line);
            }
            return all;
        }
        int[][] lcs = new int[a.length + 1][b.length + 1];
        for (int i = a.length - 1; i >= 0; i--) {
            for (int j = b.length - 1; j >= 0; j--) {
                lcs[i][j] = a[i].equals(b[j]) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        int i = 0;
        int j = 0;
        while (i < a.length || j < b.length) {
            if (i < a.length && j < b.length && a[i].equals(b[j])) {
                all.add(" " + a[i++]);
                j++;
            } else if (j < b.length && (i == a.length || lcs[i][j + 1] >= lcs[i + 1][j])) {
                all.add("+" + b[j++]);
            } else {
                all.add("-" + a[i++]);
            }
        }
        return context(all, 3);
    }

    /** Keeps changed lines and up to {@code around} unchanged lines either side of each. */
    private static List<String> context(List<String> all, int around) {
        boolean[] keep = new boolean[all.size()];
        for (int k = 0; k < all.size(); k++) {
            if (all.get(k).charAt(0) != ' ') {
                for (int d = Math.max(0, k - around); d <= Math.min(all.size() - 1, k + around); d++) {
                    keep[d] = true;
                }
            }
        }
        List<String> out = new ArrayList<>();
        boolean skipped = false;
        for (int k = 0; k < all.size(); k++) {
            if (keep[k]) {
                if (skipped && !out.isEmpty()) {
                    out.add("@@");
                }
                out.add(all.get(k));
                skipped = false;
            } else {
                skipped = true;
            }
        }
        return out;
    }
}
