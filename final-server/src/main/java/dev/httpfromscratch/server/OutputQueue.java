package dev.httpfromscratch.server;

import dev.httpfromscratch.server.files.BodySource;
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
 * <p>A body read from a file ({@link BodySource}, docs/08-files.md) takes its place in the same
 * queue: the head before it, the next pipelined response after it. It writes itself straight from
 * the file to the socket (sendfile), turn after turn, and counts as the bytes it still owes, so a
 * large file fills the queue and the pipeline waits behind it. Its descriptor is closed when it is
 * done and on every way the queue is dropped ({@link #discard()}).
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
    /** Null while nothing waits (almost always): a keep-alive connection owns no queue. Holds ByteBuffers and BodySources. */
    private ArrayDeque<Object> pending;
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

    /**
     * Adds a body that writes itself from a file, behind everything added before it (its head
     * included); closed here once written, or at once if the client is already gone.
     */
    void sendBody(BodySource body) {
        endTurn(); // the head in the shared buffer goes first
        if (pending == null) {
            write(body);
        }
        if (broken || body.isDone()) {
            body.close();
            return;
        }
        queue(body);
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
            Object next = pending.peek();
            boolean done;
            if (next instanceof ByteBuffer bytes) {
                int before = bytes.remaining();
                write(bytes);
                pendingBytes -= before - bytes.remaining();
                progressed |= bytes.remaining() < before;
                done = !bytes.hasRemaining();
            } else {
                BodySource body = (BodySource) next;
                long before = body.remaining();
                progressed |= write(body) > 0;
                pendingBytes -= before - body.remaining();
                done = body.isDone();
                if (done) {
                    body.close();
                }
            }
            if (broken) {
                return progressed;
            }
            if (!done) {
                break; // the send buffer is full again (or a body had its turn's share): wait for the next OP_WRITE
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
        if (pending != null) {
            for (Object next : pending) {
                if (next instanceof BodySource body) {
                    body.close(); // the file descriptor goes back whatever way the connection ends
                }
            }
        }
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

    /** Lets {@code body} write what the socket takes (sendfile for a file region); returns the bytes written. */
    private long write(BodySource body) {
        if (broken) {
            return 0;
        }
        try {
            long written = body.writeTo(channel);
            metrics.sent(written);
            return written;
        } catch (IOException gone) {
            broken = true; // EPIPE / ECONNRESET, or a file that can no longer be read: the connection closes
            body.close();
            discard();
            return 0;
        }
    }

    private void queue(ByteBuffer bytes) {
        if (broken) {
            return;
        }
        queued(bytes, bytes.remaining());
    }

    private void queue(BodySource body) {
        queued(body, body.remaining());
    }

    private void queued(Object next, long bytes) {
        if (pending == null) {
            pending = new ArrayDeque<>(4);
        }
        pending.add(next);
        pendingBytes += bytes;
    }
}
