package dev.httpfromscratch.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayDeque;

/**
 * What one connection still owes its client, and the rule for the event loop's shared write
 * buffer (docs/05-final-server.md, "Written for you").
 *
 * <p>The shared-buffer rule: the loop lends every connection the same 64 KiB direct buffer during
 * that connection's turn only. Responses go into it while it has room (so ten pipelined answers
 * leave in one {@code write()}), and {@link #endTurn} writes it out before the turn ends. Bytes
 * the socket does not take are copied out of it into this connection's own queue: nothing of one
 * connection is ever left in the shared buffer for the next.
 *
 * <p>Backpressure: once anything is queued, new output goes behind it (order is the protocol),
 * and {@link #isFull()} tells the pipeline to stop answering pipelined requests until the client
 * reads. A client that sends without reading fills its own socket buffers, not the server's heap.
 *
 * <p>A write that fails (EPIPE, ECONNRESET: the client left) marks the queue {@link #isBroken()}
 * and drops what it held; the connection then closes.
 */
final class OutputQueue {
    /** Stop answering pipelined requests once this many response bytes are waiting for the client. */
    static final int MAX_PENDING_BYTES = 256 * 1024;

    private final WritableByteChannel channel;
    private final ByteBuffer shared;
    private final ServerMetrics.Recorder metrics;
    /** Null while nothing waits (almost always): a keep-alive connection owns no queue. */
    private ArrayDeque<ByteBuffer> pending;
    private long pendingBytes;
    private boolean broken;

    /** @param shared the loop's write buffer, lent to whichever connection's turn it is */
    OutputQueue(WritableByteChannel channel, ByteBuffer shared, ServerMetrics.Recorder metrics) {
        this.channel = channel;
        this.shared = shared;
        this.metrics = metrics;
    }

    /** Output waits for the client to read (the connection wants OP_WRITE). */
    boolean hasPending() {
        return pending != null;
    }

    /** So much waits that the pipeline must stop answering until the client reads. */
    boolean isFull() {
        return pendingBytes > MAX_PENDING_BYTES;
    }

    boolean isBroken() {
        return broken;
    }

    /** Adds bytes this connection alone holds (a freshly encoded response): queued by reference if they must wait. */
    void send(byte[] owned) {
        add(owned, false);
    }

    /** Adds bytes the loop reuses (a pre-encoded answer whose Date changes): copied if they must wait. */
    void sendCopyOf(byte[] reused) {
        add(reused, true);
    }

    private void add(byte[] bytes, boolean reused) {
        if (pending == null && bytes.length <= shared.remaining()) {
            shared.put(bytes);
            return;
        }
        endTurn();
        if (pending == null && bytes.length <= shared.remaining()) {
            shared.put(bytes);
            return;
        }
        ByteBuffer own = ByteBuffer.wrap(reused ? bytes.clone() : bytes);
        if (pending == null) {
            write(own);
        }
        if (own.hasRemaining()) {
            queue(own);
        }
    }

    /** The end of this connection's turn: writes what it put into the shared buffer, queues what the socket would not take. */
    void endTurn() {
        if (shared.position() == 0) {
            return;
        }
        shared.flip();
        if (pending == null) {
            write(shared);
        }
        if (shared.hasRemaining()) {
            ByteBuffer rest = ByteBuffer.allocate(shared.remaining());
            rest.put(shared).flip();
            queue(rest);
        }
        shared.clear();
    }

    /** The socket has room (OP_WRITE): writes queued output until it is gone or the socket is full. Returns true if any byte left. */
    boolean drain() {
        boolean progressed = false;
        while (pending != null && !broken) {
            ByteBuffer next = pending.peek();
            int before = next.remaining();
            write(next);
            if (broken) {
                return progressed;
            }
            pendingBytes -= before - next.remaining();
            progressed |= next.remaining() < before;
            if (next.hasRemaining()) {
                break; // the send buffer is full again: wait for the next OP_WRITE
            }
            pending.poll();
            if (pending.isEmpty()) {
                pending = null;
            }
        }
        return progressed;
    }

    /** Forgets everything (the connection is closing). */
    void discard() {
        pending = null;
        pendingBytes = 0;
    }

    private void write(ByteBuffer bytes) {
        if (broken) {
            bytes.position(bytes.limit());
            return;
        }
        try {
            int written = channel.write(bytes); // write(fd, ...): copies into the socket's send buffer, returns what fit
            metrics.sent(written);
        } catch (IOException gone) {
            bytes.position(bytes.limit()); // EPIPE / ECONNRESET: the client left; the rest of its output is dropped
            broken = true;
            discard();
        }
    }

    private void queue(ByteBuffer bytes) {
        if (broken) {
            return;
        }
        if (pending == null) {
            pending = new ArrayDeque<>(4);
        }
        pending.add(bytes);
        pendingBytes += bytes.remaining();
    }
}
