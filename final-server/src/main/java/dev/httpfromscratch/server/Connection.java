package dev.httpfromscratch.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One client connection as its event loop sees it: a socket, and the turns the loop gives it
 * (docs/05-final-server.md, "The connection state machine"). It ties together the three pieces
 * that hold the real work, each in its own file:
 * <ul>
 *   <li>{@link RequestPipeline}: bytes in, responses out, and whether to keep the connection;</li>
 *   <li>{@link OutputQueue}: what the client still has to read, and backpressure;</li>
 *   <li>{@link Deadlines}: the phase the connection is in and when it runs out.</li>
 * </ul>
 * What stays here is what needs the socket: reading, the interest set the selector watches
 * (OP_READ or OP_WRITE), end of stream, the lingering close, and closing.
 *
 * <p>Only the owning loop's thread ever touches a connection, so nothing here is locked or
 * volatile. The loop calls {@link #onReadable}, {@link #onWritable} and {@link #expire}; all the
 * connection knows of the loop is its {@link LoopResources}.
 */
final class Connection {
    private final LoopResources loop;
    private final SocketChannel channel;
    private final OutputQueue output;
    private final RequestPipeline pipeline;
    private final Deadlines deadlines;
    private SelectionKey key;
    /** When the acceptor's connection reached this loop: see {@link #mayStillSendItsFirstRequest}. */
    private final long openedAt;
    /** The last response went out with FIN behind it; what the client still sends is read and dropped. */
    private boolean lingering;
    private boolean closed;
    /** TCP_NODELAY is set: see {@link #endTurn}. */
    private boolean noDelay;

    Connection(LoopResources loop, ServerContext context, SocketChannel channel, long now) {
        this.loop = loop;
        this.channel = channel;
        String remoteAddress = context.config.accessLog() || context.options.logConnections() ? remoteAddressOf(channel) : "";
        this.output = new OutputQueue(channel, loop.writeBuffer(), loop.metrics());
        this.pipeline = new RequestPipeline(context, loop, output, System::nanoTime, remoteAddress);
        this.deadlines = new Deadlines(context.config, now);
        this.openedAt = now;
        if (context.options.logConnections()) {
            loop.accessLog().connected(remoteAddress); // step 1's line, still here at the end of the course (--log-connections on)
        }
    }

    void register(SelectionKey registered) {
        this.key = registered;
    }

    long deadline() {
        return deadlines.deadline();
    }

    /**
     * True when closing it now loses nothing: no request begun, no response owed, and not in a
     * lingering close (which is still protecting a response already sent from a reset).
     */
    boolean isIdle() {
        return !closed && !lingering && deadlines.phase() == Phase.IDLE && !output.hasPending() && pipeline.isIdle();
    }

    /**
     * A connection that has not sent a byte yet but was opened moments ago is not idle in the
     * sense a shutdown means: a proxy connects and then writes its request, and between the
     * handshake (which the kernel completes on its own) and that write lies a gap. Closing in the
     * gap sends FIN to a client whose request is on its way; nginx reports "upstream prematurely
     * closed connection" and cannot retry a POST. Go's http.Server.Shutdown waits 5 s for such a
     * connection's first request; here it is {@link #FIRST_REQUEST_GRACE_NANOS}, and the shutdown
     * deadline bounds it either way.
     */
    boolean mayStillSendItsFirstRequest(long now) {
        return pipeline.completedRequests() == 0 && now - openedAt < FIRST_REQUEST_GRACE_NANOS;
    }

    private static final long FIRST_REQUEST_GRACE_NANOS = 1_000_000_000L;

    /**
     * Shutdown: closes this idle keep-alive connection unless request bytes are already waiting in
     * its receive queue; those are read and answered first (the answer says Connection: close).
     */
    void closeIfNothingWaiting(long now) {
        onReadable(now); // a non-blocking read: 0 bytes when nothing waits
        if (isIdle()) {
            close();
        }
    }

    /** The socket has bytes (or end-of-stream): read once, answer every complete request, write once. */
    void onReadable(long now) {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Final server: read into the loop's buffer, hand the bytes to the pipeline, then end the turn (docs/05-final-server.md, 'Code: Connection.onReadable')");
        ByteBuffer buffer = loop.readBuffer();
        buffer.clear();
        int read;
        try {
            read = channel.read(buffer); // read(fd, buf, len): the kernel copies what its receive queue holds
        } catch (IOException reset) {
            close(); // ECONNRESET and the like: the client is gone, nothing to answer
            return;
        }
        if (read < 0) {
            onEndOfStream();
            return;
        }
        if (read == 0) {
            return;
        }
        loop.metrics().received(read);
        if (lingering) {
            return; // closing: what the client still sends is read only to be discarded
        }
        buffer.flip();
        pipeline.accept(buffer, now);
        endTurn(now);
        // END SOLUTION
    }

    /** The socket has room again (OP_WRITE): write pending output, answer what waited for it, resume reading. */
    void onWritable(long now) {
        boolean progressed = output.drain();
        if (output.isBroken()) {
            close();
            return;
        }
        pipeline.resume(now); // pipelined requests that waited for the output to drain
        endTurn(now);
        if (progressed && !lingering && !closed) {
            // The write timeout is a stall timer: a client that reads, however slowly, keeps its
            // connection; one that stops reading for the whole timeout loses it.
            deadlines.progressed(now);
        }
    }

    /** The client closed its sending side (FIN): answer what is complete, then close. */
    private void onEndOfStream() {
        if (lingering || (!output.hasPending() && !pipeline.hasStash())) {
            close(); // a request cut short by EOF gets no answer: the client has stopped listening for one
            return;
        }
        pipeline.stopAfterOutput(); // a half-closed client may still read the responses it is owed
        updateInterest();
    }

    /** End of a read or write turn: write what the turn produced, then close, linger or wait as the state says. */
    private void endTurn(long now) {
        output.endTurn();
        if (output.isBroken()) {
            close(); // EPIPE / ECONNRESET: the client left
            return;
        }
        if (closed) {
            return;
        }
        if (!output.hasPending() && pipeline.closing() && !lingering) {
            if (pipeline.mayCloseAtOnce()) {
                close(); // nothing unread: close() sends FIN behind the response, never RST
            } else {
                startLingeringClose(now);
            }
            return;
        }
        if (!noDelay && !setNoDelay()) {
            return;
        }
        updateInterest();
        if (!lingering) {
            deadlines.enter(output.hasPending() ? Phase.WRITE : pipeline.waitingFor(), pipeline.completedRequests(), now);
        }
    }

    /**
     * Turns Nagle's algorithm off (setsockopt TCP_NODELAY) the first time the connection outlives
     * a turn: from then on a small response behind another one leaves at once instead of waiting
     * for the client's ACK of the first (docs/05-final-server.md, "Nagle, delayed ACKs and one write
     * per response"). A
     * connection answered and closed in its first turn never needs it (its one response has
     * nothing unacknowledged ahead of it), so connection-per-request saves the system call.
     */
    private boolean setNoDelay() {
        noDelay = true;
        try {
            channel.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
            return true;
        } catch (IOException gone) {
            close();
            return false;
        }
    }

    /**
     * Closing after a response: shutdown(SHUT_WR) sends FIN behind the response, then the bytes the
     * client still sends are read and dropped until it closes too (or {@link Deadlines#LINGER_NANOS}).
     * Closing at once would make the kernel answer those unread bytes with RST, and a RST can
     * destroy the response in the client's receive queue before the client has read it.
     */
    private void startLingeringClose(long now) {
        lingering = true;
        pipeline.stopAfterOutput();
        try {
            channel.shutdownOutput();
        } catch (IOException gone) {
            close();
            return;
        }
        deadlines.linger(now);
        updateInterest();
    }

    /** What the connection waits for: room to write when output is owed, else bytes to read. */
    int interest() {
        return output.hasPending() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ;
    }

    boolean isClosed() {
        return closed;
    }

    private void updateInterest() {
        if (closed || key == null || !key.isValid()) {
            return; // not registered yet: the loop registers it for interest() after its first read
        }
        int wanted = interest();
        if (key.interestOps() != wanted) {
            key.interestOps(wanted); // epoll_ctl(EPOLL_CTL_MOD) when the loop next selects
        }
    }

    /**
     * The deadline passed. A client still sending its request gets 408 and a lingering close; an
     * idle keep-alive connection, or one that read nothing of its responses for the whole write
     * timeout, is closed at once.
     */
    void expire(long now) {
        if (closed) {
            return;
        }
        if (lingering) {
            close();
            return;
        }
        if (deadlines.phase() == Phase.WRITE && output.hasPending()) {
            // A stall timer, not a deadline: a client that read anything since the deadline was
            // set has freed room in the socket's send buffer. epoll reports OP_WRITE only once a
            // third of that buffer is free, which a slow reader may take longer than the timeout
            // to free, so ask the socket itself: any byte it takes is progress and moves the deadline.
            onWritable(now);
            if (closed || !deadlines.expired(now)) {
                return;
            }
        }
        Phase phase = deadlines.phase();
        loop.metrics().timeout(phase);
        if ((phase == Phase.HEADER || phase == Phase.BODY) && !output.hasPending()) {
            pipeline.timedOut(phase);
            endTurn(now);
            return;
        }
        close();
    }

    /** Closes the socket (close(fd): the kernel sends FIN, or RST if unread bytes remain) and leaves the loop. */
    void close() {
        if (closed) {
            return;
        }
        closed = true;
        output.discard();
        pipeline.release();
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // the descriptor is released either way
        }
        loop.closed().accept(this);
    }

    private static String remoteAddressOf(SocketChannel channel) {
        try {
            java.net.InetSocketAddress peer = (java.net.InetSocketAddress) channel.getRemoteAddress();
            String host = peer.getHostString(); // getHostString: no reverse DNS lookup
            return (peer.getAddress() instanceof java.net.Inet6Address ? "[" + host + "]" : host) + ":" + peer.getPort();
        } catch (IOException | RuntimeException gone) {
            return "-";
        }
    }
}
