package io.heimdall.core;

import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.classic.methods.HttpUriRequestBase;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.http.io.entity.StringEntity;

import java.io.IOException;
import java.io.PrintStream;
import java.util.List;

/**
 * The training run behind the shipped JDK AOT cache ({@code bin/heimdall --aot-train}, run when the distribution is
 * packaged): drives a running gateway over HTTP through the paths every deployment uses (chat, streams, embeddings,
 * model list, health, errors, the web UI when it is enabled), so the classes they load and the methods they run are in
 * the cache and a later start skips most of that loading, linking and profiling.
 */
final class AotTraining {
    private static final String CHAT = """
            {"model":"%s","messages":[{"role":"system","content":"Be brief."},\
            {"role":"user","content":"Say hello number %d"}],"temperature":0.2,"max_tokens":64%s}""";

    private AotTraining() {
    }

    /** Sends the training requests to {@code baseUrl}; returns how many were answered with the expected status. */
    static int run(String baseUrl, String model, int rounds, PrintStream out) {
        int ok = 0;
        try (CloseableHttpClient client = HttpClients.custom().disableAutomaticRetries().build()) {
            for (int i = 0; i < rounds; i++) {
                ok += post(client, baseUrl + "/v1/chat/completions", CHAT.formatted(model, i, ""), 200);
                ok += post(client, baseUrl + "/v1/chat/completions", CHAT.formatted(model, i,
                        ",\"stream\":true,\"stream_options\":{\"include_usage\":true}"), 200);
                if (i % 10 == 0) {
                    ok += post(client, baseUrl + "/v1/embeddings",
                            "{\"model\":\"" + model + "\",\"input\":[\"a\",\"b b\"]}", -1);
                    ok += get(client, baseUrl + "/v1/models", 200);
                    ok += get(client, baseUrl + "/health", 200);
                    ok += post(client, baseUrl + "/v1/chat/completions", "{\"model\":", 400);
                    ok += post(client, baseUrl + "/v1/chat/completions",
                            CHAT.formatted("no-such-provider/none", i, ""), -1);
                    for (String path : List.of("/", "/ui/", "/ui/app.js", "/api/admin/config")) {
                        ok += get(client, baseUrl + path, -1);
                    }
                }
            }
        } catch (IOException e) {
            out.println("heimdall: AOT training stopped early: " + e.getMessage());
        }
        return ok;
    }

    private static int post(CloseableHttpClient client, String url, String json, int expected) throws IOException {
        HttpPost post = new HttpPost(url);
        post.setEntity(new StringEntity(json, ContentType.APPLICATION_JSON));
        return send(client, post, expected);
    }

    private static int get(CloseableHttpClient client, String url, int expected) throws IOException {
        return send(client, new HttpGet(url), expected);
    }

    /** 1 if the status is the expected one (any, for -1), else 0. */
    private static int send(CloseableHttpClient client, HttpUriRequestBase request, int expected) throws IOException {
        return client.execute(request, response -> {
            EntityUtils.consume(response.getEntity());
            return expected < 0 || response.getCode() == expected ? 1 : 0;
        });
    }
}
