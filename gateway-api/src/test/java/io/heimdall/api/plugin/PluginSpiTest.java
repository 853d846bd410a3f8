package io.heimdall.api.plugin;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PluginSpiTest {
    @Test
    void secretsNeverPrintTheirValue() {
        Secret s = Secret.of("sk-live-0123456789abcdefghijkl");
        assertFalse(s.toString().contains("0123456789"));
        assertEquals("****ijkl", s.toString());
        assertEquals("****", Secret.of("short").toString());
        assertEquals(Secret.of("a"), Secret.of("a"));
        assertNotEquals(Secret.of("a"), Secret.of("b"));
        assertEquals("sk-live-0123456789abcdefghijkl", s.reveal());
    }

    @Test
    void configSpecsRejectBadAndDuplicateKeys() {
        assertThrows(IllegalArgumentException.class, () -> ConfigSpec.builder()
                .optional("base_url", ConfigType.STRING, null, "snake case is not allowed").build());
        assertThrows(IllegalArgumentException.class, () -> ConfigSpec.builder()
                .optional("a", ConfigType.STRING, null, "x").optional("a", ConfigType.STRING, null, "y").build());
        ConfigSpec spec = ConfigSpec.builder().required("base-url", ConfigType.STRING, "where").build();
        assertTrue(spec.option("base-url").orElseThrow().required());
        assertTrue(spec.option("nope").isEmpty());
    }
}
