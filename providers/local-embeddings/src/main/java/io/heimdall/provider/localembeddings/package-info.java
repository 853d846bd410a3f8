/** The {@code local-embeddings} provider: an in-process sentence-embedding model behind the provider SPI. */
package io.heimdall.provider.localembeddings;
