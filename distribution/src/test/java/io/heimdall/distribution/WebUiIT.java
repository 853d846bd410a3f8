package io.heimdall.distribution;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The web UI as the distribution ships it: the default config enables it at {@code /} and {@code /ui/}, its files come
 * from the plugin folder's jar, and the admin API it calls answers loopback clients without a token.
 */
class WebUiIT {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
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

    @Test
    void theDefaultConfigServesTheUiAtTheRoot() throws Exception {
        Path conf = Files.copy(dist.resolve("conf/heimdall.yaml"), tmp.resolve("heimdall.yaml"));
        gateway = DistributionSmokeIT.Gateway.start(dist, tmp, "--config", conf.toString(), "--port", "0");
        HttpResponse<String> root = get(gateway.baseUrl() + "/");
        assertEquals(302, root.statusCode(), root.body());
        assertEquals("/ui/", root.headers().firstValue("location").orElseThrow());
        HttpResponse<String> shell = get(gateway.baseUrl() + "/ui/");
        assertEquals(200, shell.statusCode());
        assertTrue(shell.headers().firstValue("content-type").orElseThrow().startsWith("text/html"));
        assertTrue(shell.body().contains("src=\"app.js\""), shell.body());
        for (String file : new String[]{"app.js", "util.js", "dashboard.js", "providers.js", "playground.js",
                "config.js", "app.css"}) {
            assertEquals(200, get(gateway.baseUrl() + "/ui/" + file).statusCode(), file);
        }
        // The data the UI shows comes from the admin API, open to loopback clients in the default config.
        assertEquals(200, get(gateway.baseUrl() + "/api/admin/stats").statusCode());
        // And what it exports is the file on disk (the default config holds no secret to mask).
        assertEquals(Files.readString(conf), get(gateway.baseUrl() + "/api/admin/config/download").body());
    }
}
