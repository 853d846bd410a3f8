package io.heimdall.provider.mock;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WordsTest {
    @Test
    void counts() {
        assertEquals(0, Words.count(""));
        assertEquals(0, Words.count(" \n\t "));
        assertEquals(1, Words.count("hello"));
        assertEquals(3, Words.count("  Echo:  hello\nworld "));
    }

    @Test
    void chunksJoinToTheExactTextOnePerWord() {
        for (String text : List.of("Echo: hello world", "Echo:   two  spaces\n and a newline  ", "one", " lead",
                "Echo: ")) {
            List<String> chunks = Words.chunks(text);
            assertEquals(text, String.join("", chunks), text);
            assertEquals(Math.max(1, Words.count(text)), chunks.size(), text);
        }
        assertEquals(List.of("Echo:", " hello", " world"), Words.chunks("Echo: hello world"));
        assertEquals(List.of("Echo: "), Words.chunks("Echo: "));
        assertEquals(List.of(""), Words.chunks(""));
    }
}
