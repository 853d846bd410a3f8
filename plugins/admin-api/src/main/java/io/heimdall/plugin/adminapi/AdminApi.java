package io.heimdall.plugin.adminapi;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.heimdall.api.GatewayException;
import io.heimdall.api.RequestContext;
import io.heimdall.api.admin.GatewayAdmin;
import io.heimdall.api.admin.TargetState;
import io.heimdall.api.endpoint.Access;
import io.heimdall.api.endpoint.Endpoint;
import io.heimdall.api.endpoint.EndpointHandler;
import io.heimdall.api.endpoint.EndpointRequest;
import io.heimdall.api.endpoint.EndpointResponse;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.hook.RequestOutcome;
import io.heimdall.api.model.ChatMessage;
import io.heimdall.api.model.ChatRequest;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.observe.Observer;
import io.heimdall.api.observe.RequestSummary;
import io.heimdall.api.plugin.Plugin;
import io.heimdall.api.plugin.PluginContext;
import io.heimdall.api.route.Attempt;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The admin API's routes (all {@link Access#ADMIN}) and the observer that feeds its recent-request log and stats. With
 * {@code record-prompts} it also takes the hook role, only to note each request's last user message.
 */
final class AdminApi implements Plugin, Observer, Hook {
    static final String PREFIX = "/api/admin";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, Object>> MAP = new TypeReference<>() {
    };
    private static final String PROMPT = "admin-api.prompt";

    private final GatewayAdmin admin;
    private final PluginContext context;
    private final History history;
    private final Traffic traffic;
    private final TargetErrors errors = new TargetErrors();
    private final boolean recordPrompts;
    private final Clock clock;

    AdminApi(GatewayAdmin admin, PluginContext context, History history, Traffic traffic, boolean recordPrompts) {
        this.admin = admin;
        this.context = context;
        this.history = history;
        this.traffic = traffic;
        this.recordPrompts = recordPrompts;
        this.clock = context.clock();
        if (admin.configFile().isPresent()) {
            history.record(admin.configText(), "start-up", clock.instant());
        }
    }

    @Override
    public Optional<Observer> observer() {
        return Optional.of(this);
    }

    @Override
    public Optional<Hook> hook() {
        return recordPrompts ? Optional.of(this) : Optional.empty();
    }

    @Override
    public List<Endpoint> endpoints() {
        List<Endpoint> e = new ArrayList<>();
        e.add(get("/config", (req, res) -> json(res, 200, configView())));
        e.add(route("PUT", "/config", (req, res) -> apply(req, res, text(req))));
        e.add(route("POST", "/config/validate", (req, res) -> {
            List<String> problems = admin.validate(text(req));
            json(res, 200, Map.of("valid", problems.isEmpty(), "problems", problems));
        }));
        e.add(get("/config/download", (req, res) -> res.status(200)
                .header("content-disposition", "attachment; filename=\"heimdall.yaml\"")
                .send("application/yaml; charset=utf-8", admin.configText())));
        e.add(get("/providers", (req, res) -> json(res, 200, providers())));
        e.add(route("PUT", "/providers/{name}", (req, res) -> edit(req, res,
                c -> c.putProvider(param(req, "name"), body(req)))));
        e.add(route("DELETE", "/providers/{name}", (req, res) -> edit(req, res,
                c -> c.removeProvider(param(req, "name")))));
        e.add(route("POST", "/providers/{name}/keys", (req, res) -> edit(req, res,
                c -> c.putKey(param(req, "name"), body(req)))));
        e.add(route("DELETE", "/providers/{name}/keys/{key}", (req, res) -> edit(req, res,
                c -> c.removeKey(param(req, "name"), param(req, "key")))));
        e.add(get("/providers/{name}/models", (req, res) -> json(res, 200, models(req))));
        e.add(route("POST", "/providers/{name}/test", (req, res) -> json(res, 200, test(req))));
        e.add(get("/models", (req, res) -> json(res, 200, ConfigEditor.parse(admin.configText()).section("models"))));
        e.add(route("PUT", "/models/{alias}", (req, res) -> edit(req, res,
                c -> c.putModel(param(req, "alias"), body(req)))));
        e.add(route("DELETE", "/models/{alias}", (req, res) -> edit(req, res,
                c -> c.removeModel(param(req, "alias")))));
        e.add(get("/plugins", (req, res) -> json(res, 200, ConfigEditor.parse(admin.configText()).plugins())));
        e.add(route("POST", "/plugins", (req, res) -> edit(req, res, c -> c.addPlugin(body(req)))));
        e.add(route("PUT", "/plugins/{index}", (req, res) -> edit(req, res,
                c -> c.setPlugin(index(req), body(req)))));
        e.add(route("DELETE", "/plugins/{index}", (req, res) -> edit(req, res, c -> c.removePlugin(index(req)))));
        e.add(get("/plugin-types", (req, res) -> json(res, 200,
                admin.pluginTypes().stream().map(Views::type).toList())));
        e.add(get("/health", (req, res) -> json(res, 200, admin.targets().stream().map(this::target).toList())));
        e.add(get("/stats", (req, res) -> json(res, 200, Views.stats(traffic.stats(clock.instant(),
                intQuery(req, "window", 60)), traffic.total()))));
        e.add(get("/requests", (req, res) -> json(res, 200, requests(req))));
        e.add(get("/history", (req, res) -> json(res, 200, history.list().stream().map(v -> Map.of(
                "version", v.version(), "time", v.time().toString(), "who", v.who())).toList())));
        e.add(get("/history/{version}", (req, res) -> json(res, 200, version(req))));
        e.add(route("POST", "/history/{version}/rollback", (req, res) -> apply(req, res,
                history.text(versionNumber(req)).orElseThrow(() -> ConfigEditor.notFound("version",
                        param(req, "version"))))));
        e.add(get("/openapi.json", (req, res) -> res.send("application/json", openapi())));
        return List.copyOf(e);
    }

    // ------------------------------------------------------------------ config changes

    private Map<String, Object> configView() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("file", admin.configFile().orElse(""));
        m.put("text", admin.configText());
        try {
            m.put("config", JSON.readValue(admin.configJson(), MAP));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
        List<History.Version> versions = history.list();
        if (!versions.isEmpty()) {
            m.put("version", versions.getLast().version());
        }
        return m;
    }

    private void edit(EndpointRequest req, EndpointResponse res, Consumer<ConfigEditor> change) {
        ConfigEditor editor = ConfigEditor.parse(admin.configText());
        change.accept(editor);
        apply(req, res, editor.yaml());
    }

    private void apply(EndpointRequest req, EndpointResponse res, String text) {
        if (admin.configFile().isEmpty()) {
            throw new GatewayException(GatewayError.of(409, GatewayError.INVALID_REQUEST,
                    "This gateway runs without a config file: nothing to write", "no_config_file"));
        }
        String who = req.context().caller().id();
        // A change made to the file by hand since the last version is kept as a version of its own.
        history.record(admin.configText(), "file", clock.instant());
        List<String> problems = admin.apply(text, who);
        if (!problems.isEmpty()) {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("message", "The config was not applied: " + problems.size() + " problem(s): "
                    + String.join("; ", problems));
            error.put("type", GatewayError.INVALID_REQUEST);
            error.put("param", null);
            error.put("code", "config_invalid");
            json(res, 422, Map.of("error", error, "problems", problems));
            return;
        }
        History.Version v = history.record(admin.configText(), who, clock.instant());
        context.logger().log(System.Logger.Level.INFO, "Config version {0} applied by {1}", v.version(), who);
        json(res, 200, Map.of("applied", true, "version", v.version()));
    }

    private Map<String, Object> version(EndpointRequest req) {
        long v = versionNumber(req);
        String text = history.text(v).orElseThrow(() -> ConfigEditor.notFound("version", param(req, "version")));
        String previous = history.list().stream().filter(x -> x.version() < v).reduce((a, b) -> b)
                .flatMap(x -> history.text(x.version())).orElse("");
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("version", v);
        history.list().stream().filter(x -> x.version() == v).findFirst().ifPresent(x -> {
            m.put("time", x.time().toString());
            m.put("who", x.who());
        });
        m.put("text", text);
        m.put("diff", LineDiff.of(previous, text));
        m.put("diff_to_running", LineDiff.of(text, admin.configText()));
        return m;
    }

    // ------------------------------------------------------------------ providers

    private List<Map<String, Object>> providers() {
        ConfigEditor editor = ConfigEditor.parse(admin.configText());
        Map<String, Map<String, Object>> health = new LinkedHashMap<>();
        admin.targets().forEach(t -> health.put(t.provider() + "/" + t.key(), target(t)));
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map.Entry<String, Object> p : editor.section("providers").entrySet()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", p.getKey());
            m.put("definition", p.getValue());
            List<Object> keys = new ArrayList<>();
            health.forEach((k, v) -> {
                if (k.startsWith(p.getKey() + "/")) {
                    keys.add(v);
                }
            });
            m.put("health", keys);
            out.add(m);
        }
        return out;
    }

    private Map<String, Object> target(TargetState t) {
        return Views.target(t, errors.recent(t.provider(), t.key()));
    }

    private List<String> models(EndpointRequest req) {
        String name = param(req, "name");
        List<String> out = new ArrayList<>();
        for (ModelInfo m : context.pipeline().models(req.context())) {
            if (m.id().startsWith(name + "/")) {
                out.add(m.id());
            }
        }
        return out;
    }

    /** Sends a one-token request to {@code <provider>/<model>} through the gateway: does the provider answer? */
    private Map<String, Object> test(EndpointRequest req) {
        String name = param(req, "name");
        Object model = body(req).get("model");
        if (!(model instanceof String m) || m.isBlank()) {
            throw ConfigEditor.bad("send {\"model\": \"<upstream model>\"} to test with", "model_required");
        }
        ChatRequest ping = ChatRequest.builder().model(name + "/" + model).maxTokens(1)
                .addMessage(ChatMessage.user("ping")).build();
        long start = System.nanoTime();
        Map<String, Object> out = new LinkedHashMap<>();
        try {
            context.gateway().chat(ping, req.context());
            out.put("ok", true);
        } catch (GatewayException e) {
            out.put("ok", false);
            out.put("status", e.error().status());
            out.put("error", e.error().message());
        }
        out.put("latency_ms", Views.millis(Duration.ofNanos(System.nanoTime() - start)));
        return out;
    }

    // ------------------------------------------------------------------ traffic

    private List<Map<String, Object>> requests(EndpointRequest req) {
        int limit = intQuery(req, "limit", 100);
        Optional<String> model = req.query("model");
        Optional<String> operation = req.query("operation");
        Optional<String> status = req.query("status");
        return traffic.recent(Integer.MAX_VALUE).stream()
                .filter(e -> model.isEmpty() || e.model().equals(model.get()) || e.servedBy().contains(model.get()))
                .filter(e -> operation.isEmpty() || e.operation().equals(operation.get()))
                .filter(e -> status.isEmpty() || statusMatches(e.status(), status.get()))
                .limit(limit).map(Views::entry).toList();
    }

    private static boolean statusMatches(int status, String filter) {
        return filter.equals("error") ? status >= 400 : filter.endsWith("xx")
                ? String.valueOf(status).charAt(0) == filter.charAt(0) : filter.equals(String.valueOf(status));
    }

    @Override
    public RequestOutcome onRequest(ChatRequest request, RequestContext context) {
        for (int i = request.messages().size() - 1; i >= 0; i--) {
            ChatMessage m = request.messages().get(i);
            if (m.role().equals("user")) {
                String text = m.text();
                context.attributes().put(PROMPT, text.length() > 500 ? text.substring(0, 500) + "…" : text);
                break;
            }
        }
        return RequestOutcome.proceed(request);
    }

    @Override
    public void attemptFinished(Attempt attempt, RequestContext ctx) {
        errors.add(attempt, clock.instant());
    }

    @Override
    public void requestFinished(RequestSummary summary, RequestContext ctx) {
        Optional<String> prompt = recordPrompts && ctx.attributes().get(PROMPT) instanceof String p
                ? Optional.of(p) : Optional.empty();
        traffic.add(Traffic.entry(summary, ctx.requestId(), ctx.caller().id(), clock.instant(), prompt));
    }

    // ------------------------------------------------------------------ helpers

    private static Endpoint get(String path, EndpointHandler handler) {
        return route("GET", path, handler);
    }

    private static Endpoint route(String method, String path, EndpointHandler handler) {
        return Endpoint.of(method, PREFIX + path, (req, res) -> {
            BrowserGuard.check(req);
            handler.handle(req, res);
        }).withAccess(Access.ADMIN);
    }

    private static String param(EndpointRequest req, String name) {
        return req.pathParam(name).orElseThrow();
    }

    private static int index(EndpointRequest req) {
        try {
            return Integer.parseInt(param(req, "index"));
        } catch (NumberFormatException e) {
            throw ConfigEditor.bad("the plugin entry index must be a number", "invalid_index");
        }
    }

    private static long versionNumber(EndpointRequest req) {
        try {
            return Long.parseLong(param(req, "version"));
        } catch (NumberFormatException e) {
            throw ConfigEditor.notFound("version", param(req, "version"));
        }
    }

    private static int intQuery(EndpointRequest req, String name, int fallback) {
        try {
            return req.query(name).map(Integer::parseInt).map(v -> Math.max(1, v)).orElse(fallback);
        } catch (NumberFormatException e) {
            throw ConfigEditor.bad("query parameter '" + name + "' must be a number", "invalid_query");
        }
    }

    /** The body as config text: a JSON object's {@code text} field, or the body itself (YAML). */
    private static String text(EndpointRequest req) {
        String body = new String(req.body(), StandardCharsets.UTF_8);
        if (req.header("content-type").orElse("").startsWith("application/json")) {
            Object text = parseObject(body).get("text");
            if (!(text instanceof String s)) {
                throw ConfigEditor.bad("send {\"text\": \"<config YAML>\"} or the YAML itself", "text_required");
            }
            return s;
        }
        return body;
    }

    private static Map<String, Object> body(EndpointRequest req) {
        return parseObject(new String(req.body(), StandardCharsets.UTF_8));
    }

    private static Map<String, Object> parseObject(String body) {
        try {
            LinkedHashMap<String, Object> m = JSON.readValue(body, MAP);
            if (m == null) {
                throw ConfigEditor.bad("the body must be a JSON object", "invalid_json");
            }
            return m;
        } catch (JsonProcessingException e) {
            throw ConfigEditor.bad("the body is not a JSON object (line " + e.getLocation().getLineNr() + ")",
                    "invalid_json");
        }
    }

    private static void json(EndpointResponse res, int status, Object value) {
        try {
            res.status(status).json(JSON.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] openapi() {
        try (InputStream in = AdminApi.class.getResourceAsStream("openapi.json")) {
            if (in == null) {
                throw new IOException("openapi.json is missing from the plugin jar");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
