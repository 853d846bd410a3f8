/** Provider type {@code vertex}: Gemini models on Vertex AI (chat, streaming, embeddings) with Google OAuth tokens. */
package io.heimdall.provider.vertex;
