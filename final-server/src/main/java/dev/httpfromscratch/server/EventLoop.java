package dev.httpfromscratch.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * One event-loop thread: a {@link Selector} (an epoll instance on Linux) and the connections it
 * owns, from the hand-off to their close (docs/05-final-server.md, "Code: EventLoop.adopt").
 *
 * <p>Step 4 taught the loop with one thread; the final server runs N of them, one per processor
 * by default, and never lets two threads touch one connection. Loop 0 also accepts (its selector
 * watches the listening socket, see {@link Acceptor}) and deals the new connections out round
 * robin: its own it opens at once; for another loop, the only thing that crosses threads, it
 * puts the connection in that loop's {@link #newConnections} (a lock-free queue) and calls
 * {@code selector.wakeup()} (a write to an eventfd the epoll watches), and that loop registers it
 * on its own thread. Everything else (parsing, answering, timeouts, the read and write buffers,
 * the date in the fixed responses) belongs to one thread alone, so the hot path has no lock, no
 * volatile write and no handing of data between cores.
 *
 * <p>One turn: {@code select()} (epoll_wait) until a socket is ready or the next timeout sweep is
 * due; handle each ready key (accept, read, write); register new connections; expire connections
 * past their deadline; print the access log lines of the turn.
 *
 * <p>A failure while handling one connection (a bug, a stub, a handler recursing too deep) closes
 * that connection. A failure of the loop itself (an Error such as OutOfMemoryError, a selector
 * that fails) is the process's: the loop stops taking connections, reports it through
 * {@link ServerContext#fatal}, and Main ends the process (docs/05-final-server.md, "When the
 * process must die"). A loop never goes on accepting work it will not do.
 */
final class EventLoop implements Runnable {
    private static final int BUFFER_BYTES = 64 * 1024;

    private final int number;
    private final ServerContext context;
    private final Selector selector;
    private final Queue<SocketChannel> newConnections = new ConcurrentLinkedQueue<>();
    /** Heap, not direct: the parser scans arrays in place (ByteBuffer.array()). */
    private final ByteBuffer readBuffer = ByteBuffer.allocate(BUFFER_BYTES);
    /** Direct: write() from a direct buffer goes straight to the kernel with no hidden copy. */
    private final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(BUFFER_BYTES);
    private final FixedResponses fixedResponses;
    private final AccessLog accessLog;
    /** What this loop lends each of its connections: all a connection knows of the loop. */
    private final LoopResources resources;
    /** This loop's connections, by identity: O(1) to add and remove however many are open. */
    private final HashSet<Connection> connections = new HashSet<>();
    /** The connections a sweep or a drain step acts on, gathered first (acting may close others); reused. */
    private final ArrayList<Connection> due = new ArrayList<>();
    private final long sweepIntervalNanos;
    /** Created once: a method reference evaluated per select() would allocate per turn. */
    private final Consumer<SelectionKey> onReady = this::onReady;
    private final Thread thread;
    /** Loop 0's: the listening socket it watches and accepts from; null on the other loops. */
    private Acceptor acceptor;
    private SelectionKey acceptKey;
    /** epoll reported the listening socket readable in this turn's select. */
    private boolean acceptable;
    /** Set by {@link #stopAccepting}: this loop takes the kernel's queue and closes the port at its next turn. */
    private volatile boolean stopAccepting;
    private final java.util.concurrent.CountDownLatch portClosed = new java.util.concurrent.CountDownLatch(1);
    /** False once run() ended (or never will start): adopt() then refuses, so no connection waits on a dead loop. */
    private volatile boolean running = true;

    /**
     * Test-only failure injection: when set (before the server starts), called with the loop's
     * number at every turn; FailFastTest's child process makes a loop die through it. Not a flag
     * a user can set: only code in this package can reach it.
     */
    static IntConsumer turnHook;

    private static final String ACCEPTING = "accepting";
    /** What the loop was doing when a failure ended it: {@link #ACCEPTING}, or null for its own work. */
    private String failing;

    private volatile long drainDeadline;
    /** Written by this loop's thread only; read by close() after the loop ended. */
    private volatile long forcedCloses;
    private volatile boolean draining;
    private long now;
    private long nextSweep;
    /**
     * The clock read once per turn, by the turn's first ready key, and shared by every key after
     * it: a request's duration then starts when epoll handed its bytes over, and a turn of forty
     * ready connections reads the clock once instead of forty times (each read is a vDSO call of
     * a few tens of nanoseconds, as much as parsing a header line: docs/06-performance.md).
     */
    private long turnTime;
    private boolean turnTimeTaken;
    /** System.nanoTime() at which the Date of the fixed responses goes stale: the wall clock is read about once a second. */
    private long dateStaleAt;
    private boolean dateTaken;

    EventLoop(int number, ServerContext context, FixedResponses fixedResponses) throws IOException {
        this(number, context, fixedResponses, Selector.open()); // epoll_create1(): one epoll fd per loop
    }

    /** A loop on the selector given: the server passes a real one; EventLoopTest one that works in memory. */
    EventLoop(int number, ServerContext context, FixedResponses fixedResponses, Selector selector) {
        this.number = number;
        this.context = context;
        this.selector = selector;
        this.fixedResponses = fixedResponses;
        this.accessLog = new AccessLog(context.accessLog);
        this.resources = new LoopResources(readBuffer, writeBuffer, fixedResponses, context.metrics.recorder(), accessLog,
                this::connectionClosed);
        // Look for expired connections at least twice per shortest timeout, at most every second.
        long shortest = context.config.shortestTimeout().toNanos();
        this.sweepIntervalNanos = Math.max(5_000_000L, Math.min(1_000_000_000L, shortest / 4));
        this.thread = Thread.ofPlatform().name("final-server-loop-" + number).unstarted(this);
    }

    /** Makes this loop the accepting one (before start()): it watches {@code acceptor}'s listening socket. */
    void acceptFrom(Acceptor listening) {
        this.acceptor = listening;
    }

    void start() {
        thread.start();
    }

    /**
     * Called by loop 0's acceptor, on loop 0's thread: the connection becomes this loop's at its next turn. Returns
     * false, and leaves the channel to the caller, when the loop is not running: either the loop
     * ends after the add and its final {@link #closeQueued} closes the channel, or the acceptor
     * sees {@code running == false} here and takes the channel back (whoever removes it first).
     */
    boolean adopt(SocketChannel channel) {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Final server: hand the connection to this loop's thread and wake its selector, or refuse it when the loop is not running (docs/05-final-server.md, 'Code: EventLoop.adopt')");
        newConnections.add(channel);
        if (!running && newConnections.remove(channel)) {
            return false;
        }
        selector.wakeup(); // epoll_wait returns at once, so the connection does not wait for a timeout
        return true;
        // END SOLUTION
    }

    @Override
    public void run() {
        now = System.nanoTime();
        nextSweep = now + sweepIntervalNanos;
        Throwable failure = null;
        try {
            if (acceptor != null) {
                acceptKey = acceptor.register(selector);
            }
            while (true) {
                long wakeAt = draining && drainDeadline - nextSweep < 0 ? drainDeadline : nextSweep; // the shutdown deadline is kept to the millisecond
                if (acceptor != null && acceptor.pausedUntil() != 0 && acceptor.pausedUntil() - wakeAt < 0) {
                    wakeAt = acceptor.pausedUntil();
                }
                long waitMillis = Math.max(1, (wakeAt - System.nanoTime() + 999_999) / 1_000_000);
                turnTimeTaken = false;
                selector.select(onReady, waitMillis); // epoll_wait(epfd, events, n, waitMillis)
                if (turnHook != null) {
                    turnHook.accept(number);
                }
                now = turnTimeTaken ? turnTime : System.nanoTime();
                if (acceptor != null) {
                    failing = ACCEPTING;
                    acceptTurn();
                    failing = null;
                }
                registerNewConnections();
                if (now - nextSweep >= 0) {
                    sweep();
                    nextSweep = now + sweepIntervalNanos;
                }
                accessLog.flush();
                if (draining && drain()) {
                    break;
                }
            }
        } catch (IOException | RuntimeException | Error fatal) {
            failure = fatal; // per-connection failures were handled where they happened: this one is the loop's
        } finally {
            running = false;
            if (failure != null) {
                context.fatal((failing == ACCEPTING ? "the acceptor (on event loop " + number + ")" : "event loop " + number)
                        + " stopped", failure);
            }
            if (acceptor != null) {
                acceptor.close(); // clients now get ECONNREFUSED, not a backlog nobody accepts from
                portClosed.countDown();
            }
            for (Connection connection : new ArrayList<>(connections)) {
                connection.close();
            }
            closeQueued();
            accessLog.flush();
            try {
                selector.close();
            } catch (IOException ignored) {
                // the epoll fd is released either way
            }
        }
    }

    /** Handles one ready key; a failure is this connection's problem, never the loop's. */
    private void onReady(SelectionKey key) {
        if (key == acceptKey) {
            acceptable = true; // accepted after the other ready keys: see acceptTurn
            return;
        }
        long at = turnTimeTaken ? turnTime : takeTurnTime();
        Connection connection = (Connection) key.attachment();
        try {
            if (key.isValid() && key.isWritable()) {
                connection.onWritable(at);
            }
            if (key.isValid() && key.isReadable()) {
                connection.onReadable(at);
            }
        } catch (RuntimeException | StackOverflowError bug) {
            closeAfterBug(connection, bug);
        }
    }

    /**
     * A bug (or a student's stub, or a handler recursing too deep) must cost one connection, not
     * the loop and its other clients. An OutOfMemoryError is not caught here: it is the process's.
     */
    private void closeAfterBug(Connection connection, Throwable bug) {
        writeBuffer.clear();
        context.console.println("final-server: closing a connection after an unexpected error: " + bug);
        connection.close();
    }

    /**
     * Loop 0's part of each turn: accept what epoll reported, resume accepting after a pause, and
     * when the server closes its port, take the kernel's queue, close the listening socket and
     * select once (a registered channel's descriptor is really closed when its key is
     * deregistered, at a select).
     */
    private void acceptTurn() throws IOException {
        if (acceptable) {
            // After the turn's reads and writes, not among them: the later a connection is
            // accepted, the likelier its request is already there for openHere's first read.
            acceptable = false;
            refreshDate(now); // a first read may answer at once
            acceptor.acceptReady(this, now);
        }
        acceptor.resumeIfPaused(now);
        if (stopAccepting && acceptor.isOpen()) {
            acceptor.takeBacklogAndClose(this, now);
            selector.selectNow(onReady);
            portClosed.countDown();
        }
    }

    /**
     * Called from close() (another thread): loop 0 takes what the kernel queued and closes the
     * port at its next turn; returns once it did, or after {@code millis} (a loop stuck in a handler).
     * A loop that ended has closed the port already.
     */
    boolean stopAccepting(long millis) throws InterruptedException {
        stopAccepting = true;
        selector.wakeup();
        return portClosed.await(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void registerNewConnections() {
        SocketChannel channel;
        while ((channel = newConnections.poll()) != null) {
            openHere(channel, now);
        }
    }

    /**
     * A new connection of this loop, on this loop's thread: it is read at once, because a client
     * usually sends its request right behind the handshake and it is often here already. A
     * connection answered and closed by that first read was never registered with epoll, which
     * saves registering it, deregistering it and the JDK's shutdown before close (docs/06,
     * "How the connection-per-request cost was found"); the others are registered for what they wait for.
     */
    void openHere(SocketChannel channel, long at) {
        Connection connection;
        try {
            connection = new Connection(resources, context, channel, at);
        } catch (RuntimeException | StackOverflowError bug) {
            context.console.println("final-server: closing a connection after an unexpected error: " + bug);
            try {
                channel.close();
            } catch (IOException ignored) {
                // released either way
            }
            context.openConnections.decrementAndGet();
            return;
        }
        connections.add(connection);
        context.metrics.connectionOpened();
        try {
            connection.onReadable(at); // read(): the request, or EAGAIN (0 bytes) when it is not here yet
            if (connection.isClosed()) {
                return;
            }
            // epoll_ctl(EPOLL_CTL_ADD, fd, EPOLLIN or EPOLLOUT): from now on this loop hears about this socket
            SelectionKey key = channel.register(selector, connection.interest(), connection);
            connection.register(key);
        } catch (ClosedChannelException closed) {
            connection.close();
        } catch (RuntimeException | StackOverflowError bug) {
            closeAfterBug(connection, bug); // close() gives the slot back
        }
    }

    /** The turn's first ready key reads the clock for all of them (kept out of onReady, which stays small enough to inline). */
    private long takeTurnTime() {
        turnTime = System.nanoTime();
        turnTimeTaken = true;
        refreshDate(turnTime);
        return turnTime;
    }

    /**
     * Keeps the fixed responses' Date current: the wall clock is read only when the second it
     * showed has ended by the monotonic clock, about once a second however many requests come.
     */
    private void refreshDate(long nanos) {
        if (!dateTaken || nanos - dateStaleAt >= 0) {
            long millis = System.currentTimeMillis();
            fixedResponses.refreshDate(millis);
            dateStaleAt = nanos + (1000 - Math.floorMod(millis, 1000)) * 1_000_000L;
            dateTaken = true;
        }
    }

    /** Expires every connection whose deadline passed (a scan: thousands of connections cost microseconds). */
    private void sweep() {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Final server: expire every connection whose deadline has passed, a failure costing only that connection (docs/05-final-server.md, 'Code: Deadlines.enter and EventLoop.sweep')");
        for (Connection connection : connections) {
            if (now - connection.deadline() >= 0) {
                due.add(connection);
            }
        }
        for (Connection connection : due) {
            try {
                connection.expire(now);
            } catch (RuntimeException | StackOverflowError bug) {
                closeAfterBug(connection, bug);
            }
        }
        due.clear();
        // END SOLUTION
    }

    /**
     * What a turn does after {@code select()} returned, at the time given: take the connections
     * handed over, then sweep. run() does the same with its own clock (and sweeps only when a
     * sweep is due); EventLoopTest calls this with a fake clock and no thread.
     */
    void turnAt(long at) {
        now = at;
        registerNewConnections();
        sweep();
    }

    /** One drain step at a time the caller picks (the loop runs it after every turn once draining): for in-memory tests. */
    boolean drainAt(long at) {
        now = at;
        return drain();
    }

    /** Called once by Connection.close(), through {@link LoopResources#closed()}. */
    private void connectionClosed(Connection connection) {
        if (connections.remove(connection)) {
            context.metrics.connectionClosed();
        }
        context.openConnections.decrementAndGet();
    }

    /**
     * Graceful shutdown, from the thread calling close(): stop taking requests on idle
     * connections, let requests in flight finish (their responses say Connection: close), and
     * close everything left at {@code deadline}.
     */
    void beginDrain(long deadline) {
        drainDeadline = deadline;
        draining = true;
        selector.wakeup();
    }

    /**
     * One drain step: returns true when the loop may end. An idle keep-alive connection is closed
     * only after a read finds nothing waiting on it: a request already on the wire is answered
     * (with Connection: close) instead of being met by a close, which a proxy would see as a reset
     * (and could not retry for a POST). A connection in a lingering close is left to finish it, and
     * one accepted moments ago is given a moment for its first request (Connection#mayStillSendItsFirstRequest).
     * A connection handed over while this turn ran (loop 0 takes the port's queue just before the
     * drain begins) is opened and read like any other, not closed unread: closing a socket with
     * a request in its receive queue sends RST, and nginx logs "recv() failed (104)".
     */
    private boolean drain() {
        registerNewConnections();
        boolean late = now - drainDeadline >= 0;
        due.addAll(connections);
        for (Connection connection : due) {
            if (late) {
                if (!connection.isIdle()) {
                    forcedCloses++;
                    context.metrics.forcedClose();
                }
                connection.close();
            } else if (connection.isIdle() && !connection.mayStillSendItsFirstRequest(now)) {
                connection.closeIfNothingWaiting(now);
            }
        }
        due.clear();
        return connections.isEmpty();
    }

    /** Connections the shutdown deadline closed with a request or response unfinished. */
    long forcedCloses() {
        return forcedCloses;
    }

    private void closeQueued() {
        SocketChannel channel;
        while ((channel = newConnections.poll()) != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // released either way
            }
            context.openConnections.decrementAndGet();
        }
    }

    /** Releases the selector of a loop that will never run (the server failed to start). */
    void abandon() {
        running = false;
        try {
            selector.close();
        } catch (IOException ignored) {
            // the epoll fd and the eventfd are released either way
        }
    }

    void join(long millis) throws InterruptedException {
        thread.join(millis);
    }

    boolean isAlive() {
        return thread.isAlive();
    }
}
