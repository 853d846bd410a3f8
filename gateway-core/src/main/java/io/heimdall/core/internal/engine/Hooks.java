package io.heimdall.core.internal.engine;

import io.heimdall.api.GatewayException;
import io.heimdall.api.hook.Hook;
import io.heimdall.api.model.GatewayError;

import java.util.function.Supplier;

/**
 * Calls a hook: its {@link GatewayException}s pass through, anything else becomes a logged 500 {@code hook_failed}
 * naming the hook (hooks fail closed; an entry with {@code fail-open: true} is wrapped in a {@link FailOpenHook}).
 */
final class Hooks {
    static final System.Logger LOG = System.getLogger(Hooks.class.getName());

    private Hooks() {
    }

    static <T> T run(Generation.Named<Hook> h, Run run, Supplier<T> call) {
        return runPlain(h, run.metrics(), call);
    }

    static <T> T runPlain(Generation.Named<Hook> h, CoreMetrics metrics, Supplier<T> call) {
        try {
            T outcome = call.get();
            if (outcome == null) {
                metrics.pluginError(h.id(), "hook");
                throw new GatewayException(GatewayError.internal("Hook '" + h.id() + "' returned no outcome"));
            }
            return outcome;
        } catch (GatewayException e) {
            throw e;
        } catch (RuntimeException e) {
            metrics.pluginError(h.id(), "hook");
            LOG.log(System.Logger.Level.ERROR, "Hook " + h.id() + " failed", e);
            throw new GatewayException(GatewayError.internal("Hook '" + h.id() + "' failed; the request "
                    + "was not served").withCode("hook_failed"), e);
        }
    }
}
