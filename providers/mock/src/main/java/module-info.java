/**
 * The embedded mock provider, type {@code mock}: answers without any network or API key, deterministically, with
 * configurable latency and failures, so a fresh install works out of the box and tests and benchmarks have a fast,
 * predictable upstream. Exports nothing: the core finds the factory through {@code provides}.
 */
module io.heimdall.provider.mock {
    requires io.heimdall.api;

    provides io.heimdall.api.provider.ProviderFactory with io.heimdall.provider.mock.MockProviderFactory;
}
