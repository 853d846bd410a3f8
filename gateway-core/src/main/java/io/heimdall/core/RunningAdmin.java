package io.heimdall.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.heimdall.api.admin.GatewayAdmin;
import io.heimdall.api.admin.PluginType;
import io.heimdall.api.admin.TargetState;
import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.PluginFactory;
import io.heimdall.api.provider.ProviderFactory;
import io.heimdall.core.internal.config.ConfigException;
import io.heimdall.core.internal.config.GatewayConfig;
import io.heimdall.core.internal.config.Problems;
import io.heimdall.core.internal.config.SecretMask;
import io.heimdall.core.internal.plugin.PluginRegistry;
import io.heimdall.core.internal.resilience.TargetSnapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@link GatewayAdmin} of a running {@link Gateway}: reads and masks its config file, validates proposed configs
 * as a start would, writes and applies them through the gateway's serialised hot reload, and reports plugin types and
 * target health.
 */
final class RunningAdmin implements GatewayAdmin {
    private static final System.Logger LOG = System.getLogger(RunningAdmin.class.getName());

    private final Gateway gateway;
    /** Every literal secret of the configs this gateway has run with, so a rollback can put back a removed one. */
    private final AtomicReference<SecretMask> seen = new AtomicReference<>(SecretMask.none());

    RunningAdmin(Gateway gateway) {
        this.gateway = gateway;
    }

    @Override
    public Optional<String> configFile() {
        return Optional.ofNullable(gateway.configPath()).map(Path::toString);
    }

    @Override
    public String configText() {
        Path file = gateway.configPath();
        if (file == null) {
            return "";
        }
        try {
            return mask().mask(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the config file", e);
        }
    }

    @Override
    public String configJson() {
        String text = configText();
        try {
            Object tree = text.isBlank() ? Map.of() : (json(text) ? new ObjectMapper() : new YAMLMapper())
                    .readValue(text, Object.class);
            return new ObjectMapper().writeValueAsString(tree == null ? Map.of() : tree);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the config file", e);
        }
    }

    @Override
    public List<String> validate(String text) {
        Problems problems = new Problems();
        String plain = mask().unmask(text, problems);
        try {
            problems.throwIfAny();
            GatewayConfig config = gateway.loader().parse(plain.getBytes(StandardCharsets.UTF_8), json(plain),
                    "proposed config", problems);
            gateway.generationBuilder().check(config, problems, gateway.registry());
            problems.throwIfAny();
            return List.of();
        } catch (ConfigException e) {
            return e.problems();
        }
    }

    @Override
    public List<String> apply(String text, String who) {
        Path file = gateway.configPath();
        if (file == null) {
            throw new IllegalStateException("this gateway was started without a config file");
        }
        synchronized (gateway) {
            List<String> problems = validate(text);
            if (!problems.isEmpty()) {
                return problems;
            }
            String plain = mask().unmask(text, new Problems());
            try {
                byte[] previous = Files.readAllBytes(file);
                write(file, plain.getBytes(StandardCharsets.UTF_8));
                List<String> refused = gateway.reload();
                if (!refused.isEmpty()) {
                    write(file, previous);
                    return refused;
                }
            } catch (IOException e) {
                return List.of("(file): cannot write " + file + ": " + e.getMessage());
            }
            LOG.log(System.Logger.Level.INFO, "Config applied from the admin API by {0}", who);
            return List.of();
        }
    }

    /** Writes a sibling temporary file and moves it over {@code file} atomically. */
    private static void write(Path file, byte[] bytes) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public List<PluginType> pluginTypes() {
        PluginRegistry registry = gateway.registry();
        List<PluginType> out = new ArrayList<>();
        for (PluginRegistry.Entry e : registry.all(PluginRegistry.Kind.PROVIDER).values()) {
            ProviderFactory f = (ProviderFactory) e.factory();
            out.add(new PluginType(f.id(), PluginType.Kind.PROVIDER, f.description(), e.origin(), f.configSpec(),
                    Optional.of(f.keySpec())));
        }
        for (PluginRegistry.Entry e : registry.all(PluginRegistry.Kind.PLUGIN).values()) {
            PluginFactory f = (PluginFactory) e.factory();
            out.add(new PluginType(f.id(), PluginType.Kind.PLUGIN, f.description(), e.origin(), f.configSpec(),
                    Optional.empty()));
        }
        return List.copyOf(out);
    }

    @Override
    public List<TargetState> targets() {
        List<TargetState> out = new ArrayList<>();
        for (TargetSnapshot t : gateway.engine().health().snapshot()) {
            out.add(new TargetState(t.provider(), t.key(), t.available(),
                    t.state().name().toLowerCase(Locale.ROOT).replace('_', '-'), t.consecutiveFailures(),
                    t.errorRate(), t.breakerRetryIn(), t.cooldownRemaining(), t.disabledReason(), t.ejected(),
                    t.latency()));
        }
        return List.copyOf(out);
    }

    private SecretMask mask() {
        PluginRegistry registry = gateway.registry();
        SecretMask current = SecretMask.of(gateway.config(),
                type -> registry.find(PluginRegistry.Kind.PROVIDER, type).map(e -> (ProviderFactory) e.factory())
                        .map(f -> new ConfigSpec[]{f.configSpec(), f.keySpec()}),
                id -> registry.find(PluginRegistry.Kind.PLUGIN, id).map(e -> e.factory().configSpec()));
        return seen.updateAndGet(current::orElse);
    }

    private static boolean json(String text) {
        return text.stripLeading().startsWith("{");
    }
}
