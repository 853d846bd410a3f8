package io.heimdall.provider.openai;

import io.heimdall.api.GatewayException;
import io.heimdall.api.model.ChatChunk;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.plugin.Secret;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Azure OpenAI: deployment URLs with {@code api-version}, {@code api-key} or Entra ID auth, the first stream chunk
 * that only carries {@code prompt_filter_results} skipped, and Azure's error codes (numeric codes such as
 * {@code "429"}, {@code content_filter}, {@code DeploymentNotFound}) mapped to the gateway's.
 */
final class AzureFlavor implements Flavor {
    /** Azure's rule for deployment names, tightened: no dots at the start and no {@code ..}. */
    private static final Pattern DEPLOYMENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private final String apiVersion;
    private final Map<String, String> deployments;
    private final Optional<EntraTokenSource> entra;

    AzureFlavor(String apiVersion, Map<String, String> deployments, Optional<EntraTokenSource> entra) {
        this.apiVersion = apiVersion;
        this.deployments = deployments;
        this.entra = entra;
    }

    /** Why a deployment name is not acceptable in a URL path, if it is not. */
    static Optional<String> checkDeployment(String name) {
        if (!DEPLOYMENT.matcher(name).matches() || name.contains("..")) {
            return Optional.of("not a valid deployment name (letters, digits, '.', '_', '-'; at most 64)");
        }
        return Optional.empty();
    }

    /** The encoded deployment for a model: from {@code deployments}, else the model name itself, validated. */
    String deployment(String model) {
        String name = deployments.getOrDefault(model, model);
        if (checkDeployment(name).isPresent()) {
            throw new GatewayException(GatewayError.of(400, GatewayError.INVALID_REQUEST,
                    "Model '" + printable(model) + "' does not name a valid Azure OpenAI deployment",
                    "invalid_deployment").withParam("model"));
        }
        return URLEncoder.encode(name, StandardCharsets.UTF_8);
    }

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "..." : s;
        return cut.replaceAll("[^\\x20-\\x7e]", "?");
    }

    @Override
    public String chatPath(String model) {
        return "/openai/deployments/" + deployment(model) + "/chat/completions?api-version=" + apiVersion;
    }

    @Override
    public String embeddingsPath(String model) {
        return "/openai/deployments/" + deployment(model) + "/embeddings?api-version=" + apiVersion;
    }

    @Override
    public String modelsPath() {
        return "/openai/models?api-version=" + apiVersion;
    }

    @Override
    public boolean authorize(Map<String, String> headers, Optional<Secret> key) {
        if (key.isPresent()) {
            OpenAiProvider.put(headers, "api-key", key.get().reveal());
            return true;
        }
        if (entra.isPresent()) {
            OpenAiProvider.put(headers, "Authorization", "Bearer " + entra.get().token().reveal());
            return true;
        }
        return false;
    }

    @Override
    public boolean chunksAsSent() {
        return false;
    }

    @Override
    public List<ChatChunk> adaptChunk(ChatChunk chunk, ChatRequest request) {
        // Azure opens a stream with a chunk of prompt_filter_results and no choices; it is not an answer chunk.
        if (chunk.choices().isEmpty() && chunk.usage().isEmpty()) {
            return List.of();
        }
        return List.of(chunk);
    }

    @Override
    public GatewayError adaptError(GatewayError error) {
        Optional<String> code = error.code();
        if (code.filter(c -> c.chars().allMatch(Character::isDigit)).isPresent()) {
            // Azure sends the status as the code ("429", "401"): use the code OpenAI would send.
            String mapped = switch (error.status()) {
                case 429 -> "rate_limit_exceeded";
                case 401 -> "invalid_api_key";
                case 403 -> "permission_denied";
                case 404 -> "not_found";
                default -> "upstream_error";
            };
            return new GatewayError(error.status(), error.type(), error.message(), error.param(),
                    Optional.of(mapped), error.retryAfter());
        }
        if (code.filter(c -> c.equals("content_filter") || c.equals("ResponsibleAIPolicyViolation")).isPresent()
                && error.status() == 400) {
            return new GatewayError(400, GatewayError.INVALID_REQUEST, error.message(), error.param(),
                    Optional.of("content_filter"), error.retryAfter());
        }
        if (code.filter("DeploymentNotFound"::equals).isPresent()) {
            return new GatewayError(404, GatewayError.NOT_FOUND, error.message(), error.param(),
                    Optional.of("model_not_found"), error.retryAfter());
        }
        return error;
    }

    @Override
    public List<ModelInfo> configuredModels() {
        return deployments.keySet().stream().sorted().map(m -> new ModelInfo(m, 0L, "azure-openai")).toList();
    }
}
