package io.heimdall.core.internal.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
}
