package io.heimdall.testkit.internal;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WordsTest {
    @Test
    void countsWhitespaceSeparatedWords() {
        assertEquals(0, Words.count(null));
        assertEquals(0, Words.count(" \n\t"));
        assertEquals(3, Words.count("  a bb\nccc "));
    }

    @Test
    void piecesConcatenateBackExactly() {
        for (String text : List.of("Echo: a b", "Echo: ", "  lead", "a\n\nb  ", "x", "Echo: Zoë 👋 \"q\"", "   ", "")) {
            assertEquals(text, String.join("", Words.pieces(text)), text);
            assertEquals(Words.pieces(text).size(), Words.pieceCount(text), text);
        }
        assertEquals(List.of("Echo:", " a", "  b"), Words.pieces("Echo: a  b"));
        assertEquals(List.of("Echo: "), Words.pieces("Echo: "));
        assertEquals(List.of("Echo:", " a "), Words.pieces("Echo: a "));
    }

    @Test
    void fragmentsNeverSplitSurrogatePairs() {
        String text = "1234567👋abc";
        List<String> fragments = Words.fragments(text, 8);

        assertEquals(text, String.join("", fragments));
        assertEquals("1234567👋", fragments.getFirst());
        assertEquals(List.of("ab", "c"), Words.fragments("abc", 2));
    }
}
