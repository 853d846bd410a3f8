package io.heimdall.provider.gemini.wire;

import com.fasterxml.jackson.databind.JsonNode;
import io.heimdall.api.GatewayException;
import io.heimdall.api.model.Embedding;
import io.heimdall.api.model.GatewayError;
import io.heimdall.api.model.RawJson;

import java.util.Optional;

/** Embedding vectors as Google APIs send them: a JSON array of numbers, kept verbatim for clients asking for floats. */
public final class Vectors {
    private Vectors() {
    }

    /**
     * One embedding from its {@code values} array.
     *
     * @throws GatewayException 502 {@code bad_upstream_response} when {@code values} is not an array
     */
    public static Embedding embedding(int index, JsonNode values, String provider) {
        if (values == null || !values.isArray()) {
            throw new GatewayException(GatewayError.of(502, GatewayError.API_ERROR, "Provider '" + provider
                    + "' sent an embedding without values", "bad_upstream_response"));
        }
        float[] v = new float[values.size()];
        for (int j = 0; j < v.length; j++) {
            v[j] = (float) values.get(j).asDouble();
        }
        return new Embedding(index, v, Optional.of(new RawJson(values.toString())));
    }
}
