package io.heimdall.plugin.accesslog;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Where lines go: stdout, or a file that is rotated when it would grow past {@code maxBytes} ({@code file} becomes
 * {@code file.1}, {@code file.1} becomes {@code file.2}, ... up to {@code maxFiles}). Used by the writer thread only.
 */
abstract class AccessLogSink implements AutoCloseable {
    /** Writes one line (its bytes, newline included). */
    final void write(byte[] line) throws IOException {
        write(line, 0, line.length);
    }

    /** Writes whole lines: {@code length} bytes of {@code bytes} from {@code offset}, the last newline included. */
    abstract void write(byte[] bytes, int offset, int length) throws IOException;

    /**
     * Writes every line of {@code batch} in as few writes as rotation allows (a file rotates only between two writes,
     * so a line never straddles two files).
     */
    final void writeLines(LineBuffer.Lines batch) throws IOException {
        byte[] bytes = batch.bytes();
        int from = 0;
        for (int i = 0; i < batch.lines(); i++) {
            int end = batch.end(i);
            if (!fits(end - from)) {
                int start = batch.start(i);
                if (start > from) {
                    write(bytes, from, start - from);
                    from = start;
                }
                if (!fits(end - from)) {
                    write(bytes, from, end - from); // alone: the sink rotates before it
                    from = end;
                }
            }
        }
        int last = batch.lines() == 0 ? 0 : batch.end(batch.lines() - 1);
        if (from < last) {
            write(bytes, from, last - from);
        }
    }

    /** Whether {@code length} more bytes go out in one write without a rotation before them. */
    abstract boolean fits(int length);

    /** Pushes buffered lines out. */
    abstract void flush() throws IOException;

    @Override
    public abstract void close() throws IOException;

    static AccessLogSink stdout() {
        return new AccessLogSink() {
            private final PrintStream out = System.out;

            @Override
            boolean fits(int length) {
                return true;
            }

            @Override
            void write(byte[] bytes, int offset, int length) {
                out.write(bytes, offset, length);
            }

            @Override
            void flush() {
                out.flush();
            }

            @Override
            public void close() {
                out.flush();
            }
        };
    }

    static AccessLogSink file(Path file, long maxBytes, int maxFiles) {
        return new RotatingFile(file.toAbsolutePath(), maxBytes, maxFiles);
    }

    /** A file rotated by size. */
    private static final class RotatingFile extends AccessLogSink {
        private final Path file;
        private final long maxBytes;
        private final int maxFiles;
        private OutputStream out;
        private long size;

        RotatingFile(Path file, long maxBytes, int maxFiles) {
            this.file = file;
            this.maxBytes = maxBytes;
            this.maxFiles = maxFiles;
        }

        @Override
        boolean fits(int length) {
            return out != null && (size == 0 || size + length <= maxBytes); // as write decides
        }

        @Override
        void write(byte[] bytes, int offset, int length) throws IOException {
            if (out == null) {
                open();
            }
            if (size > 0 && size + length > maxBytes) {
                rotate();
            }
            out.write(bytes, offset, length);
            size += length;
        }

        private void open() throws IOException {
            Path parent = file.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND), 64 * 1024);
            size = Files.size(file);
        }

        private void rotate() throws IOException {
            out.close();
            if (maxFiles == 0) {
                Files.delete(file);
            } else {
                Files.deleteIfExists(sibling(maxFiles));
                for (int i = maxFiles - 1; i >= 1; i--) {
                    if (Files.exists(sibling(i))) {
                        Files.move(sibling(i), sibling(i + 1), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                Files.move(file, sibling(1), StandardCopyOption.REPLACE_EXISTING);
            }
            open();
        }

        private Path sibling(int n) {
            return file.resolveSibling(file.getFileName() + "." + n);
        }

        @Override
        void flush() throws IOException {
            if (out != null) {
                out.flush();
            }
        }

        @Override
        public void close() throws IOException {
            if (out != null) {
                out.close();
                out = null;
            }
        }
    }
}
