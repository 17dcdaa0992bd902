package dev.httpfromscratch.step4;

import dev.httpfromscratch.step3.RequestParser;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.LongAdder;

/**
 * Everything the event loop knows about one client, attached to the client's {@link SelectionKey}
 * (docs/04-multiplexing.md, "Code: Connection"). It is Java's form of CerberusHTTP's
 * {@code std::unordered_map<int, HttpParser>}: there the fd finds the parser, here the key that
 * {@code select()} returns carries it.
 *
 * <p>What it holds: the socket (non-blocking), the step-3 parser, one read buffer reused for every
 * read of this connection, the responses not yet taken by the kernel, and the time of the last byte
 * in either direction (for the idle timeout). Only the event-loop thread touches it, so nothing
 * here is synchronized.
 *
 * <p>The read buffer is kept in "read mode" between events: its position is the first byte the
 * parser has not used yet and its limit the end of what was read. It is almost always empty,
 * because the parser uses every byte it is given unless a whole request is complete and the
 * server stopped parsing to let its output drain first.
 */
public final class Connection {
    /** Bytes read per {@code read()} at most. The parser copies what it keeps, so this can stay small. */
    public static final int READ_BUFFER_BYTES = 4 * 1024;

    private final SocketChannel channel;
    private final SelectionKey key;
    private final RequestParser parser;
    private final ByteBuffer readBuffer = ByteBuffer.allocate(READ_BUFFER_BYTES).flip(); // empty, in read mode
    private final ArrayDeque<ByteBuffer> output = new ArrayDeque<>();
    private final IoThreads ioThreads;
    private final LongAdder partialWrites;
    private final SocketAddress peer;

    private long pendingOutputBytes;
    private boolean inputEnded;
    private boolean closeAfterOutput;
    private boolean continueSent;
    private long lastActivityNanos = System.nanoTime();
    private int interestOps = SelectionKey.OP_READ;
    private boolean closed;

    Connection(SocketChannel channel, SelectionKey key, RequestParser parser, IoThreads ioThreads, LongAdder partialWrites) {
        this.channel = channel;
        this.key = key;
        this.parser = parser;
        this.ioThreads = ioThreads;
        this.partialWrites = partialWrites;
        this.peer = remoteAddress(channel);
    }

    // ---- the two system calls -------------------------------------------------------------

    /**
     * {@code read(fd, ...)} into {@code buffer} (in write mode). On a non-blocking socket the kernel
     * never makes us wait: it returns what is in the receive queue, 0 when nothing is there (EAGAIN),
     * or -1 at end of stream (the client sent FIN). A reset (RST) throws "Connection reset".
     */
    public int read(ByteBuffer buffer) throws IOException {
        int count = channel.read(buffer);
        ioThreads.record(IoThreads.Operation.READ);
        if (count > 0) {
            lastActivityNanos = System.nanoTime();
        }
        return count;
    }

    /**
     * {@code write(fd, ...)} from {@code buffer}: the kernel copies as much as fits in the socket's
     * send buffer and returns at once. When the buffer still has bytes left afterwards, the write
     * was partial: the rest must wait until the socket is writable again (OP_WRITE).
     */
    public int write(ByteBuffer buffer) throws IOException {
        int count = channel.write(buffer);
        ioThreads.record(IoThreads.Operation.WRITE);
        if (count > 0) {
            lastActivityNanos = System.nanoTime();
        }
        if (buffer.hasRemaining()) {
            partialWrites.increment();
        }
        return count;
    }

    // ---- state ---------------------------------------------------------------------------

    public RequestParser parser() {
        return parser;
    }

    /** The reused read buffer, in read mode: {@code compact()} before a read, {@code flip()} after. */
    public ByteBuffer readBuffer() {
        return readBuffer;
    }

    /** Appends a response to the output queue; responses leave in the order they were queued. */
    public void queue(ByteBuffer bytes) {
        output.addLast(bytes);
        pendingOutputBytes += bytes.remaining();
    }

    /** The first queued response not completely written yet, or null when everything was sent. */
    public ByteBuffer nextOutput() {
        return output.peekFirst();
    }

    /** Drops the first queued response: all of its bytes are in the kernel now. */
    public void outputSent() {
        ByteBuffer sent = output.removeFirst();
        pendingOutputBytes -= sent.limit(); // queued at position 0, so its limit is what queue() counted
    }

    public boolean hasPendingOutput() {
        return !output.isEmpty();
    }

    /** Bytes queued and not yet written (counting whole responses, including partly written ones). */
    public long pendingOutputBytes() {
        return pendingOutputBytes;
    }

    /** The client will send nothing more (end of stream read): answer what was asked, then close. */
    public void inputEnded() {
        inputEnded = true;
        closeAfterOutput = true;
    }

    /** After the queued output is sent, close (Connection: close, HTTP/1.0, a rejected request, EOF). */
    public void closeAfterOutput() {
        closeAfterOutput = true;
    }

    public boolean isClosingAfterOutput() {
        return closeAfterOutput;
    }

    /** Whether "100 Continue" was already sent for the current request. */
    public boolean continueSent() {
        return continueSent;
    }

    public void continueSent(boolean sent) {
        continueSent = sent;
    }

    /**
     * Tells the selector what to wait for, from the state: OP_WRITE while output is pending (and
     * only then: a socket with room in its send buffer is writable almost always, so OP_WRITE
     * without output would wake the loop for nothing, over and over), OP_READ while the client
     * may still send and nothing waits to be written (reading no further while our answers pile
     * up is the back-pressure that bounds memory per client). Changes the registration only when
     * it differs, since each change is an {@code epoll_ctl(EPOLL_CTL_MOD)} at the next select.
     */
    public void updateInterest() {
        int wanted;
        if (!output.isEmpty()) {
            wanted = SelectionKey.OP_WRITE;
        } else if (!inputEnded && !closeAfterOutput) {
            wanted = SelectionKey.OP_READ;
        } else {
            wanted = 0;
        }
        if (wanted != interestOps) {
            key.interestOps(wanted);
            interestOps = wanted;
        }
    }

    /** Whether nothing was read or written for longer than {@code timeoutNanos}, as of {@code now}. */
    boolean idleLongerThan(long timeoutNanos, long now) {
        return now - lastActivityNanos > timeoutNanos;
    }

    public SocketAddress peer() {
        return peer;
    }

    /**
     * Cancels the key (the fd leaves the epoll set at the next select) and closes the socket.
     * Returns false when it was closed already, so the server counts each connection out once.
     */
    boolean close() {
        if (closed) {
            return false;
        }
        closed = true;
        key.cancel();
        try {
            channel.close();
        } catch (IOException ignored) {
            // close(fd) fails only for an fd that is already gone; nothing is left to release
        }
        return true;
    }

    public boolean isClosed() {
        return closed;
    }

    private static SocketAddress remoteAddress(SocketChannel channel) {
        try {
            return channel.getRemoteAddress();
        } catch (IOException closedAlready) {
            return null;
        }
    }

    @Override
    public String toString() {
        return "Connection[" + peer + ", " + parser.state() + ", " + pendingOutputBytes + " bytes to send]";
    }
}
