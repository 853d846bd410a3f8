package io.heimdall.testkit.internal;

import java.util.ArrayList;
import java.util.List;

/** The mock's stand-in for a tokenizer: a token is a run of non-whitespace with the whitespace before it. */
public final class Words {
    private Words() {
    }

    /** How many tokens the text has: its whitespace-separated words. */
    public static int count(String text) {
        if (text == null) {
            return 0;
        }
        int n = 0;
        boolean inWord = false;
        for (int i = 0; i < text.length(); i++) {
            boolean ws = Character.isWhitespace(text.charAt(i));
            if (!ws && !inWord) {
                n++;
            }
            inWord = !ws;
        }
        return n;
    }

    /** How many {@link #pieces} the text has, without splitting it. */
    public static int pieceCount(String text) {
        int words = count(text);
        return words == 0 && !text.isEmpty() ? 1 : words;
    }

    /**
     * Splits the text into stream pieces that concatenate back to it exactly: each piece is a word with the whitespace
     * before it ({@code "Echo: a b"} gives {@code "Echo:", " a", " b"}); trailing whitespace joins the last piece.
     */
    public static List<String> pieces(String text) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 1; i < text.length(); i++) {
            if (Character.isWhitespace(text.charAt(i)) && !Character.isWhitespace(text.charAt(i - 1))) {
                if (hasWordAfter(text, i)) {
                    out.add(text.substring(start, i));
                    start = i;
                }
            }
        }
        if (start < text.length()) {
            out.add(text.substring(start));
        }
        return out;
    }

    private static boolean hasWordAfter(String text, int from) {
        for (int i = from; i < text.length(); i++) {
            if (!Character.isWhitespace(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Splits a text into fragments of at most {@code size} chars without separating a surrogate pair, the way
     * tool-call arguments arrive in a stream.
     */
    public static List<String> fragments(String text, int size) {
        List<String> out = new ArrayList<>();
        int i = 0;
        while (i < text.length()) {
            int end = Math.min(text.length(), i + size);
            if (end < text.length() && Character.isHighSurrogate(text.charAt(end - 1))) {
                end++;
            }
            out.add(text.substring(i, end));
            i = end;
        }
        return out;
    }
}
