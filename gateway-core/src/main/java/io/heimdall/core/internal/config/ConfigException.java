package io.heimdall.core.internal.config;

import java.util.List;

/** A config that cannot be used, with one line per problem, each starting with the exact path. */
public final class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final List<String> problems;

    /** Creates an exception listing every problem found. */
    public ConfigException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    /** Creates an exception for one problem. */
    public ConfigException(String problem) {
        this(List.of(problem));
    }

    /** The problems, each as {@code path: reason}. */
    public List<String> problems() {
        return problems;
    }
}
