package io.heimdall.core.internal.config;

import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.ConfigType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static io.heimdall.core.internal.config.Load.exactly;
import static io.heimdall.core.internal.config.Load.problems;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The generated reference flattens nested specs; unknown keys get a "did you mean" everywhere. */
class SpecReferenceTest {
    @Test
    void nestedKeysAreRenderedWithTheirPath() {
        ConfigSpec spec = ConfigSpec.builder()
                .mapOf("servers", ConfigSpec.builder()
                        .optional("command", ConfigType.STRING_LIST, "program and arguments")
                        .stringMap("env", "environment")
                        .build(), "MCP servers by name")
                .listOf("rules", ConfigSpec.builder().required("pattern", ConfigType.STRING, "glob").build(), "rules")
                .object("tls", ConfigSpec.builder().optional("verify", true, "check certificates").build(), "TLS")
                .optional("mode", "tools", "what it does").oneOf("tools", "agent")
                .optional("turns", 8, "turns").range(1, 100)
                .optional("ratio", ConfigType.NUMBER, "share").min(0.5)
                .optional("poll", Duration.ofSeconds(30), "a | pipe")
                .build();
        List<SpecReference.Row> rows = SpecReference.rows(spec);
        assertEquals(List.of(
                new SpecReference.Row("servers", "object-map", "—", "MCP servers by name"),
                new SpecReference.Row("servers.<name>.command", "string-list", "—", "program and arguments"),
                new SpecReference.Row("servers.<name>.env", "string-map", "—", "environment"),
                new SpecReference.Row("rules", "object-list", "—", "rules"),
                new SpecReference.Row("rules[].pattern", "string", "required", "glob"),
                new SpecReference.Row("tls", "object", "—", "TLS"),
                new SpecReference.Row("tls.verify", "boolean", "`true`", "check certificates"),
                new SpecReference.Row("mode", "string (one of: tools, agent)", "`tools`", "what it does"),
                new SpecReference.Row("turns", "integer (1..100)", "`8`", "turns"),
                new SpecReference.Row("ratio", "number (0.5..)", "—", "share"),
                new SpecReference.Row("poll", "duration", "`30s`", "a | pipe")), rows);
    }

    @Test
    void unknownKeysSuggestTheClosestKnownOne() {
        exactly(problems("provders: {}\nserver: { prot: 1, xyz: 2 }\n"),
                "provders: unknown key (did you mean 'providers'?)",
                "server.prot: unknown key (did you mean 'port'?)",
                "server.xyz: unknown key (accepted: body-timeout, connect-timeout, cors, header-timeout, host, "
                        + "idle-timeout, max-body-size, max-connections, port, request-timeout)");
        assertEquals(1, Suggest.distance("lable", "label"));
        assertEquals(1, Suggest.distance("comand", "command"));
        assertEquals(3, Suggest.distance("retry", "retries"));
        assertEquals(java.util.Optional.empty(), Suggest.closest("x", List.of("y", "z")));
        assertEquals(java.util.Optional.of("headers"), Suggest.closest("hedaers", List.of("header", "headers")));
    }
}
