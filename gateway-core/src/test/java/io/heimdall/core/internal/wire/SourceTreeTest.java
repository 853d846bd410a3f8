package io.heimdall.core.internal.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SourceTreeTest {
    private static JsonNode read(String json) throws Exception {
        byte[] src = json.getBytes(StandardCharsets.UTF_8);
        try (JsonParser p = new JsonFactory().createParser(src)) {
            return SourceTree.read(p, src);
        }
    }

    @Test
    void treeEqualsJacksonsAndKeepsEachValuesSourceTokens() throws Exception {
        String in = """
                { "a" : [ 1, 2.50, -0.0, 1e-7, 12345678901234567890, true, null, "x y" ],
                  "b" : { "s" : "r\\u00e9sum\\u00e9 \\"q\\" \\\\", "n" : { } },
                  "c" : [ ], "é" : 0.12345678901234567 }""";
        JsonNode tree = read(in);
        assertEquals(new ObjectMapper().readTree(in), tree);
        assertEquals("[1,2.50,-0.0,1e-7,12345678901234567890,true,null,\"x y\"]", SourceTree.text(tree.get("a")));
        assertEquals("{\"s\":\"r\\u00e9sum\\u00e9 \\\"q\\\" \\\\\",\"n\":{}}", SourceTree.text(tree.get("b")));
        assertEquals("{}", SourceTree.text(tree.get("b").get("n")));
        assertEquals("[]", SourceTree.text(tree.get("c")));
        assertEquals("0.12345678901234567", SourceTree.text(tree.get("é")));
        assertEquals("1e-7", SourceTree.text(tree.get("a").get(3)));
        assertTrue(SourceTree.text(tree).startsWith("{\"a\":[1,"));
        assertEquals("\"x y\"", SourceTree.text(tree.get("a").get(7)));
    }

    @Test
    void offsetsHoldWithAByteOrderMarkAndMultiByteText() throws Exception {
        byte[] body = "\uFEFF{\"ü\":\"ä\",\"o\":{ \"k\" : [ \"ß\" ] }}".getBytes(StandardCharsets.UTF_8);
        try (JsonParser p = new JsonFactory().createParser(body)) {
            JsonNode tree = SourceTree.read(p, body);
            assertEquals("{\"k\":[\"ß\"]}", SourceTree.text(tree.get("o")));
        }
    }

    @Test
    void lastWinsForDuplicateKeysAndBadInputFails() throws Exception {
        assertEquals(2, read("{\"k\":1,\"k\":2}").get("k").intValue());
        assertTrue(read("").isMissingNode());
        assertThrows(com.fasterxml.jackson.core.JsonProcessingException.class, () -> read("{\"a\":[1,2}"));
        assertThrows(com.fasterxml.jackson.core.JsonProcessingException.class, () -> read("{\"a\":"));
    }

    @Test
    void scalarsAreWrittenExactlyAsJacksonWritesThem() throws Exception {
        StringBuilder all = new StringBuilder();
        for (char c = 0; c < 0x800; c++) {
            all.append(c);
            String one = String.valueOf(c);
            assertEquals(TextNode.valueOf(one).toString(), SourceTree.text(TextNode.valueOf(one)), "char " + (int) c);
        }
        all.append("\ud83d\ude00 \u2028 end");
        assertEquals(TextNode.valueOf(all.toString()).toString(), SourceTree.text(TextNode.valueOf(all.toString())));
        assertEquals("\"plain\"", SourceTree.text(TextNode.valueOf("plain")));
        JsonNode tree = read("{\"i\":-42,\"l\":9007199254740993,\"t\":true,\"f\":false,\"n\":null,\"s\":\"a\\nb\"}");
        for (String field : new String[] {"i", "l", "t", "f", "n", "s"}) {
            assertEquals(tree.get(field).toString(), SourceTree.text(tree.get(field)), field);
        }
        assertEquals("-42", SourceTree.text(IntNode.valueOf(-42)));
        assertEquals("9007199254740993", SourceTree.text(LongNode.valueOf(9007199254740993L)));
    }
}
