package io.heimdall.plugin.profanityfilter;

import io.heimdall.api.plugin.PluginFactory;
import io.heimdall.testkit.tck.HookContract;

import java.util.Map;

/** The profanity filter passes the hook contract. */
class ProfanityFilterContractTest extends HookContract {
    @Override
    protected PluginFactory factory() {
        return new ProfanityFilterFactory();
    }

    @Override
    protected Map<String, Object> config() {
        return Map.of("mode", "reject");
    }
}
