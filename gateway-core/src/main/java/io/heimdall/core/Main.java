package io.heimdall.core;

import io.heimdall.core.internal.memory.OldGenGovernor;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.logging.ConsoleHandler;
import java.util.logging.Formatter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The {@code heimdall} command: {@code --config FILE}, {@code --port N}, {@code --host H}, {@code --plugins-dir DIR}.
 * Defaults come from the system property {@code heimdall.home} (set by {@code bin/heimdall}). Prints
 * {@code Heimdall listening on http://HOST:PORT} when ready; stops gracefully on SIGTERM.
 */
public final class Main {
    /** The old generation's least headroom (MiB) past its live set; system property heimdall.old-gen-headroom-mb. */
    private static final long HEADROOM_MB = 16;

    private Main() {
    }

    /** Runs the gateway until the process is stopped. */
    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        if (code != 0) {
            System.exit(code);
        }
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        Path home = Path.of(System.getProperty("heimdall.home", "."));
        Path config = home.resolve("conf/heimdall.yaml");
        Path plugins = home.resolve("plugins");
        Integer port = null;
        String host = null;
        boolean watch = true;
        boolean reference = false;
        boolean train = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = i + 1 < args.length ? args[i + 1] : null;
            switch (a) {
                case "-h", "--help" -> {
                    out.println("""
                            Usage: heimdall [--config FILE] [--port N] [--host HOST] [--plugins-dir DIR] [--no-watch]

                              --config FILE       the config file, YAML or JSON (default: conf/heimdall.yaml)
                              --port N            listen port, overrides server.port; 0 picks a free port
                              --host HOST         listen address, overrides server.host
                              --plugins-dir DIR   where plugin folders are (default: plugins/)
                              --no-watch          do not reload when the config file or the plugins folder changes
                              --config-reference  print every loaded plugin's config keys as Markdown and exit
                              --version           print the version
                              --aot-train         start, send a fixed set of requests to itself, stop: the training
                                                  run that records the JDK AOT cache bin/heimdall ships and uses

                            Environment: HEIMDALL_JAVA_OPTS adds JVM options (bin/heimdall).""");
                    return 0;
                }
                case "--version" -> {
                    out.println("heimdall " + version());
                    return 0;
                }
                case "--no-watch" -> watch = false;
                case "--config-reference" -> reference = true;
                case "--aot-train" -> train = true;
                case "--config", "--port", "--host", "--plugins-dir" -> {
                    if (value == null) {
                        err.println("heimdall: " + a + " needs a value (see --help)");
                        return 2;
                    }
                    i++;
                    switch (a) {
                        case "--config" -> config = Path.of(value);
                        case "--host" -> host = value;
                        case "--plugins-dir" -> plugins = Path.of(value);
                        default -> {
                            try {
                                port = Integer.parseInt(value);
                                if (port < 0 || port > 65535) {
                                    throw new NumberFormatException();
                                }
                            } catch (NumberFormatException e) {
                                err.println("heimdall: --port must be a number from 0 to 65535, got '" + value + "'");
                                return 2;
                            }
                        }
                    }
                }
                default -> {
                    err.println("heimdall: unknown option '" + a + "' (see --help)");
                    return 2;
                }
            }
        }
        if (reference) {
            out.print(Gateway.configReference(plugins));
            return 0;
        }
        if (!Files.isRegularFile(config)) {
            err.println("heimdall: config file not found: " + config.toAbsolutePath());
            return 2;
        }
        configureLogging();
        Gateway.Builder b = Gateway.builder().config(config).pluginsDir(plugins).watchConfig(watch)
                .deferUnusedPlugins(true);
        if (port != null) {
            b.port(port);
        }
        if (host != null) {
            b.host(host);
        }
        Gateway gateway;
        try {
            gateway = b.start();
        } catch (Gateway.GatewayStartException e) {
            err.println("heimdall: cannot start with the config " + config + ":");
            e.problems().forEach(p -> err.println("  " + p));
            return 1;
        }
        if (train) {
            out.println("Heimdall AOT training against " + gateway.baseUrl());
            int answered = AotTraining.run(gateway.baseUrl(), "mock/echo", 200, out);
            gateway.close();
            out.println("Heimdall AOT training: " + answered + " requests answered as expected");
            return 0;
        }
        // Serial collector: a full collection when the old generation grows HEADROOM_MB (or a quarter) past live.
        Optional<OldGenGovernor> governor = OldGenGovernor.start(
                Math.max(1L, Long.getLong("heimdall.old-gen-headroom-mb", HEADROOM_MB)) << 20);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            governor.ifPresent(OldGenGovernor::close);
            gateway.close();
            stopped.countDown();
        }, "heimdall-shutdown"));
        out.println("Heimdall listening on " + gateway.baseUrl());
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    private static String version() {
        String v = Main.class.getModule().getDescriptor() == null ? null
                : Main.class.getModule().getDescriptor().rawVersion().orElse(null);
        return v == null ? "dev" : v;
    }

    /** One line per record on stderr; Helidon's own chatter only from WARNING up. */
    private static void configureLogging() {
        if (System.getProperty("java.util.logging.config.file") != null) {
            return;
        }
        Logger root = Logger.getLogger("");
        for (var h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler handler = new ConsoleHandler();
        handler.setLevel(Level.ALL);
        DateTimeFormatter time = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
        handler.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord r) {
                String msg = formatMessage(r);
                StringBuilder sb = new StringBuilder(96 + msg.length())
                        .append(time.format(r.getInstant())).append(' ')
                        .append(r.getLevel().getName()).append(' ')
                        .append(shortName(r.getLoggerName())).append(": ")
                        .append(msg).append(System.lineSeparator());
                if (r.getThrown() != null) {
                    var sw = new java.io.StringWriter();
                    r.getThrown().printStackTrace(new java.io.PrintWriter(sw));
                    sb.append(sw);
                }
                return sb.toString();
            }
        });
        root.addHandler(handler);
        root.setLevel(Level.INFO);
        Logger.getLogger("io.helidon").setLevel(Level.WARNING);
    }

    private static String shortName(String name) {
        if (name == null) {
            return "";
        }
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(dot + 1);
    }
}
