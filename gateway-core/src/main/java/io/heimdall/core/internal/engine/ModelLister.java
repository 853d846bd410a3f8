package io.heimdall.core.internal.engine;

import io.heimdall.api.model.ModelInfo;
import io.heimdall.api.provider.ApiKey;
import io.heimdall.api.provider.ProviderCall;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Lists the models clients can ask for: every alias, then each provider's models as {@code provider/model}, asked of
 * all providers at once and bounded by the deadline. A provider that fails to list is skipped; its failure is logged
 * once per distinct reason, not on every call.
 */
final class ModelLister {
    private static final System.Logger LOG = System.getLogger(ModelLister.class.getName());

    private final ExecutorService background;
    private final Map<String, String> lastFailure = new ConcurrentHashMap<>();

    ModelLister(ExecutorService background) {
        this.background = background;
    }

    List<ModelInfo> list(Generation g, DefaultRequestContext ctx) {
        List<ModelInfo> out = new ArrayList<>();
        long now = System.currentTimeMillis() / 1000;
        for (String alias : g.config.models().keySet()) {
            out.add(new ModelInfo(alias, now, "heimdall"));
        }
        Map<String, Future<List<ModelInfo>>> futures = new LinkedHashMap<>();
        for (Generation.ProviderSlot slot : g.providers.values()) {
            Optional<ApiKey> key = slot.keys().stream().filter(k -> k.problem().isEmpty()).findFirst()
                    .map(Generation.KeySlot::apiKey);
            ProviderCall call = new ProviderCall(slot.name(), key, ctx, 1);
            futures.put(slot.name(), background.submit(() -> slot.provider().listModels(call)));
        }
        for (Map.Entry<String, Future<List<ModelInfo>>> f : futures.entrySet()) {
            try {
                long wait = Math.max(1, Duration.between(Instant.now(), ctx.deadline()).toMillis());
                for (ModelInfo m : f.getValue().get(Math.min(wait, 10_000), TimeUnit.MILLISECONDS)) {
                    out.add(new ModelInfo(f.getKey() + "/" + m.id(), m.created(), m.ownedBy()));
                }
                lastFailure.remove(f.getKey());
            } catch (Exception e) {
                f.getValue().cancel(true);
                String why = e instanceof java.util.concurrent.ExecutionException ee && ee.getCause() != null
                        ? ee.getCause().getMessage() : e.toString();
                if (!java.util.Objects.equals(lastFailure.put(f.getKey(), String.valueOf(why)), why)) {
                    LOG.log(System.Logger.Level.WARNING, "Provider {0} could not list its models: {1} (logged once "
                            + "until it changes)", f.getKey(), why);
                }
            }
        }
        out.sort(Comparator.comparing((ModelInfo m) -> !m.ownedBy().equals("heimdall")));
        return out;
    }
}
