/** The OpenAI wire codec: canonical model records to and from JSON with Jackson's streaming and tree APIs. */
package io.heimdall.core.internal.wire;
