/**
 * The canonical model: immutable records in the shape of the OpenAI Chat Completions, Embeddings and Models wire
 * formats. Optional values are {@link java.util.Optional}, absent lists are empty, never {@code null}. Fields the
 * gateway does not model are kept as raw JSON in each record's {@code extra} map and pass through untouched.
 */
package io.heimdall.api.model;
