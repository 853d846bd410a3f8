package io.heimdall.provider.bedrock;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.GatewayException;
import io.heimdall.api.http.UpstreamClient;
import io.heimdall.api.http.UpstreamReads;
import io.heimdall.api.http.UpstreamRequest;
import io.heimdall.api.http.UpstreamResponse;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.provider.ModelCatalog;
import io.heimdall.api.provider.ProviderCall;

import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Supplier;

/**
 * The models of {@code GET /v1/models}: the configured ones, then those Bedrock's control plane lists with
 * {@code ListFoundationModels} ({@code GET {control-base-url}/foundation-models}, SigV4-signed for service
 * {@code bedrock}) that answer text or embeddings on demand. Cached by a {@link ModelCatalog}: ten minutes, the
 * configured models alone (and one WARNING) while the control plane fails.
 */
final class FoundationModels {
    static final String PATH = "/foundation-models";
    private static final int MAX_BODY = 8 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final String controlUrl;
    private final UpstreamClient http;
    private final AwsAuth auth;
    private final ModelCatalog catalog;

    FoundationModels(String name, String controlUrl, UpstreamClient http, AwsAuth auth, Clock clock,
                     System.Logger logger) {
        this.name = name;
        this.controlUrl = controlUrl;
        this.http = http;
        this.auth = auth;
        this.catalog = new ModelCatalog(name, clock, logger);
    }

    /**
     * The configured models, then the listed ones.
     *
     * @param configured the {@code models} of the config
     * @param timeout    the timeout of the call, asked when it is made (it throws when the deadline has passed)
     * @param check      the provider's status check: the response if 2xx, else the mapped error thrown
     */
    List<ModelInfo> list(List<String> configured, ProviderCall call, Supplier<Duration> timeout,
                         BiFunction<UpstreamResponse, ProviderCall, UpstreamResponse> check) {
        List<ModelInfo> fromConfig = configured.stream().map(m -> new ModelInfo(m, 0, "bedrock")).toList();
        return catalog.list(() -> fetch(call, timeout, check), fromConfig);
    }

    private List<ModelInfo> fetch(ProviderCall call, Supplier<Duration> timeout,
                                  BiFunction<UpstreamResponse, ProviderCall, UpstreamResponse> check) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Accept", "application/json");
        headers.putAll(auth.authenticate(call.apiKey(), "GET", URI.create(controlUrl + PATH), new byte[0]));
        UpstreamRequest request = UpstreamRequest.get(PATH, headers, timeout.get());
        try (UpstreamResponse response = check.apply(http.send(request), call)) {
            return parse(UpstreamReads.body(response, MAX_BODY, name));
        }
    }

    /** The text and embedding models served on demand, from a ListFoundationModels answer. */
    List<ModelInfo> parse(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            root = null;
        }
        if (root == null || !root.path("modelSummaries").isArray()) {
            throw new GatewayException(GatewayError.of(502, GatewayError.API_ERROR, "Provider '" + name
                    + "' sent a foundation model list without modelSummaries", "bad_upstream_response"));
        }
        List<ModelInfo> out = new ArrayList<>();
        for (JsonNode m : root.get("modelSummaries")) {
            String id = m.path("modelId").asText("");
            if (!id.isEmpty() && (has(m, "outputModalities", "TEXT") || has(m, "outputModalities", "EMBEDDING"))
                    && has(m, "inferenceTypesSupported", "ON_DEMAND")) {
                out.add(new ModelInfo(id, 0, "bedrock"));
            }
        }
        return out;
    }

    private static boolean has(JsonNode model, String field, String value) {
        for (JsonNode v : model.path(field)) {
            if (value.equals(v.asText())) {
                return true;
            }
        }
        return false;
    }
}
