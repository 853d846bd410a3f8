package io.heimdall.core;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Access.ADMIN routes and PluginContext.admin(): the token, loopback-only without one, masking, validate, apply. */
class AdminAccessTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String KEY_VALUE = "sk-admin-canary-literal-42";
    private static final String ADMIN_TOKEN = "admin-token-0123456789abcdef";

    @TempDir
    Path dir;

    private static String config(String label, String admin) {
        return """
                server: { host: %s, port: 0 }
                providers:
                  alpha:
                    type: scripted
                    label: %s
                    keys: [ { name: main, value: %s } ]
                models:
                  fast: { targets: [ { model: alpha/ok } ] }
                plugins:
                  - { id: test-admin, config: { secret-setting: "${env:ADMIN_SETTING}" } }
                """.formatted("127.0.0.1", label, KEY_VALUE) + admin;
    }

    private Gateway start(String yaml) throws Exception {
        Path file = Files.writeString(dir.resolve("heimdall.yaml"), yaml);
        return Gateway.builder().config(file).port(0).watchConfig(false)
                .environment(Map.of("ADMIN_SETTING", "resolved-setting-value", "ADMIN_TOKEN", ADMIN_TOKEN))
                .factory(new ScriptedProviderFactory()).factory(new AdminProbeFactory()).start();
    }

    private static HttpResponse<String> send(String base, String method, String path, String body, String token)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            b.header("authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withoutATokenAdminRoutesAnswerOnLoopbackAndMaskSecrets() throws Exception {
        try (Gateway gw = start(config("one", ""))) {
            HttpResponse<String> text = send(gw.baseUrl(), "GET", "/test/admin/config", null, null);
            assertEquals(200, text.statusCode(), text.body());
            assertFalse(text.body().contains(KEY_VALUE), "a literal key reached the admin: " + text.body());
            assertTrue(text.body().contains("<masked:"), text.body());
            assertTrue(text.body().contains("${env:ADMIN_SETTING}"), "references are shown as written");
            String json = send(gw.baseUrl(), "GET", "/test/admin/json", null, null).body();
            assertFalse(json.contains(KEY_VALUE) || json.contains("resolved-setting-value"), json);
            assertTrue(send(gw.baseUrl(), "GET", "/test/admin/types", null, null).body()
                    .contains("PLUGIN:test-admin"));
            assertEquals("alpha/main=closed", send(gw.baseUrl(), "GET", "/test/admin/targets", null, null).body());

            // A masked config validates and applies: the token turns back into the key on disk.
            String edited = text.body().replace("label: one", "label: two");
            assertEquals("", send(gw.baseUrl(), "POST", "/test/admin/validate", edited, null).body());
            assertEquals("", send(gw.baseUrl(), "POST", "/test/admin/apply", edited, null).body());
            String onDisk = Files.readString(dir.resolve("heimdall.yaml"));
            assertTrue(onDisk.contains("label: two") && onDisk.contains(KEY_VALUE), onDisk);
            assertEquals("two: hi", gw.chat(io.heimdall.api.model.ChatRequest.builder().model("fast")
                    .addMessage(io.heimdall.api.model.ChatMessage.user("hi")).build()).firstText());

            // A broken config is refused with path-precise problems, and the file is left alone.
            String broken = edited.replace("label: two", "label: two\n    colour: red");
            String problems = send(gw.baseUrl(), "POST", "/test/admin/apply", broken, null).body();
            assertTrue(problems.contains("providers.alpha.colour"), problems);
            assertEquals(onDisk, Files.readString(dir.resolve("heimdall.yaml")));
            String unknown = send(gw.baseUrl(), "POST", "/test/admin/validate",
                    edited.replaceAll("<masked:[0-9a-f]+>", "<masked:00000000>"), null).body();
            assertTrue(unknown.contains("is not one the running config holds"), unknown);
        }
    }

    @Test
    void withATokenAdminRoutesNeedIt() throws Exception {
        try (Gateway gw = start(config("one", "admin: { token: \"${env:ADMIN_TOKEN}\" }\n"))) {
            String local = "http://127.0.0.1:" + gw.port();
            HttpResponse<String> none = send(local, "GET", "/test/admin/config", null, null);
            assertEquals(401, none.statusCode(), none.body());
            assertTrue(none.body().contains("missing_admin_token"), none.body());
            HttpResponse<String> wrong = send(local, "GET", "/test/admin/config", null, "wrong-token-000000000");
            assertEquals(401, wrong.statusCode());
            assertFalse(wrong.body().contains(ADMIN_TOKEN));
            HttpResponse<String> ok = send(local, "GET", "/test/admin/config", null, ADMIN_TOKEN);
            assertEquals(200, ok.statusCode(), ok.body());
            assertTrue(ok.body().contains("${env:ADMIN_TOKEN}"), ok.body());
        }
    }

    @Test
    void withoutATokenOtherAddressesAreRefused() throws Exception {
        Optional<InetAddress> other = NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst();
        assumeTrue(other.isPresent(), "no non-loopback IPv4 address on this machine");
        // Listening on this machine's own non-loopback address (only), without an admin token.
        String host = other.get().getHostAddress();
        try (Gateway gw = start(config("one", "").replace("host: 127.0.0.1", "host: " + host))) {
            HttpResponse<String> refused = send("http://" + host + ":" + gw.port(), "GET", "/test/admin/config",
                    null, null);
            assertEquals(403, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("admin_loopback_only"), refused.body());
        }
    }
}
