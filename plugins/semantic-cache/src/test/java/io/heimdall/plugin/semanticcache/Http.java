package io.heimdall.plugin.semanticcache;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** A tiny HTTP client for the tests (java.base only). */
final class Http {
    private Http() {
    }

    /** A response: status, the cache headers, content type, body, and the cache's lookup time header. */
    record Reply(int status, String cache, String score, String key, String contentType, String body,
                 String lookupMicros) {
    }

    static Reply call(String baseUrl, String method, String path, String body, Map<String, String> headers)
            throws IOException {
        HttpURLConnection c = (HttpURLConnection) URI.create(baseUrl + path).toURL().openConnection();
        c.setConnectTimeout(5_000);
        c.setReadTimeout(60_000);
        c.setRequestMethod(method);
        headers.forEach(c::setRequestProperty);
        if (body != null) {
            c.setDoOutput(true);
            c.setRequestProperty("content-type", "application/json");
            try (OutputStream out = c.getOutputStream()) {
                out.write(body.getBytes(StandardCharsets.UTF_8));
            }
        }
        try {
            int status = c.getResponseCode();
            try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                String text = in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return new Reply(status, String.valueOf(c.getHeaderField("x-heimdall-cache")),
                        String.valueOf(c.getHeaderField("x-heimdall-cache-score")),
                        String.valueOf(c.getHeaderField("x-heimdall-cache-key")),
                        String.valueOf(c.getHeaderField("content-type")), text,
                        String.valueOf(c.getHeaderField("x-heimdall-cache-lookup-us")));
            }
        } finally {
            c.disconnect();
        }
    }
}
