package dev.httpfromscratch.server;

import dev.httpfromscratch.step3.HttpResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Accepting connections: the listening socket, the connection limit, and the round-robin
 * hand-off of each new connection to an event loop (docs/05-final-server.md, "Code: EventLoop.adopt").
 *
 * <p>No thread of its own: the listening socket is non-blocking and registered for OP_ACCEPT on
 * event loop 0's selector, and that loop calls {@link #acceptReady} when epoll says the kernel's
 * accept queue holds connections. A thread blocked in accept() would cost every connection a
 * wake-up of that thread, a switch to it and back, and a cross-thread hand-off with a
 * {@code wakeup()} even to the loop that was already awake; here a connection that stays on
 * loop 0 costs none of them, and only those handed to the other loops cross threads
 * ({@link EventLoop#adopt}). For a server doing connection-per-request that is most of the cost
 * of a connection beyond the system calls themselves (docs/06-performance.md, "How the
 * connection-per-request cost was found").
 *
 * <p>It is also where the connection limit is enforced: beyond {@link ServerConfig#maxConnections()}
 * the connection is still accepted (refusing to accept would leave it in the kernel's backlog,
 * where the client waits without an answer), answered 503 with {@code Retry-After} and closed,
 * and the connections already open keep being served. A connection a loop that is not running
 * would get is answered 503 too. A failure while accepting other than a failed accept() itself
 * is the process's ({@link ServerContext#fatal}), reported as the acceptor's.
 */
final class Acceptor {
    /**
     * Connections taken per readiness, at most: each accept() that finds the queue empty costs a
     * system call, and under a burst a loop that accepted without bound would starve the
     * connections it already serves.
     */
    private static final int ACCEPTS_PER_TURN = 64;
    /** After a failed accept() (EMFILE: out of descriptors), how long accepting pauses. */
    private static final long PAUSE_NANOS = 50_000_000L;

    private final ServerContext context;
    private final EventLoop[] loops;
    private final ServerSocketChannel listeningChannel;
    private SelectionKey key;
    private int next;
    /** Non-zero while accepting is paused after a failed accept(): when to resume (System.nanoTime()). */
    private long pausedUntil;

    /**
     * Test-only failure injection: when set (before the server starts), called after every
     * accept(); FailFastTest's child process makes accepting fail through it. Only code in this
     * package can reach it.
     */
    static Runnable acceptHook;

    Acceptor(ServerContext context, EventLoop[] loops) throws IOException {
        this.context = context;
        this.loops = loops;
        // socket() + setsockopt(SO_REUSEADDR) + bind() + listen(backlog), as in step 1, as a channel.
        ServerSocketChannel channel = ServerSocketChannel.open();
        try {
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            InetAddress address = context.options.bindAddress(); // null: the wildcard address, every interface
            channel.bind(new InetSocketAddress(address, context.config.port()), context.config.backlog());
            channel.configureBlocking(false); // accept() returns null when the queue is empty: the loop never blocks in it
        } catch (IOException | RuntimeException failed) {
            channel.close();
            throw failed;
        }
        this.listeningChannel = channel;
    }

    int port() {
        return listeningChannel.socket().getLocalPort();
    }

    /** Called once by the accepting loop, on its own thread: epoll_ctl(EPOLL_CTL_ADD, listening fd, EPOLLIN). */
    SelectionKey register(Selector selector) throws ClosedChannelException {
        key = listeningChannel.register(selector, SelectionKey.OP_ACCEPT, this);
        return key;
    }

    /**
     * The kernel's accept queue has connections: take them (at most {@link #ACCEPTS_PER_TURN}),
     * and give each one to the next loop, round robin; {@code self} is the loop calling.
     */
    void acceptReady(EventLoop self, long now) {
        for (int i = 0; i < ACCEPTS_PER_TURN; i++) {
            SocketChannel channel;
            try {
                channel = listeningChannel.accept(); // accept(): null when the queue is empty (EAGAIN)
            } catch (ClosedChannelException stopped) {
                return;
            } catch (IOException failed) {
                // EMFILE/ENFILE (out of file descriptors) is the usual one: the connection stays in
                // the backlog; stop asking for a moment instead of spinning on an accept that keeps failing.
                context.console.println("final-server: accept failed: " + failed.getMessage());
                pausedUntil = now + PAUSE_NANOS | 1;
                key.interestOps(0);
                return;
            }
            if (channel == null) {
                return;
            }
            if (acceptHook != null) {
                acceptHook.run();
            }
            admit(channel, self, now);
        }
    }

    /** Called by the accepting loop every turn: accepting resumes once a pause after a failure is over. */
    void resumeIfPaused(long now) {
        if (pausedUntil != 0 && now - pausedUntil >= 0 && key.isValid()) {
            pausedUntil = 0;
            key.interestOps(SelectionKey.OP_ACCEPT);
        }
    }

    /** The time accepting resumes (System.nanoTime()), or 0 when it is not paused: the loop wakes for it. */
    long pausedUntil() {
        return pausedUntil;
    }

    /**
     * While the server drains, connections are still accepted and served (with Connection: close)
     * until {@link #takeBacklogAndClose} closes the port: refusing here would answer 503 to clients a
     * load balancer sent before it saw /ready turn 503. A server that failed refuses them all.
     */
    private void admit(SocketChannel channel, EventLoop self, long now) {
        if (context.failed()) {
            refuse(channel, "The server is failing and will restart; try again shortly.");
        } else if (context.openConnections.get() >= context.config.maxConnections()) {
            refuse(channel, "The server has " + context.config.maxConnections() + " connections open; try again shortly.");
        } else {
            handOff(channel, self, now);
        }
    }

    /** Gives the connection to the next event loop, round-robin; a loop that is not running gets none. */
    private void handOff(SocketChannel channel, EventLoop self, long now) {
        context.openConnections.incrementAndGet(); // only the accepting loop adds, so check-then-add cannot overshoot
        try {
            channel.configureBlocking(false);
            if (context.options.sendBufferBytes() > 0) {
                channel.setOption(StandardSocketOptions.SO_SNDBUF, context.options.sendBufferBytes()); // setsockopt: the kernel doubles it for its bookkeeping
            }
            EventLoop loop = loops[next];
            next = next + 1 == loops.length ? 0 : next + 1;
            if (loop == self) {
                self.openHere(channel, now); // already on the owning thread: no queue, no wakeup
            } else if (!loop.adopt(channel)) {
                context.openConnections.decrementAndGet();
                refuse(channel, "The server is shutting down; try again shortly.");
            }
        } catch (IOException gone) {
            context.openConnections.decrementAndGet();
            closeQuietly(channel);
        } catch (RuntimeException bug) {
            // a bug (or a stub in EventLoop.adopt) costs this connection, never the accepting loop
            context.console.println("final-server: closing a connection after an unexpected error: " + bug);
            context.openConnections.decrementAndGet();
            closeQuietly(channel);
        }
    }

    /**
     * Closes the port, on the accepting loop's thread. Closing a listening socket makes the kernel
     * reset every connection still in its accept queue: clients whose handshake completed, and who
     * may have sent a whole request, get RST (nginx logs "recv() failed (104)" and cannot retry a
     * POST). So the queue is taken first and the socket closed right after: what is left for the
     * kernel to reset is only what arrives in the microseconds between the last accept() and
     * close(). The caller then selects once, which is when the JDK really closes a channel that
     * was registered.
     */
    void takeBacklogAndClose(EventLoop self, long now) {
        try {
            SocketChannel channel;
            while ((channel = listeningChannel.accept()) != null) {
                handOff(channel, self, now); // served like any other: the loops drain after the port closed
            }
        } catch (IOException | RuntimeException failed) {
            // the socket is closed below either way
        }
        close();
    }

    /** Closes the listening socket: new clients get ECONNREFUSED, not a backlog nobody accepts from. */
    void close() {
        if (key != null) {
            key.cancel();
        }
        try {
            listeningChannel.close();
        } catch (IOException ignored) {
            // released either way
        }
    }

    boolean isOpen() {
        return listeningChannel.isOpen();
    }

    /** 503 and close for a connection beyond the limit (or of a failed server); the write fits any fresh socket's send buffer. */
    private void refuse(SocketChannel channel, String reason) {
        context.metrics.connectionRejected();
        try {
            byte[] response = context.writer.encode(HttpResponse.error(503, reason)
                    .withHeader("Retry-After", "1"), false, true);
            channel.configureBlocking(false);
            channel.write(ByteBuffer.wrap(response));
            channel.shutdownOutput(); // FIN right behind the 503
            channel.read(ByteBuffer.allocate(4096)); // drop a request already here, so close() sends FIN rather than RST
        } catch (IOException | RuntimeException ignored) {
            // the client left already: nothing to tell it
        }
        closeQuietly(channel);
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // released either way
        }
    }
}
