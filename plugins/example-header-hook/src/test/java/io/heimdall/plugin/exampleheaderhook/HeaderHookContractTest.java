package io.heimdall.plugin.exampleheaderhook;

import io.heimdall.api.plugin.PluginFactory;
import io.heimdall.testkit.tck.HookContract;

import java.util.Map;

/** The reference company plugin passes the hook contract every hook plugin must pass. */
class HeaderHookContractTest extends HookContract {
    @Override
    protected PluginFactory factory() {
        return new HeaderHookFactory();
    }

    @Override
    protected Map<String, Object> config() {
        return Map.of("value", "acme");
    }
}
