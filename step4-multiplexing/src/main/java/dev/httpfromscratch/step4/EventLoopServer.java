package dev.httpfromscratch.step4;

import dev.httpfromscratch.common.Server;
import dev.httpfromscratch.step3.ParseResult;
import dev.httpfromscratch.step3.RequestHead;
import dev.httpfromscratch.step3.RequestParser;
import dev.httpfromscratch.step3.ResponseWriter;
import dev.httpfromscratch.step3.Router;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * Step 4: one thread serves every connection (docs/04-multiplexing.md, "Code: EventLoopServer").
 *
 * <p>The loop is the reactor pattern: {@link Selector#select(long)} (on Linux {@code epoll_wait})
 * sleeps until some sockets are ready; the loop handles each ready key without ever blocking
 * (accept, read, write on non-blocking sockets), runs the tasks other threads queued, closes the
 * connections that were idle too long, and goes back to sleep. CerberusHTTP's loop in
 * {@code tcp.cpp} has the same shape around {@code epoll_wait}, with edge-triggered events; Java's
 * Selector is level-triggered, which is why each handler here may do one {@code read()} and leave
 * the rest for the next round (see the chapter, "Level- and edge-triggered").
 *
 * <p>Rules the loop keeps: only the loop thread touches a connection or the selector (other
 * threads hand it a task and call {@link Selector#wakeup()}); OP_WRITE is registered only while
 * output is pending; one connection's exception closes that connection, never the loop.
 */
public final class EventLoopServer implements Server {
    /** Stop parsing a connection's pipelined requests once this much output waits for its socket. */
    static final long OUTPUT_HIGH_WATER_BYTES = 64 * 1024;
    /**
     * Clients accepted per wake-up at most: a whole backlog (net.core.somaxconn is 4096 by
     * default). Accepting one per wake-up is correct (level-triggered) but measured badly: under
     * a burst of 5,000 connects each new client, its first request already sent, waited through
     * thousands of loop rounds and p99 latency went from 1.5 s to 6-7 s (docs/04-multiplexing.md,
     * "Measured"). A bound still keeps an endless stream of connects from starving open connections.
     */
    static final int ACCEPTS_PER_WAKEUP = 4096;

    private final ServerOptions options;
    private final PrintStream console;
    private final Responder responder;
    private final IoThreads ioThreads = new IoThreads();
    private final LongAdder partialWrites = new LongAdder();
    private final LongAdder roundsWithReadyKeys = new LongAdder();
    private long acceptedClients;
    private volatile long mostAcceptedInOneWakeup;
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final long idleTimeoutNanos;
    private final long sweepIntervalNanos;

    private Selector selector;
    private ServerSocketChannel listeningChannel;
    private SelectionKey listeningKey;
    private Thread loopThread;
    private int boundPort = -1;
    private volatile boolean running;
    private volatile int openConnections;
    private boolean acceptPaused;
    private long nextSweepNanos;

    /** The server with step 3's routes plus GET /large. */
    public EventLoopServer(ServerOptions options, PrintStream console) {
        this(options, Step4Routes.router(), console);
    }

    public EventLoopServer(ServerOptions options, Router router, PrintStream console) {
        this.options = options;
        this.console = console;
        router.onHandlerFailure((request, failure) ->
                console.println("handler for " + request.method() + " " + request.path() + " failed: " + failure));
        this.responder = new Responder(router, new ResponseWriter(), console);
        this.idleTimeoutNanos = options.idleTimeout().toNanos();
        // Idle connections are looked for a few times per timeout, at most once a second and at
        // least every 10 ms: a connection is closed between 1x and 1.25x the timeout.
        this.sweepIntervalNanos = Math.clamp(idleTimeoutNanos / 4, TimeUnit.MILLISECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(1));
    }

    @Override
    public void start() throws IOException {
        selector = Selector.open(); // epoll_create1(EPOLL_CLOEXEC): the epoll instance is one more fd
        listeningChannel = ServerSocketChannel.open();
        try {
            listeningChannel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            listeningChannel.bind(new InetSocketAddress(options.port()), options.backlog()); // bind() + listen()
            listeningChannel.configureBlocking(false); // fcntl(fd, F_SETFL, O_NONBLOCK): accept() returns null, never waits
            listeningKey = listeningChannel.register(selector, SelectionKey.OP_ACCEPT);
            boundPort = ((InetSocketAddress) listeningChannel.getLocalAddress()).getPort();
        } catch (IOException | RuntimeException failed) {
            listeningChannel.close();
            selector.close();
            throw failed;
        }
        running = true;
        nextSweepNanos = System.nanoTime() + sweepIntervalNanos;
        loopThread = Thread.ofPlatform().name("step4-event-loop").start(this::runLoop);
    }

    // ---- the loop (not written by students: it calls the handlers below) --------------------

    private void runLoop() {
        try {
            while (running) {
                long untilSweep = nextSweepNanos - System.nanoTime();
                // epoll_wait(epfd, events, max, timeout): sleeps until a registered fd is ready,
                // wakeup() is called, or the timeout passes (so idle connections get looked at).
                if (selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(untilSweep))) > 0) {
                    roundsWithReadyKeys.increment();
                }
                Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                while (ready.hasNext()) {
                    SelectionKey key = ready.next();
                    ready.remove(); // the selected set is ours to empty: select() only ever adds to it
                    dispatch(key);
                }
                runTasks();
                if (System.nanoTime() - nextSweepNanos >= 0) {
                    closeIdleConnections();
                    nextSweepNanos = System.nanoTime() + sweepIntervalNanos;
                }
            }
        } catch (UnsupportedOperationException notWrittenYet) {
            // A handler still throwing its starter stub: stop the whole server at once, so every
            // client (and test) sees it closed instead of waiting for an answer that never comes.
            console.println("event loop stopped: " + notWrittenYet.getMessage());
        } catch (IOException | RuntimeException loopFailed) {
            console.println("event loop stopped: " + loopFailed);
        } finally {
            closeEverything();
        }
    }

    /** One ready key: the listening socket has clients queued, or a client socket is readable or writable. */
    private void dispatch(SelectionKey key) {
        if (!key.isValid()) {
            return; // closed earlier in this same round
        }
        if (key == listeningKey) {
            long before = acceptedClients;
            try {
                handleAccept();
            } catch (IOException acceptFailed) {
                // EMFILE ("Too many open files") is the usual one. The listening socket stays
                // readable (level-triggered), so retrying now would spin: pause accepting until
                // the next sweep and let the kernel's backlog hold the clients meanwhile.
                console.println("accept failed: " + acceptFailed.getMessage() + "; pausing accept until the next idle check");
                pauseAccepting();
            }
            mostAcceptedInOneWakeup = Math.max(mostAcceptedInOneWakeup, acceptedClients - before);
            return;
        }
        Connection connection = (Connection) key.attachment();
        try {
            if (key.isReadable()) {
                handleRead(connection);
            }
            if (key.isValid() && key.isWritable()) {
                handleWrite(connection);
            }
        } catch (IOException gone) {
            // ECONNRESET from read(), EPIPE from write(): the client is gone; so is its connection.
            closeConnection(connection);
        } catch (UnsupportedOperationException notWrittenYet) {
            throw notWrittenYet;
        } catch (RuntimeException | StackOverflowError bug) {
            // One connection's bug (even a handler recursing too deep) must not stop the loop.
            console.println("closing " + connection.peer() + " after an unexpected error: " + bug);
            closeConnection(connection);
        }
    }

    // ---- the handlers (students write these) -------------------------------------------------

    /**
     * The listening socket is readable: at least one client finished its handshake and waits in
     * the backlog. Accepts clients with {@link #acceptClient()} (null: the queue is empty) until
     * the queue is empty, {@link #ACCEPTS_PER_WAKEUP} were taken, or the connection limit paused
     * accepting; makes each non-blocking with TCP_NODELAY (and SO_SNDBUF when
     * {@link ServerOptions#sendBufferBytes()} is set), registers it for OP_READ, attaches a
     * {@link Connection} made by {@link #newConnection} and counts it with {@link #connectionOpened()}.
     * Leaving clients in the queue is safe: select() is level-triggered and reports the listening
     * socket again while clients are still queued.
     */
    void handleAccept() throws IOException {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Step 4: accept every queued client; each must be non-blocking, send without Nagle's delay, use the send buffer size the options ask for, and be watched for reads with a Connection attached (docs/04-multiplexing.md, 'Code: handleAccept')");
        for (int accepted = 0; accepted < ACCEPTS_PER_WAKEUP && !acceptPaused; accepted++) {
            SocketChannel channel = acceptClient();
            if (channel == null) {
                return; // EAGAIN: the backlog is empty
            }
            try {
                channel.configureBlocking(false); // fcntl(fd, F_SETFL, O_NONBLOCK)
                // Each response is one write(); without Nagle's algorithm it leaves at once instead
                // of waiting for the ACK of the previous one (which delayed ACK holds back 40 ms).
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                if (options.sendBufferBytes() > 0) {
                    channel.setOption(StandardSocketOptions.SO_SNDBUF, options.sendBufferBytes());
                }
                // The fd joins the epoll set (epoll_ctl(EPOLL_CTL_ADD)) at the next select().
                SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
                key.attach(newConnection(channel, key));
            } catch (IOException | RuntimeException failed) {
                channel.close(); // never leak the fd of a client we could not register
                throw failed;
            }
            connectionOpened();
        }
        // END SOLUTION
    }

    /**
     * The client's socket is readable: bytes arrived, or end of stream, or a reset. Reads once
     * into the connection's buffer ({@code compact()}, {@link Connection#read}, {@code flip()}).
     * End of stream (-1) means the client sent everything it will send: answer what was asked,
     * then close ({@link Connection#inputEnded()}). Otherwise answer what the bytes complete with
     * {@link #answerBufferedRequests} and try to send it at once with {@link #handleWrite}.
     */
    void handleRead(Connection connection) throws IOException {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Step 4: read once into the connection's buffer, handle end of stream, answer the complete requests and try to write (docs/04-multiplexing.md, 'Code: handleRead')");
        ByteBuffer buffer = connection.readBuffer();
        buffer.compact(); // keep bytes not parsed yet at the front, make room after them
        int count;
        try {
            count = connection.read(buffer);
        } finally {
            buffer.flip();
        }
        if (count < 0) {
            connection.inputEnded(); // FIN: a half-closed client still reads what we owe it
            handleWrite(connection);
            return;
        }
        // One read per wake-up, even if more bytes wait: select() is level-triggered and reports
        // this socket again, and meanwhile the other ready connections get their turn.
        answerBufferedRequests(connection);
        handleWrite(connection);
        // END SOLUTION
    }

    /**
     * Parses the bytes in the connection's read buffer and queues a reply for every complete
     * request, in order (pipelining). Stops at NeedMore (every byte used), after a reply that
     * closes the connection, or once {@link #OUTPUT_HIGH_WATER_BYTES} wait to be sent (the rest
     * stays in the buffer until the output drains). Sends "100 Continue" once per request whose
     * client waits for it before its body.
     */
    void answerBufferedRequests(Connection connection) {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Step 4: parse the buffered bytes and queue one reply per complete request, in order (docs/04-multiplexing.md, 'Code: answerBufferedRequests')");
        RequestParser parser = connection.parser();
        ByteBuffer buffer = connection.readBuffer();
        while (!connection.isClosingAfterOutput() && connection.pendingOutputBytes() < OUTPUT_HIGH_WATER_BYTES) {
            switch (parser.parse(buffer)) {
                case ParseResult.Complete complete -> {
                    Responder.Reply reply = responder.reply(complete);
                    connection.queue(reply.bytes());
                    connection.continueSent(false);
                    if (reply.closeAfter()) {
                        connection.closeAfterOutput();
                    }
                }
                case ParseResult.Rejected rejected -> {
                    connection.queue(responder.reply(rejected).bytes());
                    connection.closeAfterOutput();
                }
                case ParseResult.NeedMore needMore -> {
                    RequestHead head = parser.head();
                    if (head != null && head.expectsContinue() && !connection.continueSent()) {
                        connection.queue(Responder.continueResponse());
                        connection.continueSent(true);
                    }
                    return; // every byte was used; wait for the next read
                }
            }
        }
        // END SOLUTION
    }

    /**
     * Sends queued output, oldest first, as far as the socket takes it. A partial write (bytes
     * left in the buffer) means the send buffer is full: register OP_WRITE
     * ({@link Connection#updateInterest()}) and return; the selector calls back when there is
     * room. Once everything is sent: close if the connection is closing, else answer requests
     * left in the read buffer while the output was high, and finally go back to OP_READ only.
     */
    void handleWrite(Connection connection) throws IOException {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Step 4: write queued output until done or the socket is full; OP_WRITE only while output is pending (docs/04-multiplexing.md, 'Code: handleWrite')");
        while (true) {
            ByteBuffer next;
            while ((next = connection.nextOutput()) != null) {
                connection.write(next);
                if (next.hasRemaining()) {
                    connection.updateInterest(); // OP_WRITE: call me when the kernel has room again
                    return;
                }
                connection.outputSent();
            }
            if (connection.isClosingAfterOutput()) {
                closeConnection(connection);
                return;
            }
            if (!connection.readBuffer().hasRemaining()) {
                break;
            }
            // Requests read earlier but left unparsed while our answers piled up: no new
            // readiness event will ever report them, so answer them now.
            answerBufferedRequests(connection);
            if (!connection.hasPendingOutput()) {
                break;
            }
        }
        connection.updateInterest(); // nothing left to send: OP_READ only
        // END SOLUTION
    }

    // ---- helpers the handlers use ------------------------------------------------------------

    /** {@code accept(listen fd)}: a new client socket, or null when none is queued (EAGAIN). */
    SocketChannel acceptClient() throws IOException {
        SocketChannel channel = listeningChannel.accept();
        ioThreads.record(IoThreads.Operation.ACCEPT);
        if (channel != null) {
            acceptedClients++;
        }
        return channel;
    }

    /** The state of a newly accepted client: a fresh parser with this server's limits. */
    Connection newConnection(SocketChannel channel, SelectionKey key) {
        return new Connection(channel, key, new RequestParser(options.limits()), ioThreads, partialWrites);
    }

    /** Counts a new connection; at the limit, stops asking the selector about the listening socket. */
    void connectionOpened() {
        openConnections++;
        if (openConnections >= options.maxConnections()) {
            pauseAccepting(); // more clients wait in the kernel's backlog, not in our memory
        }
    }

    /** Closes a connection and, below the limit again, accepts new clients again. */
    void closeConnection(Connection connection) {
        if (!connection.close()) {
            return;
        }
        openConnections--;
        if (acceptPaused && openConnections < options.maxConnections()) {
            resumeAccepting();
        }
    }

    private void pauseAccepting() {
        if (listeningKey.isValid()) {
            listeningKey.interestOps(0);
        }
        acceptPaused = true;
    }

    private void resumeAccepting() {
        if (listeningKey.isValid()) {
            listeningKey.interestOps(SelectionKey.OP_ACCEPT);
        }
        acceptPaused = false;
    }

    private void closeIdleConnections() {
        long now = System.nanoTime();
        for (SelectionKey key : selector.keys()) {
            if (key.isValid() && key.attachment() instanceof Connection connection
                    && connection.idleLongerThan(idleTimeoutNanos, now)) {
                console.println("closing " + connection.peer() + ": nothing sent or received for "
                        + options.idleTimeout().toMillis() + " ms (idle timeout)");
                closeConnection(connection);
            }
        }
        if (acceptPaused && openConnections < options.maxConnections()) {
            resumeAccepting(); // after an accept error (EMFILE), try again now
        }
    }

    /** Runs the work other threads handed to the loop ({@link #execute}). */
    private void runTasks() {
        Runnable task;
        while ((task = tasks.poll()) != null) {
            task.run();
        }
    }

    /**
     * Runs {@code task} on the loop thread, soon: queues it and wakes the selector up (on Linux
     * the JDK writes to an eventfd that is in the epoll set, so epoll_wait returns at once).
     */
    public void execute(Runnable task) {
        tasks.add(task);
        selector.wakeup();
    }

    private void closeEverything() {
        running = false;
        if (selector != null && selector.isOpen()) {
            for (SelectionKey key : selector.keys()) {
                if (key.attachment() instanceof Connection connection) {
                    connection.close();
                }
            }
        }
        try {
            listeningChannel.close();
            selector.close();
        } catch (IOException ignored) {
            // closing is best effort; the fds are released either way
        }
        openConnections = 0;
    }

    // ---- what tests and the chapter look at --------------------------------------------------

    /** Which threads made the accept, read and write calls. */
    public IoThreads ioThreads() {
        return ioThreads;
    }

    /** How many writes returned with bytes left over because the socket's send buffer was full. */
    public long partialWrites() {
        return partialWrites.sum();
    }

    /** How many times select() returned with ready keys: an idle server with no pending output should not be woken at all. */
    public long roundsWithReadyKeys() {
        return roundsWithReadyKeys.sum();
    }

    /** The most clients one call of {@link #handleAccept()} accepted. */
    public long mostAcceptedInOneWakeup() {
        return mostAcceptedInOneWakeup;
    }

    /** False once the loop has ended (closed, or stopped by an exception it could not survive). */
    public boolean isRunning() {
        return running && loopThread != null && loopThread.isAlive();
    }

    /** Connections open right now (read from another thread: a snapshot). */
    public int openConnections() {
        return openConnections;
    }

    @Override
    public int port() {
        return boundPort;
    }

    @Override
    public void close() {
        if (loopThread == null) {
            return; // never started, or start() failed and released everything itself
        }
        if (loopThread.isAlive()) {
            execute(() -> running = false);
        }
        try {
            loopThread.join(5_000);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
