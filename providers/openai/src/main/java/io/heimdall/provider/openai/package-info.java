/**
 * The OpenAI wire providers: {@code OpenAiProvider} is the one implementation, and each
 * factory (openai, openai-compatible, azure-openai, mistral, the presets) gives it a flavor: paths, auth, request
 * rewrites, chunk and error mapping.
 */
package io.heimdall.provider.openai;
