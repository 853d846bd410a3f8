/** Provider type {@code gemini}: Google AI Studio's Gemini API (chat, streaming, embeddings, model listing). */
package io.heimdall.provider.gemini;
