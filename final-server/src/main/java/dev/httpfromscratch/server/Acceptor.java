package dev.httpfromscratch.server;

import dev.httpfromscratch.step3.HttpResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The acceptor thread: {@code accept()} in a loop on the listening socket, and each new
 * connection handed to the next event loop, round robin (docs/05-final-server.md, "Code: EventLoop.adopt").
 *
 * <p>Why a thread of its own, blocking in accept(): accepting is cheap and rare compared to
 * reading and writing, and a dedicated thread keeps it off the loops' hot path. It is also where
 * the connection limit is enforced: beyond {@link ServerConfig#maxConnections()} the connection
 * is still accepted (refusing to accept would leave it in the kernel's backlog, where the client
 * waits without an answer), answered 503 with {@code Retry-After} and closed, and the
 * connections already open keep being served.
 *
 * <p>It never hands a connection to an event loop that is not running ({@link EventLoop#adopt}
 * says so): such a connection is answered 503 and closed. An Error in this thread is the
 * process's failure ({@link ServerContext#fatal}), never a silent end of accepting.
 */
final class Acceptor implements Runnable {
    private final ServerContext context;
    private final EventLoop[] loops;
    private final ServerSocketChannel listeningChannel;
    private final Thread thread;
    private int next;
    /** Set by stop(): the acceptor takes what the kernel queued, then closes the socket itself. */
    private volatile boolean stopping;

    /**
     * Test-only failure injection: when set (before the server starts), called after every
     * accept(); FailFastTest's child process makes this thread die through it. Only code in this
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
        } catch (IOException | RuntimeException failed) {
            channel.close();
            throw failed;
        }
        this.listeningChannel = channel;
        this.thread = Thread.ofPlatform().name("final-server-acceptor").unstarted(this);
    }

    int port() {
        return listeningChannel.socket().getLocalPort();
    }

    void start() {
        thread.start();
    }

    @Override
    public void run() {
        try {
            acceptUntilClosed();
        } catch (RuntimeException | Error fatal) {
            context.fatal("the acceptor stopped", fatal);
            try {
                listeningChannel.close(); // clients now get ECONNREFUSED, not a backlog nobody accepts from
            } catch (IOException ignored) {
                // released either way
            }
        }
    }

    private void acceptUntilClosed() {
        while (listeningChannel.isOpen()) {
            if (stopping) {
                closeAfterTakingTheBacklog();
                return;
            }
            SocketChannel channel;
            try {
                channel = listeningChannel.accept(); // blocks in accept4() until a handshake completed
                if (acceptHook != null) {
                    acceptHook.run();
                }
            } catch (ClosedChannelException stopped) {
                return; // close(): the listening socket is gone, and so is this thread's work
            } catch (IOException failed) {
                // EMFILE/ENFILE (out of file descriptors) is the usual one: the connection stays in
                // the backlog; pause briefly instead of spinning on an accept that keeps failing.
                context.console.println("final-server: accept failed: " + failed.getMessage());
                pause();
                continue;
            }
            // While the server drains, connections are still accepted and served (with Connection:
            // close) until close() closes this socket: refusing here would answer 503 to clients a
            // load balancer sent before it saw /ready turn 503. A server that failed refuses them all.
            if (context.failed()) {
                refuse(channel, "The server is failing and will restart; try again shortly.");
                continue;
            }
            if (context.openConnections.get() >= context.config.maxConnections()) {
                refuse(channel, "The server has " + context.config.maxConnections() + " connections open; try again shortly.");
                continue;
            }
            handOff(channel);
        }
    }

    /** Gives the connection to the next event loop, round-robin; a loop that is not running gets none. */
    private void handOff(SocketChannel channel) {
        context.openConnections.incrementAndGet(); // only this thread adds, so check-then-add cannot overshoot
        try {
            channel.configureBlocking(false);
            // setsockopt(TCP_NODELAY), the one place the server sets it: without it the kernel holds a
            // small segment while earlier bytes are unacknowledged, and the client's delayed ACK can
            // hold that ACK 40 ms (docs/05-final-server.md, "Nagle, delayed ACKs and one write per response").
            channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
            if (context.options.sendBufferBytes() > 0) {
                channel.setOption(StandardSocketOptions.SO_SNDBUF, context.options.sendBufferBytes()); // setsockopt: the kernel doubles it for its bookkeeping
            }
            boolean adopted = loops[next].adopt(channel);
            next = next + 1 == loops.length ? 0 : next + 1;
            if (!adopted) {
                context.openConnections.decrementAndGet();
                refuse(channel, "The server is shutting down; try again shortly.");
            }
        } catch (IOException | RuntimeException failed) {
            context.openConnections.decrementAndGet();
            closeQuietly(channel);
        }
    }

    /**
     * Closing a listening socket makes the kernel reset every connection still in its accept queue:
     * clients whose handshake completed, and who may have sent a whole request, get RST (nginx logs
     * "recv() failed (104)" and cannot retry a POST). So the socket is closed here, by this thread,
     * right after it took everything the queue held: what is left for the kernel to reset is only
     * what arrives in the microseconds between the last accept() and close().
     */
    private void closeAfterTakingTheBacklog() {
        try {
            listeningChannel.configureBlocking(false); // no thread blocks in accept() now: this one is it
            SocketChannel channel;
            while ((channel = listeningChannel.accept()) != null) {
                handOff(channel); // served like any other: the loops drain after the port closed
            }
        } catch (IOException | RuntimeException failed) {
            // the socket is closed below either way
        }
        try {
            listeningChannel.close();
        } catch (IOException ignored) {
            // released either way
        }
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

    /**
     * Closes the port: sets {@link #stopping} and wakes the thread blocked in accept() with a
     * connection of its own (an empty one, closed at once), so that the acceptor itself takes the
     * backlog and closes the socket; then waits for the thread. If that cannot be done, closes the
     * socket from here (the thread in accept() gets ClosedChannelException).
     */
    void stop() throws InterruptedException {
        stopping = true;
        if (thread.isAlive()) {
            InetAddress address = context.options.bindAddress();
            InetSocketAddress self = new InetSocketAddress(address == null || address.isAnyLocalAddress()
                    ? InetAddress.getLoopbackAddress() : address, port());
            try (SocketChannel wakeUp = SocketChannel.open(self)) {
                thread.join(5_000);
            } catch (IOException | RuntimeException cannotConnect) {
                // the socket is closed below
            }
        }
        try {
            listeningChannel.close();
        } catch (IOException ignored) {
            // released either way
        }
        thread.join(5_000);
    }

    private static void pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(SocketChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // released either way
        }
    }
}
