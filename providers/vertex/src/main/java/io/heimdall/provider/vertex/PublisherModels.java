package io.heimdall.provider.vertex;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.GatewayException;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.provider.ModelCatalog;
import io.heimdall.api.provider.ProviderCall;
import io.heimdall.provider.gemini.wire.GeminiEngine;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The models of {@code GET /v1/models}: the configured ones (Claude models among them: Vertex lists Anthropic's
 * publisher models whether or not the project may use them), then Google's publisher models from
 * {@code GET {host}/v1beta1/publishers/google/models} (page after page, with the provider's bearer token) that this
 * provider serves: Gemini and embedding models. Cached by a {@link ModelCatalog}: ten minutes, the configured models
 * alone (and one WARNING) while the listing fails.
 */
final class PublisherModels {
    static final String PATH = "/v1beta1/publishers/google/models";
    private static final String PREFIX = "publishers/google/models/";
    private static final int MAX_PAGES = 50;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final GeminiEngine lister;
    private final ModelCatalog catalog;

    /**
     * @param lister an engine whose base URL is the host alone (no version path), for the GET
     */
    PublisherModels(String name, GeminiEngine lister, Clock clock, System.Logger logger) {
        this.name = name;
        this.lister = lister;
        this.catalog = new ModelCatalog(name, clock, logger);
    }

    /** The configured models, then the listed Gemini and embedding models. */
    List<ModelInfo> list(List<String> configured, ProviderCall call) {
        List<ModelInfo> fromConfig = configured.stream().map(m -> new ModelInfo(m, 0,
                ClaudeOnVertex.isClaude(m) ? "anthropic" : "google")).toList();
        return catalog.list(() -> fetch(call), fromConfig);
    }

    private List<ModelInfo> fetch(ProviderCall call) {
        List<ModelInfo> out = new ArrayList<>();
        String token = "";
        for (int page = 0; page < MAX_PAGES; page++) {
            String path = PATH + "?pageSize=100" + (token.isEmpty() ? ""
                    : "&pageToken=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
            JsonNode answer = parse(lister.get(path, call));
            for (JsonNode m : answer.path("publisherModels")) {
                String id = m.path("name").asText("");
                id = id.startsWith(PREFIX) ? id.substring(PREFIX.length()) : id;
                if (served(id)) {
                    out.add(new ModelInfo(id, 0, "google"));
                }
            }
            token = answer.path("nextPageToken").asText("");
            if (token.isEmpty()) {
                break;
            }
        }
        return out;
    }

    /** Whether this provider serves a Google publisher model: Gemini (chat) and embedding models (:predict). */
    static boolean served(String id) {
        String m = id.toLowerCase(Locale.ROOT);
        return !m.isEmpty() && !m.contains("/") && (m.startsWith("gemini") || m.contains("embedding"));
    }

    private JsonNode parse(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            root = null;
        }
        if (root == null || !root.isObject()) {
            throw new GatewayException(GatewayError.of(502, GatewayError.API_ERROR, "Provider '" + name
                    + "' sent a publisher model list that is not a JSON object", "bad_upstream_response"));
        }
        return root;
    }
}
