package io.heimdall.core.internal.engine;

import io.heimdall.api.RequestContext;
import io.heimdall.api.observe.AttemptStart;
import io.heimdall.api.observe.Observer;
import io.heimdall.api.observe.RequestSummary;
import io.heimdall.api.route.Attempt;

/**
 * Tells a generation's observers about requests and attempts; an observer that throws is logged and ignored. Also
 * records the core's own request and attempt metrics.
 */
final class Observers {
    private static final System.Logger LOG = System.getLogger(Observers.class.getName());

    private final CoreMetrics metrics;

    Observers(CoreMetrics metrics) {
        this.metrics = metrics;
    }

    void requestStarted(Generation g, String operation, String model, RequestContext ctx) {
        metrics.requestStarted(operation);
        for (Generation.Named<Observer> o : g.observers) {
            try {
                o.role().requestStarted(operation, model, ctx);
            } catch (RuntimeException e) {
                failed(o.id(), e);
            }
        }
    }

    void attemptStarted(Generation g, AttemptStart start) {
        for (Generation.Named<Observer> o : g.observers) {
            try {
                o.role().attemptStarted(start);
            } catch (RuntimeException e) {
                failed(o.id(), e);
            }
        }
    }

    void attemptFinished(Generation g, Attempt attempt, RequestContext ctx) {
        metrics.attemptFinished(attempt);
        for (Generation.Named<Observer> o : g.observers) {
            try {
                o.role().attemptFinished(attempt, ctx);
            } catch (RuntimeException e) {
                failed(o.id(), e);
            }
        }
    }

    void requestFinished(Generation g, RequestSummary summary, RequestContext ctx) {
        metrics.requestFinished(summary);
        for (Generation.Named<Observer> o : g.observers) {
            try {
                o.role().requestFinished(summary, ctx);
            } catch (RuntimeException e) {
                failed(o.id(), e);
            }
        }
    }

    private void failed(String id, RuntimeException e) {
        metrics.pluginError(id, "observer");
        LOG.log(System.Logger.Level.WARNING, "Observer " + id + " failed", e);
    }
}
