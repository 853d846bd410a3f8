/** Implementation details of the mock upstream (JSON codec, token counting, embeddings); not exported. */
package io.heimdall.testkit.internal;
