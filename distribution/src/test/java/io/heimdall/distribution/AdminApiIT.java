package io.heimdall.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
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
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The admin API as the distribution ships it: the default config enables it; without an admin token it answers on
 * loopback only (and says so at start-up), and refuses a client on another interface address.
 */
class AdminApiIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path dist;

    @TempDir
    Path tmp;
    private DistributionSmokeIT.Gateway gateway;

    @BeforeAll
    static void findDistribution() {
        dist = Path.of(System.getProperty("heimdall.dist", "target/heimdall")).toAbsolutePath();
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.process().destroyForcibly();
        }
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(String method, String url, String json) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
                .header("content-type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(json))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theDefaultConfigServesTheAdminApiOnLoopbackOnly() throws Exception {
        Path conf = Files.copy(dist.resolve("conf/heimdall.yaml"), tmp.resolve("heimdall.yaml"));
        gateway = DistributionSmokeIT.Gateway.start(dist, tmp, "--config", conf.toString(), "--port", "0");
        HttpResponse<String> config = get(gateway.baseUrl() + "/api/admin/config");
        assertEquals(200, config.statusCode(), config.body());
        JsonNode body = JSON.readTree(config.body());
        assertEquals(conf.toString(), body.path("file").asText());
        assertTrue(body.path("text").asText().contains("id: admin-api"), body.toString());
        assertEquals(1, JSON.readTree(get(gateway.baseUrl() + "/api/admin/history").body()).size());
        assertTrue(gateway.output().contains("answer only on loopback addresses"), gateway.output());
    }

    @Test
    void anotherInterfaceAddressIsRefusedWithoutAToken() throws Exception {
        Optional<InetAddress> other = NetworkInterface.networkInterfaces().flatMap(NetworkInterface::inetAddresses)
                .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress()).findFirst();
        assumeTrue(other.isPresent(), "no non-loopback IPv4 address on this machine");
        String host = other.get().getHostAddress();
        Path conf = Files.copy(dist.resolve("conf/heimdall.yaml"), tmp.resolve("heimdall.yaml"));
        gateway = DistributionSmokeIT.Gateway.start(dist, tmp, "--config", conf.toString(), "--port", "0",
                "--host", host);
        HttpResponse<String> refused = get(gateway.baseUrl() + "/api/admin/config");
        assertEquals(403, refused.statusCode(), refused.body());
        assertEquals("admin_loopback_only", JSON.readTree(refused.body()).path("error").path("code").asText());
        assertEquals(200, get(gateway.baseUrl() + "/health").statusCode());
    }

    @Test
    void theDefaultConfigServesTheWebUiAtTheRoot() throws Exception {
        Path conf = Files.copy(dist.resolve("conf/heimdall.yaml"), tmp.resolve("heimdall.yaml"));
        gateway = DistributionSmokeIT.Gateway.start(dist, tmp, "--config", conf.toString(), "--port", "0");
        HttpResponse<String> root = get(gateway.baseUrl() + "/");
        assertEquals(302, root.statusCode(), root.body());
        assertEquals("/ui/", root.headers().firstValue("location").orElseThrow());
        HttpResponse<String> shell = get(gateway.baseUrl() + "/ui/");
        assertEquals(200, shell.statusCode());
        assertTrue(shell.body().contains("src=\"app.js\""), shell.body());
        for (String file : new String[]{"app.js", "util.js", "dashboard.js", "providers.js", "config.js", "app.css"}) {
            assertEquals(200, get(gateway.baseUrl() + "/ui/" + file).statusCode(), file);
        }
        // What the UI exports is the file on disk (the default config holds no secret to mask).
        assertEquals(Files.readString(conf), get(gateway.baseUrl() + "/api/admin/config/download").body());

        // A provider added the way the UI's form adds it: served at once, the file keeps its comments, the export is
        // still the file on disk (the key is an ${env:} reference, not a secret to mask).
        HttpResponse<String> added = send("PUT", gateway.baseUrl() + "/api/admin/providers/second",
                "{\"type\":\"mock\",\"keys\":[{\"name\":\"main\",\"value\":\"${env:SECOND_KEY:-none}\"}]}");
        assertEquals(200, added.statusCode(), added.body());
        String onDisk = Files.readString(conf);
        assertTrue(onDisk.contains("# Heimdall default configuration.") && onDisk.contains("  second:"), onDisk);
        assertEquals(onDisk, get(gateway.baseUrl() + "/api/admin/config/download").body());
        HttpResponse<String> chat = send("POST", gateway.baseUrl() + "/v1/chat/completions",
                "{\"model\":\"second/echo\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(200, chat.statusCode(), chat.body());
    }
}
