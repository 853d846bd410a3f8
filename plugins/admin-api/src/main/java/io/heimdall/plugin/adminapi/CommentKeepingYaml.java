package io.heimdall.plugin.adminapi;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.representer.Representer;

import java.io.StringReader;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes a structured change back into the config text it came from, keeping the text's comments, blank lines and
 * flow styles wherever the values did not change: the text is composed into SnakeYAML nodes (comments included), the
 * nodes of unchanged values are kept, changed or new values are drawn fresh, removed ones dropped.
 */
final class CommentKeepingYaml {
    private static final Pattern DASH_COMMENT = Pattern.compile("( *)- (#.*)");

    private final Yaml yaml;

    private CommentKeepingYaml() {
        LoaderOptions loader = new LoaderOptions();
        loader.setProcessComments(true);
        DumperOptions dumper = new DumperOptions();
        dumper.setProcessComments(true);
        dumper.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        dumper.setIndent(2);
        dumper.setIndicatorIndent(2);
        dumper.setIndentWithIndicator(true);
        dumper.setWidth(120);
        dumper.setSplitLines(false);
        this.yaml = new Yaml(new SafeConstructor(loader), new Representer(dumper), dumper, loader);
    }

    /**
     * The new tree as text laid out like {@code original}: empty when the original cannot be composed (the caller then
     * writes plain YAML).
     *
     * @param original the text the change started from
     * @param before   that text's tree, as parsed before the change
     * @param after    the changed tree
     */
    static Optional<String> write(String original, Map<String, Object> before, Map<String, Object> after) {
        try {
            CommentKeepingYaml w = new CommentKeepingYaml();
            if (!(w.yaml.compose(new StringReader(original)) instanceof MappingNode root)) {
                return Optional.empty();
            }
            StringWriter out = new StringWriter();
            w.yaml.serialize(w.merge(root, before, after), out);
            return Optional.of(liftItemComments(out.toString()));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The node for {@code after}: {@code node} itself when unchanged, else merged or drawn fresh. */
    private Node merge(Node node, Object before, Object after) {
        if (Objects.equals(before, after)) {
            return node;
        }
        if (node instanceof MappingNode m && before instanceof Map<?, ?> b && after instanceof Map<?, ?> a) {
            return mapping(m, b, a);
        }
        if (node instanceof SequenceNode s && before instanceof List<?> b && after instanceof List<?> a) {
            return sequence(s, b, a);
        }
        Node fresh = yaml.represent(after);
        fresh.setBlockComments(node.getBlockComments());
        fresh.setInLineComments(node.getInLineComments());
        return fresh;
    }

    private Node mapping(MappingNode node, Map<?, ?> before, Map<?, ?> after) {
        List<NodeTuple> tuples = new ArrayList<>();
        for (Map.Entry<?, ?> e : after.entrySet()) {
            NodeTuple old = tuple(node, e.getKey());
            if (old != null && before.containsKey(e.getKey())) {
                tuples.add(new NodeTuple(old.getKeyNode(),
                        merge(old.getValueNode(), before.get(e.getKey()), e.getValue())));
            } else {
                tuples.add(new NodeTuple(yaml.represent(e.getKey()), yaml.represent(e.getValue())));
            }
        }
        node.setValue(tuples);
        if (!tuples.isEmpty() && node.getFlowStyle() == DumperOptions.FlowStyle.FLOW
                && tuples.stream().anyMatch(t -> t.getValueNode() instanceof MappingNode v
                && v.getFlowStyle() == DumperOptions.FlowStyle.BLOCK)) {
            node.setFlowStyle(DumperOptions.FlowStyle.BLOCK);
        }
        return node;
    }

    private Node sequence(SequenceNode node, List<?> before, List<?> after) {
        List<Node> items = List.copyOf(node.getValue());
        List<Node> out = new ArrayList<>();
        boolean[] used = new boolean[before.size()];
        int from = 0;
        for (int i = 0; i < after.size(); i++) {
            Object a = after.get(i);
            int match = -1;
            for (int j = from; j < before.size() && match < 0; j++) {
                if (!used[j] && Objects.equals(before.get(j), a)) {
                    match = j;
                }
            }
            if (match >= 0) {
                used[match] = true;
                from = match + 1;
                out.add(items.get(match));
            } else if (i < before.size() && !used[i]) {
                used[i] = true;
                out.add(merge(items.get(i), before.get(i), a));
            } else {
                out.add(yaml.represent(a));
            }
        }
        node.getValue().clear();
        node.getValue().addAll(out);
        if (node.getFlowStyle() == DumperOptions.FlowStyle.FLOW
                && out.stream().anyMatch(n -> !(n instanceof ScalarNode))) {
            node.setFlowStyle(DumperOptions.FlowStyle.BLOCK);
        }
        return node;
    }

    /**
     * SnakeYAML writes the comments above a sequence item after its dash ({@code - # comment}, the item's first key on
     * the next line); this puts them back above the dash, as they were written.
     */
    static String liftItemComments(String text) {
        List<String> lines = text.lines().toList();
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = DASH_COMMENT.matcher(lines.get(i));
            int next = i + 1;
            while (m.matches() && next < lines.size() && lines.get(next).strip().startsWith("#")) {
                next++;
            }
            String indent = m.matches() ? m.group(1) : "";
            if (!m.matches() || next >= lines.size() || !lines.get(next).startsWith(indent + "  ")
                    || lines.get(next).charAt(indent.length() + 2) == ' ') {
                out.append(lines.get(i)).append('\n');
                continue;
            }
            out.append(indent).append(m.group(2)).append('\n');
            for (int j = i + 1; j < next; j++) {
                out.append(indent).append(lines.get(j).strip()).append('\n');
            }
            out.append(indent).append("- ").append(lines.get(next).substring(indent.length() + 2)).append('\n');
            i = next;
        }
        return out.toString();
    }

    private static NodeTuple tuple(MappingNode node, Object key) {
        for (NodeTuple t : node.getValue()) {
            if (t.getKeyNode() instanceof ScalarNode k && k.getValue().equals(String.valueOf(key))) {
                return t;
            }
        }
        return null;
    }
}
