/**
 * The request-validation plugin: a hook that checks chat requests against allowed models and caps on max_tokens,
 * message count and prompt size, globally and per HTTP route, answering a clear 400 naming the field.
 */
module io.heimdall.plugin.requestvalidation {
    requires io.heimdall.api;

    provides io.heimdall.api.plugin.PluginFactory with io.heimdall.plugin.requestvalidation.RequestValidationFactory;
}
