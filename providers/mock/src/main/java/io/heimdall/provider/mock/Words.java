package io.heimdall.provider.mock;

import java.util.ArrayList;
import java.util.List;

/** Whitespace word counting and splitting: the mock's notion of a token. */
final class Words {
    private Words() {
    }

    /** The number of whitespace-separated words. */
    static int count(String text) {
        int n = 0;
        boolean inWord = false;
        for (int i = 0, len = text.length(); i < len; i++) {
            boolean space = Character.isWhitespace(text.charAt(i));
            if (!space && !inWord) {
                n++;
            }
            inWord = !space;
        }
        return n;
    }

    /**
     * Splits a text into one piece per word, each with the whitespace before it; whitespace at the end joins the last
     * piece. The pieces concatenate to the exact text, and there are {@link #count} of them (one empty piece for a text
     * without words).
     */
    static List<String> chunks(String text) {
        List<String> pieces = new ArrayList<>();
        int len = text.length();
        int start = 0;
        int i = 0;
        while (i < len) {
            while (i < len && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i == len) {
                break;
            }
            while (i < len && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            pieces.add(text.substring(start, i));
            start = i;
        }
        if (start < len) {
            if (pieces.isEmpty()) {
                pieces.add(text);
            } else {
                pieces.set(pieces.size() - 1, pieces.getLast() + text.substring(start));
            }
        }
        if (pieces.isEmpty()) {
            pieces.add(text);
        }
        return pieces;
    }
}
