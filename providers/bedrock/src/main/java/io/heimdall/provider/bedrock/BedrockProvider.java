package io.heimdall.provider.bedrock;

import io.heimdall.api.GatewayException;
import io.heimdall.api.http.UpstreamClient;
import io.heimdall.api.http.UpstreamRequest;
import io.heimdall.api.http.UpstreamResponse;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.ChatResponse;
import io.heimdall.api.model.EmbeddingRequest;
import io.heimdall.api.model.EmbeddingResponse;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.plugin.PluginConfig;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.provider.Capability;
import io.heimdall.api.provider.ChunkSink;
import io.heimdall.api.provider.Provider;
import io.heimdall.api.provider.ProviderCall;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * The Bedrock provider: Converse for chat, ConverseStream (AWS event-stream framing) for streams, InvokeModel for
 * Titan and Cohere embeddings, models from the control plane's ListFoundationModels (cached, see {@link
 * FoundationModels}) and config. Stateless apart from its settings, the model cache and the lazily built default
 * credential chain, so safe for concurrent use.
 */
final class BedrockProvider implements Provider {
    /** Default of the {@code timeout} key. */
    static final String DEFAULT_TIMEOUT = "120s";
    static final int MAX_BODY = 32 << 20;
    static final int MAX_ERROR_BODY = 64 << 10;

    private static final Set<Capability> CHAT = Collections.unmodifiableSet(EnumSet.of(Capability.CHAT,
            Capability.STREAMING, Capability.TOOLS, Capability.VISION, Capability.JSON_MODE, Capability.REASONING));
    private static final Set<Capability> EMBEDDING = Collections.unmodifiableSet(EnumSet.of(Capability.EMBEDDINGS));
    private static final Set<Capability> ALL = Collections.unmodifiableSet(EnumSet.of(Capability.CHAT,
            Capability.STREAMING, Capability.TOOLS, Capability.VISION, Capability.JSON_MODE, Capability.REASONING,
            Capability.EMBEDDINGS));

    private final String name;
    private final String baseUrl;
    private final UpstreamClient http;
    private final AwsAuth auth;
    private final Clock clock;
    private final Duration timeout;
    private final List<String> models;
    private final ConverseRequests requests;
    private final BedrockEmbeddings embeddings;
    private final FoundationModels foundationModels;

    private BedrockProvider(String name, String baseUrl, UpstreamClient http, AwsAuth auth, Clock clock,
                            Duration timeout, List<String> models, FoundationModels foundationModels) {
        this.name = name;
        this.baseUrl = baseUrl;
        this.http = http;
        this.auth = auth;
        this.clock = clock;
        this.timeout = timeout;
        this.models = models;
        this.requests = new ConverseRequests(name);
        this.embeddings = new BedrockEmbeddings(name);
        this.foundationModels = foundationModels;
    }

    /** Reads and validates an entry's config and builds the provider. No network call is made. */
    static BedrockProvider create(PluginConfig config, PluginContext context) {
        String region = config.string("region").filter(s -> !s.isBlank())
                .or(() -> env("AWS_REGION")).or(() -> env("AWS_DEFAULT_REGION"))
                .orElseThrow(() -> new IllegalArgumentException(
                        "region is required (or set AWS_REGION / AWS_DEFAULT_REGION)"));
        if (!region.matches("[a-z0-9-]{1,40}")) {
            throw new IllegalArgumentException("region is not a valid AWS region name: " + region);
        }
        String baseUrl = normaliseBaseUrl(config.string("base-url")
                .orElse("https://bedrock-runtime." + region + ".amazonaws.com"));
        Duration timeout = config.duration("timeout").orElse(Duration.ofSeconds(120));
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive");
        }
        boolean hasId = config.secret(AwsAuth.ACCESS_KEY_ID).filter(s -> !s.isEmpty()).isPresent();
        boolean hasSecret = config.secret(AwsAuth.SECRET_ACCESS_KEY).filter(s -> !s.isEmpty()).isPresent();
        if (hasId != hasSecret) {
            throw new IllegalArgumentException("access-key-id and secret-access-key must be given together");
        }
        AwsAuth auth = new AwsAuth(context.name(), region, AwsAuth.credentials(config.secret(AwsAuth.ACCESS_KEY_ID),
                config.secret(AwsAuth.SECRET_ACCESS_KEY), config.secret(AwsAuth.SESSION_TOKEN)), context.clock());
        for (String model : config.strings("models")) {
            try {
                ModelIds.validate(context.name(), model);
            } catch (GatewayException e) {
                throw new IllegalArgumentException("models: " + e.getMessage());
            }
        }
        String controlUrl = normaliseBaseUrl(config.string("control-base-url").filter(s -> !s.isBlank())
                .orElse("https://bedrock." + region + ".amazonaws.com"), "control-base-url");
        FoundationModels listing = new FoundationModels(context.name(), controlUrl, context.http(controlUrl), auth,
                context.clock(), context.logger());
        return new BedrockProvider(context.name(), baseUrl, context.http(baseUrl), auth, context.clock(), timeout,
                List.copyOf(config.strings("models")), listing);
    }

    private static Optional<String> env(String variable) {
        return Optional.ofNullable(System.getenv(variable)).filter(s -> !s.isBlank());
    }

    /** Strips trailing slashes and checks that the URL is absolute http(s) without query, fragment or user info. */
    static String normaliseBaseUrl(String raw) {
        return normaliseBaseUrl(raw, "base-url");
    }

    /** As {@link #normaliseBaseUrl(String)}, naming config key {@code key} in its errors. */
    static String normaliseBaseUrl(String raw, String key) {
        String url = raw.strip();
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + " is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null
                || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(key + " must be an absolute http or https URL without user info, "
                    + "query or fragment");
        }
        return url;
    }

    @Override
    public ChatResponse chat(ChatRequest request, ProviderCall call) {
        String path = "/model/" + ModelIds.encode(name, request.model()) + "/converse";
        byte[] body = requests.body(request);
        try (UpstreamResponse response = send(path, body, "application/json", call)) {
            String id = "chatcmpl-" + response.header("x-amzn-requestid").orElseGet(() -> UUID.randomUUID()
                    .toString());
            return ConverseResponses.chat(name, read(response, MAX_BODY), id, clock.instant().getEpochSecond(),
                    request.model());
        }
    }

    @Override
    public void stream(ChatRequest request, ProviderCall call, ChunkSink sink) {
        String path = "/model/" + ModelIds.encode(name, request.model()) + "/converse-stream";
        byte[] body = requests.body(request);
        try (UpstreamResponse response = send(path, body, "application/vnd.amazon.eventstream", call)) {
            String id = "chatcmpl-" + response.header("x-amzn-requestid").orElseGet(() -> UUID.randomUUID()
                    .toString());
            ConverseStreamTranslator translator = new ConverseStreamTranslator(name, id,
                    clock.instant().getEpochSecond(), request.model(), sink, auth.secrets(call.apiKey()));
            EventStreamDecoder decoder = new EventStreamDecoder(response.body());
            while (true) {
                Optional<EventStreamDecoder.Message> message;
                try {
                    message = decoder.next();
                } catch (EventStreamDecoder.FramingException e) {
                    throw new GatewayException(GatewayError.of(502, GatewayError.API_ERROR, "Provider '" + name
                            + "' sent a broken event stream: " + e.getMessage(), "bad_upstream_response"), e);
                } catch (IOException | RuntimeException e) {
                    if (e instanceof GatewayException g) {
                        throw g;
                    }
                    if (translator.stopped()) {
                        return;
                    }
                    throw readFailure(e);
                }
                if (message.isEmpty()) {
                    if (translator.stopped()) {
                        return;
                    }
                    throw translator.incomplete();
                }
                translator.accept(message.get());
            }
        }
    }

    @Override
    public EmbeddingResponse embed(EmbeddingRequest request, ProviderCall call) {
        String path = "/model/" + ModelIds.encode(name, request.model()) + "/invoke";
        return embeddings.embed(request, body -> {
            try (UpstreamResponse response = send(path, body, "application/json", call)) {
                byte[] bytes = read(response, MAX_BODY);
                long tokens = response.header("x-amzn-bedrock-input-token-count").flatMap(BedrockProvider::number)
                        .orElse(-1L);
                return new BedrockEmbeddings.Answer(bytes, tokens);
            }
        });
    }

    private static Optional<Long> number(String s) {
        try {
            return Optional.of(Long.parseLong(s.strip()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    @Override
    public List<ModelInfo> listModels(ProviderCall call) {
        return foundationModels.list(models, call, () -> timeout(call), this::check);
    }

    @Override
    public Set<Capability> capabilities() {
        return ALL;
    }

    @Override
    public Set<Capability> capabilities(String model) {
        return BedrockEmbeddings.isEmbeddingModel(model) ? EMBEDDING : CHAT;
    }

    /** Signs and sends one POST; throws the mapped error for a non-2xx answer. */
    private UpstreamResponse send(String path, byte[] body, String accept, ProviderCall call) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : call.context().upstreamHeaders().entrySet()) {
            String h = e.getKey().toLowerCase(Locale.ROOT);
            if (!h.equals("authorization") && !h.startsWith("x-amz-") && !h.equals("host")
                    && !h.equals("content-length") && !h.equals("content-type")) {
                headers.put(e.getKey(), e.getValue());
            }
        }
        headers.put("Content-Type", "application/json");
        headers.put("Accept", accept);
        headers.putAll(auth.authenticate(call.apiKey(), "POST", URI.create(baseUrl + path), body));
        return check(http.send(new UpstreamRequest("POST", path, headers, body, timeout(call))), call);
    }

    /** The response if it is 2xx; else closes it and throws the mapped error. */
    private UpstreamResponse check(UpstreamResponse response, ProviderCall call) {
        int status = response.status();
        if (status >= 200 && status < 300) {
            return response;
        }
        try (response) {
            byte[] error;
            try {
                error = response.readBody(MAX_ERROR_BODY);
            } catch (RuntimeException e) {
                error = new byte[0];
            }
            GatewayError mapped = BedrockErrors.http(name, status, response.header("x-amzn-errortype"), error,
                    response.header("retry-after"), clock.instant(), auth.secrets(call.apiKey()));
            throw new GatewayException(mapped);
        }
    }

    private Duration timeout(ProviderCall call) {
        Duration left = Duration.between(clock.instant(), call.context().deadline());
        if (left.isNegative() || left.isZero()) {
            throw new GatewayException(GatewayError.upstreamTimeout(name));
        }
        return left.compareTo(timeout) < 0 ? left : timeout;
    }

    private byte[] read(UpstreamResponse response, int limit) {
        byte[] body;
        try {
            body = response.readBody(limit + 1);
        } catch (GatewayException e) {
            throw e;
        } catch (RuntimeException e) {
            throw readFailure(e);
        }
        if (body.length > limit) {
            throw ConverseResponses.bad(name, "larger than " + (limit >> 20) + " MB");
        }
        return body;
    }

    private GatewayException readFailure(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException || t instanceof TimeoutException
                    || t.getClass().getSimpleName().contains("Timeout")) {
                return new GatewayException(GatewayError.upstreamTimeout(name), e);
            }
        }
        return new GatewayException(GatewayError.upstreamUnreachable(name,
                "the connection broke while reading the response"), e);
    }

    @Override
    public void close() {
        auth.close();
    }

    @Override
    public String toString() {
        return "BedrockProvider[" + name + ", " + auth.region() + "]";
    }
}
