package io.heimdall.plugin.adminapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.heimdall.api.GatewayException;
import io.heimdall.api.model.GatewayError;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Structured edits of the (masked) config text: parse it into a tree, change one provider, key, alias or plugin entry,
 * and write it back as YAML laid out like the text it came from: comments, blank lines and flow styles of the parts
 * that did not change are kept ({@link CommentKeepingYaml}); plain YAML only if that cannot be done faithfully.
 */
final class ConfigEditor {
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };
    private static final YAMLMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .build())
            .build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final String text;
    private final LinkedHashMap<String, Object> tree;

    private ConfigEditor(String text, LinkedHashMap<String, Object> tree) {
        this.text = text;
        this.tree = tree;
    }

    /** Parses config text (YAML, or JSON when it starts with a brace). */
    static ConfigEditor parse(String text) {
        return new ConfigEditor(text, read(text));
    }

    private static LinkedHashMap<String, Object> read(String text) {
        try {
            LinkedHashMap<String, Object> tree = text.isBlank() ? new LinkedHashMap<>()
                    : (text.stripLeading().startsWith("{") ? JSON : YAML).readValue(text, MAP);
            return tree == null ? new LinkedHashMap<>() : tree;
        } catch (JsonProcessingException e) {
            throw bad("the config on disk is not valid YAML; edit it as text", "config_unreadable");
        }
    }

    /**
     * The config as YAML text: the original text with the change, comments kept, when that reads back as exactly the
     * changed tree; else plain YAML.
     */
    String yaml() {
        Optional<String> kept = text.isBlank() ? Optional.empty()
                : CommentKeepingYaml.write(text, read(text), tree).filter(out -> sameTree(out, tree));
        if (kept.isPresent()) {
            return kept.get();
        }
        try {
            return YAML.writeValueAsString(tree);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean sameTree(String out, Map<String, Object> tree) {
        try {
            return read(out).equals(tree);
        } catch (GatewayException e) {
            return false;
        }
    }

    /** The tree itself (for reading). */
    Map<String, Object> tree() {
        return tree;
    }

    /** Adds or replaces provider {@code name}. */
    void putProvider(String name, Map<String, Object> provider) {
        section("providers").put(checkName(name, "provider"), provider);
    }

    /** Removes provider {@code name}; a 404 if there is none. */
    void removeProvider(String name) {
        if (section("providers").remove(name) == null) {
            throw notFound("provider", name);
        }
    }

    /** Adds a key to provider {@code name} (replacing one of the same {@code name}). */
    void putKey(String provider, Map<String, Object> key) {
        Object keyName = key.get("name");
        if (!(keyName instanceof String s) || !NAME.matcher(s).matches()) {
            throw bad("a key needs a name (letters, digits, '.', '_', '-')", "invalid_key_name");
        }
        List<Object> keys = keys(provider);
        keys.removeIf(k -> k instanceof Map<?, ?> m && keyName.equals(m.get("name")));
        keys.add(key);
    }

    /** Removes key {@code keyName} of provider {@code name}; a 404 if there is none. */
    void removeKey(String provider, String keyName) {
        if (!keys(provider).removeIf(k -> k instanceof Map<?, ?> m && keyName.equals(m.get("name")))) {
            throw notFound("key", provider + "/" + keyName);
        }
    }

    /** Adds or replaces model alias {@code alias}. */
    void putModel(String alias, Map<String, Object> definition) {
        section("models").put(checkName(alias, "model alias"), definition);
    }

    /** Removes model alias {@code alias}; a 404 if there is none. */
    void removeModel(String alias) {
        if (section("models").remove(alias) == null) {
            throw notFound("model alias", alias);
        }
    }

    /** The plugin entries. */
    List<Object> plugins() {
        Object v = tree.get("plugins");
        if (v instanceof List<?> l) {
            @SuppressWarnings("unchecked")
            List<Object> list = (List<Object>) l;
            return list;
        }
        List<Object> list = new ArrayList<>();
        tree.put("plugins", list);
        return list;
    }

    /** Appends a plugin entry. */
    void addPlugin(Map<String, Object> entry) {
        checkPlugin(entry);
        plugins().add(entry);
    }

    /** Replaces the plugin entry at {@code index}. */
    void setPlugin(int index, Map<String, Object> entry) {
        checkPlugin(entry);
        List<Object> plugins = plugins();
        if (index < 0 || index >= plugins.size()) {
            throw notFound("plugin entry", String.valueOf(index));
        }
        plugins.set(index, entry);
    }

    /** Removes the plugin entry at {@code index}. */
    void removePlugin(int index) {
        List<Object> plugins = plugins();
        if (index < 0 || index >= plugins.size()) {
            throw notFound("plugin entry", String.valueOf(index));
        }
        plugins.remove(index);
    }

    /** A section of the tree ({@code providers}, {@code models}), created when absent. */
    @SuppressWarnings("unchecked")
    Map<String, Object> section(String key) {
        Object v = tree.get(key);
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        tree.put(key, m);
        return m;
    }

    /** The provider's object, if present. */
    @SuppressWarnings("unchecked")
    Optional<Map<String, Object>> provider(String name) {
        return section("providers").get(name) instanceof Map<?, ?> m ? Optional.of((Map<String, Object>) m)
                : Optional.empty();
    }

    @SuppressWarnings("unchecked")
    private List<Object> keys(String provider) {
        Map<String, Object> p = provider(provider).orElseThrow(() -> notFound("provider", provider));
        if (p.get("keys") instanceof List<?> l) {
            return (List<Object>) l;
        }
        List<Object> keys = new ArrayList<>();
        p.put("keys", keys);
        return keys;
    }

    private static void checkPlugin(Map<String, Object> entry) {
        if (!(entry.get("id") instanceof String id) || id.isBlank()) {
            throw bad("a plugin entry needs an id", "invalid_plugin_entry");
        }
    }

    private static String checkName(String name, String what) {
        if (!NAME.matcher(name).matches()) {
            throw bad("invalid " + what + " name '" + name.replaceAll("[^\\x20-\\x7e]", "?")
                    + "' (letters, digits, '.', '_', '-'; at most 64)", "invalid_name");
        }
        return name;
    }

    static GatewayException bad(String message, String code) {
        return new GatewayException(GatewayError.of(400, GatewayError.INVALID_REQUEST, message, code));
    }

    static GatewayException notFound(String what, String name) {
        return new GatewayException(GatewayError.of(404, GatewayError.NOT_FOUND, "No " + what + " '"
                + name.replaceAll("[^\\x20-\\x7e]", "?") + "' in the config", "not_found"));
    }
}
