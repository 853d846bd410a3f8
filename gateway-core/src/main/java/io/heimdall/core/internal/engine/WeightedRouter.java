package io.heimdall.core.internal.engine;

import io.heimdall.api.RequestContext;
import io.heimdall.api.route.Router;
import io.heimdall.api.route.Target;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The built-in router: fallback groups by ascending priority; inside a group a weighted random order (each target's
 * chance to come first is proportional to its weight); weight-0 targets last.
 */
public final class WeightedRouter implements Router {
    @Override
    public List<Target> plan(String requestedModel, List<Target> candidates, RequestContext context) {
        if (candidates.size() <= 1) {
            return candidates;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        record Keyed(Target target, double key) {
        }
        List<Keyed> keyed = new ArrayList<>(candidates.size());
        for (Target t : candidates) {
            // Efraimidis-Spirakis: sorting by u^(1/w) descending is a weighted sample without replacement.
            double key = t.weight() <= 0 ? -1 : Math.pow(random.nextDouble(), 1.0 / t.weight());
            keyed.add(new Keyed(t, key));
        }
        keyed.sort(Comparator.comparingInt((Keyed k) -> k.target().priority())
                .thenComparing(Comparator.comparingDouble(Keyed::key).reversed()));
        List<Target> out = new ArrayList<>(keyed.size());
        for (Keyed k : keyed) {
            out.add(k.target());
        }
        return out;
    }
}
