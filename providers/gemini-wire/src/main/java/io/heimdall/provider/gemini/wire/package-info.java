/**
 * Gemini wire translation: {@link io.heimdall.provider.gemini.wire.GeminiEngine} sends canonical chat requests to a
 * Gemini-format endpoint (AI Studio or Vertex AI) and translates the answers, streams and errors back.
 */
package io.heimdall.provider.gemini.wire;
