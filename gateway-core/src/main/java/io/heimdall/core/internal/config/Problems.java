package io.heimdall.core.internal.config;

import java.util.ArrayList;
import java.util.List;

/** Collects config problems so that one load reports all of them, not just the first. */
public final class Problems {
    private final List<String> list = new ArrayList<>();

    /** Records a problem at a path. */
    public void add(String path, String reason) {
        list.add((path.isEmpty() ? "(root)" : path) + ": " + reason);
    }

    /** Throws a {@link ConfigException} if any problem was recorded. */
    public void throwIfAny() {
        if (!list.isEmpty()) {
            throw new ConfigException(list);
        }
    }
}
