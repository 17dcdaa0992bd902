package dev.httpfromscratch.step4;

import dev.httpfromscratch.common.Server;
import dev.httpfromscratch.step1.AcceptLoop;
import dev.httpfromscratch.step3.ParseResult;
import dev.httpfromscratch.step3.RequestHead;
import dev.httpfromscratch.step3.RequestParser;
import dev.httpfromscratch.step3.ResponseWriter;
import dev.httpfromscratch.step3.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;

/**
 * Step 4, the other side: the same server as {@link EventLoopServer}, written as plain blocking
 * code with one virtual thread per connection (docs/04-multiplexing.md, "Code: VirtualThreadServer").
 *
 * <p>This is Java's answer to Go's goroutines on netpoll. A virtual thread that calls
 * {@code read()} on a socket with no data does not block a kernel thread: the JDK makes the
 * socket non-blocking, registers its fd with a poller (an epoll set on Linux, served by a few
 * "poller" threads) and parks the virtual thread; its carrier thread runs other virtual threads.
 * When epoll reports the fd ready, the virtual thread is scheduled again and the {@code read()}
 * returns. The event loop is still there, inside the JDK; the code just doesn't show it.
 */
public final class VirtualThreadServer implements Server {
    private final ServerOptions options;
    private final PrintStream console;
    private final Responder responder;
    private final IoThreads ioThreads = new IoThreads();
    private final Set<Socket> openSockets = ConcurrentHashMap.newKeySet();
    private final Semaphore connectionSlots;
    private final ThreadFactory connectionThreads = Thread.ofVirtual().name("step4-connection-", 1).factory();

    private ServerSocket listeningSocket;
    private Thread acceptThread;
    private volatile boolean closing;

    /** The server with step 3's routes plus GET /large. */
    public VirtualThreadServer(ServerOptions options, PrintStream console) {
        this(options, Step4Routes.router(), console);
    }

    public VirtualThreadServer(ServerOptions options, Router router, PrintStream console) {
        this.options = options;
        this.console = console;
        router.onHandlerFailure((request, failure) ->
                console.println("handler for " + request.method() + " " + request.path() + " failed: " + failure));
        this.responder = new Responder(router, new ResponseWriter(), console);
        this.connectionSlots = new Semaphore(options.maxConnections());
    }

    @Override
    public void start() throws IOException {
        // Your step-1 code (step1-sockets): socket(), SO_REUSEADDR, bind(), listen(backlog).
        listeningSocket = AcceptLoop.openListeningSocket(options.port(), options.backlog());
        // The accept loop itself is a virtual thread too: accept() parks it the same way.
        acceptThread = Thread.ofVirtual().name("step4-accept").start(() -> {
            try {
                acceptLoop();
            } catch (RuntimeException stopped) {
                // The loop is not written yet (or broke): say so, and refuse clients at once
                // instead of leaving them queued in the backlog with nobody to accept them.
                console.println("accept loop stopped: " + stopped.getMessage());
                try {
                    listeningSocket.close();
                } catch (IOException ignored) {
                    // nothing left to release
                }
            }
        });
    }

    /** Step 1's loop, taking a connection slot before accept() and handing each client to {@link #admit(Socket)}. */
    private void acceptLoop() {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Step 1: your step-1 accept loop, grown as in step 2: wait for a connection slot before each accept(), hand each client to admit() instead of closing it, and return once the server is closing (docs/04-multiplexing.md, 'Code: VirtualThreadServer.serveConnection')");
        while (!closing) {
            try {
                // At the limit, wait for a slot before accepting: the extra clients wait in the
                // kernel's backlog instead of costing a thread and buffers each.
                connectionSlots.acquire();
            } catch (InterruptedException interrupted) {
                return;
            }
            Socket client;
            try {
                client = listeningSocket.accept();
            } catch (IOException acceptFailed) {
                connectionSlots.release();
                if (closing || listeningSocket.isClosed()) {
                    return;
                }
                console.println("accept failed: " + acceptFailed.getMessage());
                continue;
            }
            admit(client);
        }
        // END SOLUTION
    }

    /** A client just accepted (holding a connection slot): served on a virtual thread of its own. */
    void admit(Socket client) {
        ioThreads.record(IoThreads.Operation.ACCEPT);
        openSockets.add(client);
        if (closing) {
            closeQuietly(client); // close() may have gone through openSockets before this one was added
        }
        connectionThreads.newThread(() -> serve(client)).start();
    }

    /** Runs one connection's handler and cleans up after it, whatever happens in it. */
    private void serve(Socket client) {
        try (client) {
            // SO_TIMEOUT: a read() that waits longer throws SocketTimeoutException, the idle timeout.
            client.setSoTimeout((int) Math.min(Integer.MAX_VALUE, options.idleTimeout().toMillis()));
            client.setTcpNoDelay(true); // one write() per response leaves at once (see EventLoopServer)
            if (options.sendBufferBytes() > 0) {
                client.setSendBufferSize(options.sendBufferBytes());
            }
            serveConnection(client);
        } catch (SocketTimeoutException idle) {
            console.println("closing " + client.getRemoteSocketAddress() + ": nothing received for "
                    + options.idleTimeout().toMillis() + " ms (idle timeout)");
        } catch (IOException gone) {
            // ECONNRESET, EPIPE, or "Socket closed" when close() shuts the server down: the
            // connection ends here; the other virtual threads never notice.
        } catch (UnsupportedOperationException notWrittenYet) {
            console.println("connection handler stopped: " + notWrittenYet.getMessage());
        } catch (RuntimeException bug) {
            console.println("closing " + client.getRemoteSocketAddress() + " after an unexpected error: " + bug);
        } finally {
            openSockets.remove(client);
            connectionSlots.release();
        }
    }

    /**
     * Serves one connection with blocking calls until it ends: read into a buffer, let a
     * {@link RequestParser} answer every complete request in order (the {@link Responder} says
     * what to send and whether to close), write each reply, send "100 Continue" when a client
     * waits for it, and return at end of stream, after a reply that closes, or after a rejection.
     * Record each read and write with {@link #ioThreads}. Idle and broken connections end as
     * exceptions ({@link SocketTimeoutException}, {@link IOException}), which the caller handles.
     */
    void serveConnection(Socket client) throws IOException {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Step 4: read, parse and answer requests on this socket until it closes, with blocking calls (docs/04-multiplexing.md, 'Code: VirtualThreadServer.serveConnection')");
        InputStream in = client.getInputStream();
        OutputStream out = client.getOutputStream();
        RequestParser parser = new RequestParser(options.limits());
        byte[] bytes = new byte[Connection.READ_BUFFER_BYTES];
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        boolean continueSent = false;
        while (true) {
            // read(fd, ...) looks blocking; underneath the virtual thread parks until epoll says
            // the fd is readable, and its carrier thread serves other connections meanwhile.
            int count = in.read(bytes);
            ioThreads.record(IoThreads.Operation.READ);
            if (count < 0) {
                return; // end of stream: every complete request was answered already
            }
            buffer.clear().limit(count);
            while (true) {
                ParseResult result = parser.parse(buffer);
                if (result instanceof ParseResult.Complete complete) {
                    Responder.Reply reply = responder.reply(complete);
                    send(out, reply.bytes());
                    continueSent = false;
                    if (reply.closeAfter()) {
                        return;
                    }
                } else if (result instanceof ParseResult.Rejected rejected) {
                    send(out, responder.reply(rejected).bytes());
                    return;
                } else {
                    RequestHead head = parser.head();
                    if (head != null && head.expectsContinue() && !continueSent) {
                        send(out, Responder.continueResponse());
                        continueSent = true;
                    }
                    break; // NeedMore: the parser used every byte; read again
                }
            }
        }
        // END SOLUTION
    }

    /** Writes a whole reply; a write() to a full socket parks the virtual thread until there is room. */
    private void send(OutputStream out, ByteBuffer bytes) throws IOException {
        out.write(bytes.array(), bytes.arrayOffset() + bytes.position(), bytes.remaining());
        ioThreads.record(IoThreads.Operation.WRITE);
    }

    /** Which threads made the accept, read and write calls (many: one virtual thread per connection). */
    public IoThreads ioThreads() {
        return ioThreads;
    }

    /** Connections open right now. */
    public int openConnections() {
        return openSockets.size();
    }

    @Override
    public int port() {
        return listeningSocket.getLocalPort();
    }

    @Override
    public void close() {
        closing = true;
        try {
            if (listeningSocket != null) {
                listeningSocket.close(); // the parked accept() wakes up with "Socket closed"
            }
        } catch (IOException ignored) {
            // best effort
        }
        openSockets.forEach(VirtualThreadServer::closeQuietly); // parked read()s and write()s wake up with "Socket closed"
        if (acceptThread != null) {
            try {
                acceptThread.join(5_000);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
