package io.heimdall.plugin.adminapi;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The last applied config versions, kept on disk in a folder as {@code <version>.yaml} (the masked text: secrets stay
 * tokens, so the folder holds no secret) with a {@code <version>.meta} line of time and author. Oldest dropped past the
 * limit. Thread-safe.
 */
final class History {
    /**
     * One applied version.
     *
     * @param version increasing number
     * @param time    when it was applied
     * @param who     who applied it
     */
    record Version(long version, Instant time, String who) {
    }

    private final Path dir;
    private final int limit;

    History(Path dir, int limit) {
        this.dir = dir;
        this.limit = limit;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the history folder " + dir, e);
        }
    }

    /** Records {@code text} as the newest version unless it equals the newest; returns the newest version. */
    synchronized Version record(String text, String who, Instant now) {
        List<Version> versions = list();
        if (!versions.isEmpty() && text(versions.getLast().version()).map(text::equals).orElse(false)) {
            return versions.getLast();
        }
        long next = versions.isEmpty() ? 1 : versions.getLast().version() + 1;
        write(dir.resolve(next + ".yaml"), text);
        write(dir.resolve(next + ".meta"), now + " " + who.replaceAll("[\\r\\n]", " "));
        for (int i = 0; i <= versions.size() - limit; i++) {
            delete(versions.get(i).version());
        }
        return new Version(next, now, who);
    }

    /** The versions kept, oldest first. */
    synchronized List<Version> list() {
        List<Version> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path p : files.filter(f -> f.getFileName().toString().matches("[0-9]+\\.meta")).toList()) {
                String name = p.getFileName().toString();
                long v = Long.parseLong(name.substring(0, name.length() - 5));
                String[] meta = Files.readString(p, StandardCharsets.UTF_8).split(" ", 2);
                out.add(new Version(v, Instant.parse(meta[0]), meta.length > 1 ? meta[1] : ""));
            }
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("cannot read the history folder " + dir + ": " + e.getMessage(), e);
        }
        out.sort((x, y) -> Long.compare(x.version(), y.version()));
        return out;
    }

    /** The text of a version, if kept. */
    synchronized Optional<String> text(long version) {
        Path p = dir.resolve(version + ".yaml");
        try {
            return Files.exists(p) ? Optional.of(Files.readString(p, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void delete(long version) {
        try {
            Files.deleteIfExists(dir.resolve(version + ".yaml"));
            Files.deleteIfExists(dir.resolve(version + ".meta"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void write(Path file, String text) {
        try {
            Path tmp = Files.createTempFile(file.getParent(), ".", ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
