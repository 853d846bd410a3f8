package io.heimdall.api.provider;

import io.heimdall.api.plugin.ConfigSpec;
import io.heimdall.api.plugin.Factory;

/**
 * Creates providers of one type. Found with {@link java.util.ServiceLoader} in a plugin's module layer
 * ({@code provides io.heimdall.api.provider.ProviderFactory with ...} in its {@code module-info.java}). The core creates
 * one {@link Provider} per entry under {@code providers:} whose {@code type} equals {@link #id()}. An instance whose
 * config did not change survives a config reload (with its connection pools); a changed one is built new and the old
 * one closed once its requests are done. {@link #configSpec()} lists the entry's keys besides the ones the core
 * handles ({@code type}, {@code keys}, {@code routing}). {@link #create} must be cheap: no network calls, connections
 * are opened lazily.
 */
public interface ProviderFactory extends Factory<Provider> {
    /**
     * The fields an entry of {@code keys:} may carry besides {@code name}, {@code value}, {@code weight} and
     * {@code models}, for credentials that are more than one string (an AWS access key id, secret and session token;
     * a service-account JSON). Declare them as {@link io.heimdall.api.plugin.ConfigType#SECRET} or {@code STRING};
     * the provider reads them from {@link ApiKey#field(String)}.
     */
    default ConfigSpec keySpec() {
        return ConfigSpec.empty();
    }
}
