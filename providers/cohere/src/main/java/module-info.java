/**
 * Provider type {@code cohere}: the Cohere v2 Chat API ({@code POST /v2/chat}, JSON and typed SSE events), Embed
 * ({@code POST /v2/embed}) and the model list ({@code GET /v1/models}), translated to and from the canonical OpenAI
 * shape. Exports nothing; Jackson comes from the gateway's boot layer.
 */
module io.heimdall.provider.cohere {
    requires io.heimdall.api;
    requires com.fasterxml.jackson.databind;

    provides io.heimdall.api.provider.ProviderFactory with io.heimdall.provider.cohere.CohereProviderFactory;
}
