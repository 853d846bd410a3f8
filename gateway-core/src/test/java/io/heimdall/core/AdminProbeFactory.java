package io.heimdall.core;

import io.heimdall.api.admin.GatewayAdmin;
import io.heimdall.api.endpoint.Access;
import io.heimdall.api.endpoint.Endpoint;
import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.plugin.PluginFactory;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/** Plugin {@code test-admin}: admin routes over {@link PluginContext#admin()}, for {@link AdminAccessTest}. */
final class AdminProbeFactory implements PluginFactory {
    @Override
    public String id() {
        return "test-admin";
    }

    @Override
    public String description() {
        return "Admin probe routes for tests";
    }

    @Override
    public ConfigSpec configSpec() {
        return ConfigSpec.builder().optional("secret-setting", ConfigType.SECRET, "a secret to mask").build();
    }

    @Override
    public Plugin create(PluginConfig config, PluginContext context) {
        GatewayAdmin admin = context.admin().orElseThrow();
        return new Plugin() {
            @Override
            public List<Endpoint> endpoints() {
                return List.of(
                        Endpoint.get("/test/admin/config", (req, res) -> res.send("text/plain", admin.configText()))
                                .withAccess(Access.ADMIN),
                        Endpoint.get("/test/admin/json", (req, res) -> res.send("application/json",
                                admin.configJson())).withAccess(Access.ADMIN),
                        Endpoint.post("/test/admin/validate", (req, res) -> res.send("text/plain",
                                String.join("\n", admin.validate(text(req.body()))))).withAccess(Access.ADMIN),
                        Endpoint.post("/test/admin/apply", (req, res) -> res.send("text/plain",
                                String.join("\n", admin.apply(text(req.body()), req.context().caller().id()))))
                                .withAccess(Access.ADMIN),
                        Endpoint.get("/test/admin/types", (req, res) -> res.send("text/plain",
                                admin.pluginTypes().stream().map(t -> t.kind() + ":" + t.id())
                                        .collect(Collectors.joining(",")))).withAccess(Access.ADMIN),
                        Endpoint.get("/test/admin/targets", (req, res) -> res.send("text/plain",
                                admin.targets().stream().map(t -> t.provider() + "/" + t.key() + "=" + t.breaker())
                                        .collect(Collectors.joining(",")))).withAccess(Access.ADMIN));
            }
        };
    }

    private static String text(byte[] body) {
        return new String(body, StandardCharsets.UTF_8);
    }
}
