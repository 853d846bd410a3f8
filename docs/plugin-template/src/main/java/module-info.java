/** A company plugin for Heimdall: a hook that greets. Rename the module to your own. */
module com.example.heimdall.greeting {
    requires io.heimdall.api;

    provides io.heimdall.api.plugin.PluginFactory with com.example.heimdall.greeting.GreetingHookFactory;
}
