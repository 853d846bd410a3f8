/**
 * The json-validation plugin: validates the model's JSON output against the request's {@code response_format} or a
 * configured JSON schema (draft 2020-12, networknt json-schema-validator on Jackson 3, both private to this plugin's
 * folder), retrying or answering a clear error on failure; streams are validated at their end.
 */
module io.heimdall.plugin.jsonvalidation {
    requires io.heimdall.api;
    requires com.networknt.schema;
    requires tools.jackson.databind;

    provides io.heimdall.api.plugin.PluginFactory with io.heimdall.plugin.jsonvalidation.JsonValidationFactory;
}
