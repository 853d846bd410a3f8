package io.heimdall.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Starts gateways with a given {@code server:} section and the scripted provider, for the server tests. */
final class TestGateways {
    static final String PROVIDERS = """
            providers:
              alpha: { type: scripted, label: alpha }
              slow: { type: scripted, label: slow, delay: 2500ms }
            """;

    private TestGateways() {
    }

    /** A gateway on an ephemeral port whose config is {@code server: <server>} plus {@link #PROVIDERS}. */
    static Gateway start(Path dir, String name, String server) {
        try {
            Path config = dir.resolve(name + ".yaml");
            Files.writeString(config, "server: " + server + "\n" + PROVIDERS);
            return Gateway.builder().config(config).port(0).watchConfig(false)
                    .factory(new ScriptedProviderFactory()).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String chat(String model, String text, boolean stream) {
        return "{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + text
                + "\"}],\"stream\":" + stream + "}";
    }

    /** Records every log record at WARNING or above, from every logger, while open. */
    static final class LogCapture extends Handler implements AutoCloseable {
        final List<LogRecord> records = new ArrayList<>();

        LogCapture() {
            setLevel(Level.ALL);
            Logger.getLogger("").addHandler(this);
        }

        @Override
        public synchronized void publish(LogRecord record) {
            if (record.getLevel().intValue() >= Level.WARNING.intValue()) {
                records.add(record);
            }
        }

        synchronized List<String> messages() {
            return records.stream().map(r -> r.getLoggerName() + ": " + r.getMessage()
                    + (r.getThrown() == null ? "" : " (" + r.getThrown() + ")")).toList();
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
            Logger.getLogger("").removeHandler(this);
        }
    }
}
