package io.heimdall.api.hook;

import io.heimdall.api.provider.ChunkSink;

/**
 * An answer a hook produces as a stream, for example an agent loop whose final turn streams its tokens as they arrive.
 * The core calls {@link #stream} on the request's thread; each chunk pushed into the sink passes the later hooks'
 * {@code onChunk} and is on the client's socket before {@code accept} returns. For a client that did not ask for a
 * stream the chunks are gathered into one response.
 */
@FunctionalInterface
public interface StreamAnswer {
    /** Produces the chunks. Throwing before the first chunk answers with that error; after it, ends the stream. */
    void stream(ChunkSink sink);
}
