package dev.httpfromscratch.server.files;

import java.io.IOException;
import java.nio.channels.WritableByteChannel;

/**
 * A response body that does not sit in the heap (docs/08-files.md, "Code: sending a file without
 * copying"): the output queue asks it to write what the socket takes, turn after turn, until it is
 * done. Nothing of it is copied into the heap but what one turn needs.
 *
 * <p>It holds a file descriptor, so whoever holds it must {@link #close()} it on every path: done,
 * a HEAD request (the head is sent, the body never), a client that left, a shutdown.
 */
public interface BodySource extends AutoCloseable {
    /** The body's length for Content-Length, or -1 when it is sent with the chunked transfer-coding. */
    long length();

    /** Bytes still to send (for a chunked body: the input still to encode, an estimate), for backpressure. */
    long remaining();

    /**
     * Writes as much as {@code socket} takes now, without blocking (a non-blocking socket returns
     * early when its send buffer is full), and at most a fair share of one event-loop turn.
     * Returns the bytes written; 0 means "wait for OP_WRITE".
     */
    long writeTo(WritableByteChannel socket) throws IOException;

    /** Every byte was written. */
    boolean isDone();

    /** Releases the file descriptor (and any native memory); safe to call twice, never throws. */
    @Override
    void close();
}
