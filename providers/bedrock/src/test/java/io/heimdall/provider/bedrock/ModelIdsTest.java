package io.heimdall.provider.bedrock;

import io.heimdall.api.GatewayException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Model ids in URL paths: encoded as one segment, traversal and odd characters refused with a 400. */
class ModelIdsTest {
    @Test
    void encodesIdsAndArnsAsOneSegment() {
        assertEquals("anthropic.claude-3-haiku-20240307-v1%3A0",
                ModelIds.encode("b", "anthropic.claude-3-haiku-20240307-v1:0"));
        assertEquals("arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.meta.llama3-v1%3A0",
                ModelIds.encode("b", "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.meta.llama3-v1:0"));
    }

    @Test
    void refusesTraversalAndOddCharacters() {
        for (String bad : new String[] {"bedrock/../../x", "../x", "..", "arn:aws:bedrock:x/../y", "a b", "a%2Fb",
                "a?b", "a#b", "", "arn:aws:bedrock:x//y", "a\nb", "mødel"}) {
            GatewayException e = assertThrows(GatewayException.class, () -> ModelIds.encode("b", bad), bad);
            assertEquals(400, e.error().status());
            assertEquals("model", e.error().param().orElseThrow());
            assertEquals("invalid_model", e.error().code().orElseThrow());
        }
    }
}
