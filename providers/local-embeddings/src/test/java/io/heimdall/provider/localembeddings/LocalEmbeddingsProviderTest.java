package io.heimdall.provider.localembeddings;

import io.heimdall.core.Gateway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.Proxy;
import java.net.ProxySelector;
import java.net.SocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The provider in a real gateway on an ephemeral port: {@code POST /v1/embeddings} with the bundled model, model
 * listing, chat refused, and no outbound connection while the model loads and embeds.
 *
 * <p>What the no-outbound check proves: every URL connection the JVM opens through {@code HttpURLConnection} or
 * {@code java.net.http.HttpClient} (what DJL's telemetry and downloads use) asks the default {@link ProxySelector}
 * first; a recording selector is installed before the model class is touched, so a call to the EC2 metadata address
 * or an S3 telemetry URL would be recorded. The test's own loopback calls are the control: they must appear. It does
 * not see raw {@code Socket}s or native code opening connections (ONNX Runtime and the tokenizer's Rust library make
 * none in their load path, but this test does not prove that).
 */
class LocalEmbeddingsProviderTest {
    private static final List<URI> SEEN = new CopyOnWriteArrayList<>();
    private static final Pattern NUMBER = Pattern.compile("-?\\d+\\.\\d+(?:[eE]-?\\d+)?");

    @TempDir
    static Path dir;
    static Gateway gateway;
    static ProxySelector previous;

    @BeforeAll
    static void start() throws Exception {
        previous = ProxySelector.getDefault();
        ProxySelector.setDefault(new ProxySelector() {
            @Override
            public List<Proxy> select(URI uri) {
                SEEN.add(uri);
                return List.of(Proxy.NO_PROXY);
            }

            @Override
            public void connectFailed(URI uri, SocketAddress sa, IOException ioe) {
            }
        });
        Path config = dir.resolve("heimdall.yaml");
        Files.writeString(config, """
                server: { host: 127.0.0.1, port: 0 }
                providers:
                  emb: { type: local-embeddings, models: [ all-minilm-l6-v2, minilm ] }
                """);
        gateway = Gateway.builder().config(config).port(0).start();
    }

    @AfterAll
    static void stop() {
        if (gateway != null) {
            gateway.close();
        }
        ProxySelector.setDefault(previous);
    }

    private record Reply(int status, String body) {
    }

    private static Reply call(String method, String path, String body) throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(gateway.baseUrl() + path).toURL().openConnection();
        c.setConnectTimeout(5_000);
        c.setReadTimeout(60_000);
        c.setRequestMethod(method);
        if (body != null) {
            c.setDoOutput(true);
            c.setRequestProperty("content-type", "application/json");
            try (OutputStream out = c.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
        }
        int status = c.getResponseCode();
        try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
            return new Reply(status, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    /** The vectors of an embeddings response body, in order. */
    private static List<float[]> vectors(String body) {
        List<float[]> out = new java.util.ArrayList<>();
        for (String part : body.split("\"embedding\"")) {
            if (!part.startsWith(":")) {
                continue;
            }
            String array = part.substring(part.indexOf('[') + 1, part.indexOf(']'));
            Matcher m = NUMBER.matcher(array);
            List<Float> values = new java.util.ArrayList<>();
            while (m.find()) {
                values.add(Float.parseFloat(m.group()));
            }
            float[] v = new float[values.size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = values.get(i);
            }
            out.add(v);
        }
        return out;
    }

    private static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return dot / Math.sqrt(na * nb);
    }

    @Test
    void embedsOfflineWithTheBundledModel() throws IOException {
        Reply r = call("POST", "/v1/embeddings", """
                {"model":"emb/all-minilm-l6-v2","input":["What is the capital of France?",
                 "Which city is the capital of France?","How do I bake sourdough bread?"]}""");
        assertEquals(200, r.status(), r.body());
        List<float[]> v = vectors(r.body());
        assertEquals(3, v.size());
        assertEquals(384, v.get(0).length);
        double paraphrase = cosine(v.get(0), v.get(1));
        double unrelated = cosine(v.get(0), v.get(2));
        assertTrue(paraphrase > 0.8, "paraphrase cosine " + paraphrase);
        assertTrue(unrelated < 0.3, "unrelated cosine " + unrelated);
        assertTrue(r.body().contains("\"prompt_tokens\""), r.body());

        // The control: the recording selector saw this test's own loopback calls.
        assertTrue(SEEN.stream().anyMatch(u -> "127.0.0.1".equals(u.getHost())), "recorder saw nothing: " + SEEN);
        List<URI> outbound = SEEN.stream().filter(u -> !"127.0.0.1".equals(u.getHost())
                && !"localhost".equals(u.getHost())).toList();
        assertEquals(List.of(), outbound, "outbound connections during model load and embed");
    }

    @Test
    void singleInputAndAliasModelName() throws IOException {
        Reply r = call("POST", "/v1/embeddings", "{\"model\":\"emb/minilm\",\"input\":\"hello\"}");
        assertEquals(200, r.status(), r.body());
        assertEquals(1, vectors(r.body()).size());
    }

    @Test
    void wrongDimensionsIs400() throws IOException {
        Reply r = call("POST", "/v1/embeddings",
                "{\"model\":\"emb/all-minilm-l6-v2\",\"input\":\"hello\",\"dimensions\":1536}");
        assertEquals(400, r.status(), r.body());
        assertTrue(r.body().contains("\"param\":\"dimensions\""), r.body());
    }

    @Test
    void listsItsModelsAndRefusesChat() throws IOException {
        Reply models = call("GET", "/v1/models", null);
        assertEquals(200, models.status(), models.body());
        assertTrue(models.body().contains("emb/all-minilm-l6-v2"), models.body());
        assertTrue(models.body().contains("emb/minilm"), models.body());
        Reply chat = call("POST", "/v1/chat/completions",
                "{\"model\":\"emb/all-minilm-l6-v2\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");
        assertEquals(400, chat.status(), chat.body());
        assertTrue(chat.body().contains("\"error\""), chat.body());
    }
}
