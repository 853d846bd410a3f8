/** The {@code semantic-cache} plugin: exact and semantic response cache on Lucene, embeddings in process. */
package io.heimdall.plugin.semanticcache;
