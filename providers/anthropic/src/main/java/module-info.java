/**
 * Provider type {@code anthropic}: the Anthropic Messages API ({@code POST /v1/messages}, {@code GET /v1/models}) with
 * {@code x-api-key} and {@code anthropic-version} headers. The wire translation lives in
 * {@code io.heimdall.provider.anthropic.messages}, shipped beside this jar in the plugin folder.
 */
module io.heimdall.provider.anthropic {
    requires io.heimdall.api;
    requires io.heimdall.provider.anthropic.messages;
    requires com.fasterxml.jackson.databind;

    provides io.heimdall.api.provider.ProviderFactory with io.heimdall.provider.anthropic.AnthropicProviderFactory;
}
