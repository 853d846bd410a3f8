package io.heimdall.plugin.adminapi;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Structured edits keep the text's comments and layout where the values did not change. */
class ConfigEditorTest {
    private static final Path DEFAULT_CONFIG = Path.of("../../distribution/src/main/dist/conf/heimdall.yaml");

    @Test
    void addingAProviderToTheDefaultConfigKeepsItsComments() throws Exception {
        String text = Files.readString(DEFAULT_CONFIG);
        ConfigEditor editor = ConfigEditor.parse(text);
        Map<String, Object> provider = new LinkedHashMap<>();
        provider.put("type", "openai-compatible");
        provider.put("base-url", "http://127.0.0.1:11434/v1");
        provider.put("keys", List.of(Map.of("name", "main", "value", "${env:LOCAL_LLM_API_KEY}")));
        editor.putProvider("local", provider);
        String out = editor.yaml();

        for (String line : text.lines().toList()) {
            if (line.strip().startsWith("#")) {
                assertTrue(out.contains(line.strip()), "comment lost: " + line + "\n---\n" + out);
            }
        }
        assertTrue(out.contains("    type: mock # plugins/mock"), out);
        assertTrue(out.contains("  # The web UI at http://127.0.0.1:8080/ (docs/web-ui.md), built on the admin API.\n  - id: web-ui\n"), out);
        Map<String, Object> providers = ConfigEditor.parse(out).section("providers");
        assertEquals(List.of("mock", "local"), List.copyOf(providers.keySet()));
        assertEquals(provider, providers.get("local"));
        assertEquals(ConfigEditor.parse(text).section("models"), ConfigEditor.parse(out).section("models"));
    }

    @Test
    void removingAndReplacingEntriesKeepsTheRest() {
        String text = """
                # top comment
                server: { host: 127.0.0.1, port: 0 }
                providers:
                  a: { type: mock }   # first
                  # about b
                  b:
                    type: mock
                models:
                  default: { targets: [ { model: a/echo } ] }
                plugins:
                  - id: admin-api     # the API
                  - id: web-ui
                """;
        ConfigEditor editor = ConfigEditor.parse(text);
        editor.removeProvider("a");
        editor.putModel("default", Map.of("targets", List.of(Map.of("model", "b/echo"))));
        editor.setPlugin(1, Map.of("id", "web-ui", "enabled", false));
        String out = editor.yaml();
        assertTrue(out.contains("# top comment"), out);
        assertTrue(out.contains("# about b"), out);
        assertTrue(out.contains("# the API"), out);
        assertFalse(out.contains("a: { type: mock }"), out);
        ConfigEditor back = ConfigEditor.parse(out);
        assertEquals(List.of("b"), List.copyOf(back.section("providers").keySet()));
        assertEquals(Map.of("id", "web-ui", "enabled", false), back.plugins().get(1));
        assertEquals("b/echo", ((Map<?, ?>) ((List<?>) ((Map<?, ?>) back.section("models").get("default"))
                .get("targets")).getFirst()).get("model"));
    }
}
