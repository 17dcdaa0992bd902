package dev.httpfromscratch.step2;

import dev.httpfromscratch.common.Server;
import dev.httpfromscratch.step1.AcceptLoop;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Step 2: the listening socket and accept loop of step 1, now handing every connection to a {@link ConnectionHandler}
 * that reads and writes with blocking I/O (docs/02-io.md).
 *
 * <p>With {@link ThreadingMode#SINGLE} the accept thread serves each client itself, so while it
 * sleeps in {@code read()} for one client nobody else is accepted. With
 * {@link ThreadingMode#PER_CONNECTION} (or {@link ThreadingMode#VIRTUAL}) each connection gets a
 * thread of its own and the accept thread goes straight back to {@code accept()}. Threads are not
 * free (a platform thread reserves its stack, 1 MiB by default on 64-bit Linux), so at most
 * {@code maxConnections} are served at once; the next clients wait in the listen backlog.
 */
public final class BlockingServer implements Server {
    private final int requestedPort;
    private final int backlog;
    private final ThreadingMode mode;
    private final int maxConnections;
    private final ConnectionHandler handler;
    private final PrintStream console;
    /** One permit per connection being served: the bound on threads and file descriptors. */
    private final Semaphore connectionSlots;
    /** Sockets being served, so that close() can wake threads blocked in read(). */
    private final Set<Socket> openConnections = ConcurrentHashMap.newKeySet();
    private volatile boolean closing;
    private ServerSocket listeningSocket;
    private Thread acceptThread;

    /**
     * @param port              the TCP port to bind; 0 asks the kernel for any free port
     * @param backlog           connections the kernel may queue before accept() takes them
     * @param mode              which thread serves a connection
     * @param maxConnections    connections served at the same time, at most
     * @param readTimeoutMillis how long one read() waits for a silent client before dropping it
     * @param console           where the server prints (System.out from main, captured in tests)
     */
    public BlockingServer(int port, int backlog, ThreadingMode mode, int maxConnections, int readTimeoutMillis,
                          PrintStream console) {
        this.requestedPort = port;
        this.backlog = backlog;
        this.mode = mode;
        this.maxConnections = maxConnections;
        this.connectionSlots = new Semaphore(maxConnections);
        this.handler = new ConnectionHandler(readTimeoutMillis, console);
        this.console = console;
    }

    @Override
    public void start() throws IOException {
        // Your step-1 code (step1-sockets): socket(), SO_REUSEADDR, bind(), listen(backlog).
        listeningSocket = AcceptLoop.openListeningSocket(requestedPort, backlog);
        acceptThread = Thread.ofPlatform().name("step2-accept-loop").start(() -> {
            try {
                acceptLoop();
            } catch (RuntimeException stopped) {
                // The loop is not written yet (or broke): say so, and refuse clients at once
                // instead of leaving them queued in the backlog with nobody to accept them.
                console.println("accept loop stopped: " + stopped.getMessage());
                closeListeningSocket();
            }
        });
    }

    /**
     * Step 1's loop with two changes: it takes a connection slot before accept(), so no more than
     * {@code maxConnections} clients are served at once, and it hands each client to
     * {@link #admit(Socket)} instead of closing it. Returns once {@link #close()} has begun.
     */
    private void acceptLoop() {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Step 1: your step-1 accept loop, grown: wait for a connection slot before each accept(), print its line for each client and hand it to admit() instead of closing it, and return once the server is closing (docs/02-io.md, 'Code: the blocking server')");
        while (!closing) {
            try {
                connectionSlots.acquire(); // all slots taken: new clients wait in the kernel's backlog
            } catch (InterruptedException shuttingDown) {
                return;
            }
            Socket client;
            try {
                client = listeningSocket.accept();
            } catch (IOException failed) {
                connectionSlots.release();
                if (closing) {
                    return; // close() closed the listening socket: accept() was woken with an error
                }
                console.println("accept failed: " + failed.getMessage());
                continue;
            }
            console.println("client connected: " + client.getRemoteSocketAddress());
            if (!admit(client)) {
                return;
            }
        }
        // END SOLUTION
    }

    /**
     * Takes over a client just accepted (holding a connection slot) and dispatches it. False when
     * the server is closing: the client is then closed unanswered.
     */
    boolean admit(Socket client) {
        openConnections.add(client);
        if (closing) { // close() ran between accept() and add(): it did not see this socket
            finish(client);
            return false;
        }
        try {
            dispatch(client);
        } catch (RuntimeException | OutOfMemoryError cannotServe) {
            // No thread could be started for it (or dispatch is not written yet): this client
            // is closed unanswered, and the loop goes on with the next one.
            console.println("cannot serve " + client.getRemoteSocketAddress() + ": " + cannotServe);
            finish(client);
        }
        return true;
    }

    /**
     * Hands an accepted client to {@link #serve(Socket)}: on this very thread in
     * {@link ThreadingMode#SINGLE} mode, on a new platform thread in
     * {@link ThreadingMode#PER_CONNECTION} mode, on a new virtual thread in
     * {@link ThreadingMode#VIRTUAL} mode.
     */
    void dispatch(Socket client) {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Step 2: serve the client on the accept thread or on a thread of its own, as the threading mode says (docs/02-io.md, 'Stage 4: a thread per connection')");
        switch (mode) {
            // This thread reads and writes; accept() is not called again until serve() returns.
            case SINGLE -> serve(client);
            // clone(): a kernel thread with its own stack; this thread goes straight back to accept().
            case PER_CONNECTION -> Thread.ofPlatform().name("step2-connection-" + client.getPort()).start(() -> serve(client));
            // No kernel thread: the JDK parks it while its read() waits (a preview of step 4).
            case VIRTUAL -> Thread.ofVirtual().name("step2-virtual-" + client.getPort()).start(() -> serve(client));
        }
        // END SOLUTION
    }

    /** Runs the handler for one client, then closes its socket and frees its slot, whatever happened. */
    void serve(Socket client) {
        try {
            handler.handle(client);
        } catch (RuntimeException bug) {
            // A bug in the handler ends this connection, never the thread that serves the next one.
            console.println("handler failed for " + client.getRemoteSocketAddress() + ": " + bug);
        } finally {
            finish(client);
        }
    }

    private void finish(Socket client) {
        try {
            client.close(); // close(fd): FIN to the client, the fd number is free for the next accept()
        } catch (IOException ignored) {
            // nothing left to release
        }
        openConnections.remove(client);
        connectionSlots.release();
    }

    @Override
    public int port() {
        return listeningSocket.getLocalPort();
    }

    private void closeListeningSocket() {
        try {
            if (listeningSocket != null) {
                listeningSocket.close();
            }
        } catch (IOException ignored) {
            // closing is best effort
        }
    }

    @Override
    public void close() {
        closing = true;
        closeListeningSocket(); // a thread blocked in accept() gets an error
        if (acceptThread != null) {
            acceptThread.interrupt(); // a thread waiting for a connection slot gives up
        }
        for (Socket client : openConnections) {
            try {
                client.close(); // a thread blocked in read() on it gets "Socket closed"
            } catch (IOException ignored) {
                // already closed
            }
        }
        try {
            if (acceptThread != null) {
                acceptThread.join(5_000);
            }
            // Every serve() gives its slot back when it ends; all of them back means all ended.
            if (connectionSlots.tryAcquire(maxConnections, 5, TimeUnit.SECONDS)) {
                connectionSlots.release(maxConnections);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
