package dev.httpfromscratch.step3;

import dev.httpfromscratch.common.Server;
import dev.httpfromscratch.step1.AcceptLoop;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The step-3 server: one (virtual) thread per connection, one request per connection, answered
 * with {@code Connection: close} (keep-alive arrives in step 4).
 *
 * <p>Blocking is fine here because the parser is not: the connection thread blocks in
 * {@code read()} (the kernel's recv() on the connection's fd), feeds whatever arrived to the
 * {@link RequestParser}, and reads again while it says "need more". A request split over many
 * packets, or followed by the bytes of another request, is parsed exactly like one that arrived
 * whole. Virtual threads make a thread per connection cheap: a blocked read parks the virtual
 * thread and frees its carrier, much as Go parks a goroutine in netpoll.
 *
 * <p>Bounded: at most {@code maxConnections} connections (the next one gets 503), at most
 * {@code readTimeout} of silence from a client (then 408), and the parser's limits.
 */
public final class BlockingServer implements Server {
    /** How much one read() may bring; the parser takes it all before the next read. */
    static final int READ_BUFFER_BYTES = 16 * 1024;
    /** After answering, how long we keep reading (and discarding) what the client still sends. */
    private static final Duration LINGER = Duration.ofSeconds(2);
    private static final int LINGER_MAX_BYTES = 64 * 1024;

    /** What a server is started with; {@link Main} builds it from the command line. */
    public record Settings(int port, int backlog, ParserLimits limits, Duration readTimeout, int maxConnections) {
        public static Settings defaults(int port) {
            return new Settings(port, 50, ParserLimits.DEFAULTS, Duration.ofSeconds(10), 1_000);
        }
    }

    private final Settings settings;
    private final Router router;
    private final ResponseWriter writer = new ResponseWriter("http-from-scratch-step3", java.time.Clock.systemUTC());
    private final PrintStream console;
    private final Semaphore connectionSlots;
    private final Set<Socket> openConnections = ConcurrentHashMap.newKeySet();
    private final ExecutorService connectionThreads =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("step3-connection-", 0).factory());
    private ServerSocket listeningSocket;
    private Thread acceptThread;

    /** @param router answers the requests; its handler failures are printed on {@code console} */
    public BlockingServer(Settings settings, Router router, PrintStream console) {
        this.settings = settings;
        this.router = router;
        this.console = console;
        this.connectionSlots = new Semaphore(settings.maxConnections());
        router.onHandlerFailure((request, failure) ->
                console.println("handler failed: " + request.method() + " " + request.path() + ": " + failure));
    }

    @Override
    public void start() throws IOException {
        // Your step-1 code (step1-sockets): socket(), SO_REUSEADDR, bind(), listen(backlog).
        listeningSocket = AcceptLoop.openListeningSocket(settings.port(), settings.backlog());
        acceptThread = Thread.ofPlatform().name("step3-accept-loop").start(() -> {
            try {
                acceptLoop();
            } catch (RuntimeException stopped) {
                // The loop is not written yet (or broke): say so, and refuse clients at once
                // instead of leaving them queued in the backlog with nobody to accept them.
                console.println("accept loop stopped: " + stopped.getMessage());
                closeQuietly(listeningSocket);
            }
        });
    }

    /** Step 1's loop, handing each client to {@link #admit(Socket)} instead of closing it. */
    private void acceptLoop() {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Step 1: your step-1 accept loop, handing each client to admit() instead of closing it (docs/03-parsing.md, 'Written for you')");
        while (!listeningSocket.isClosed()) {
            Socket client;
            try {
                client = listeningSocket.accept();
            } catch (IOException failed) {
                if (listeningSocket.isClosed()) {
                    return;
                }
                console.println("accept failed: " + failed.getMessage());
                continue;
            }
            admit(client);
        }
        // END SOLUTION
    }

    /** A client just accepted: served on a virtual thread of its own, or refused with 503 over the limit. */
    void admit(Socket client) {
        if (!connectionSlots.tryAcquire()) {
            refuseBusy(client);
            return;
        }
        openConnections.add(client);
        connectionThreads.execute(() -> {
            try {
                serve(client);
            } finally {
                openConnections.remove(client);
                connectionSlots.release();
            }
        });
    }

    private static void closeQuietly(ServerSocket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to release
        }
    }

    /** The whole life of one connection: read until the parser has a request, answer, close. */
    private void serve(Socket socket) {
        try (socket) {
            try {
                converse(socket);
            } catch (RuntimeException bug) {
                // A bug in the parser or the writer (or a step still to be written): this client gets
                // a 500 if its socket still takes one, the console gets the reason, the server goes on.
                console.println("connection failed: " + bug);
                socket.getOutputStream().write(FALLBACK_500);
            }
        } catch (IOException gone) {
            console.println("connection ended: " + gone.getMessage()); // the client reset or vanished: its loss, not ours
        }
    }

    /** A 500 that needs neither the writer nor the parser, for when one of them failed. */
    private static final byte[] FALLBACK_500 = ("HTTP/1.1 500 Internal Server Error\r\nContent-Type: text/plain\r\n"
            + "Content-Length: 22\r\nConnection: close\r\n\r\n500 the server failed\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    /** Reads until the parser has a request (or a rejection), answers it, and closes gracefully. */
    private void converse(Socket socket) throws IOException {
        socket.setSoTimeout(Math.toIntExact(settings.readTimeout().toMillis()));
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream();
        RequestParser parser = new RequestParser(settings.limits());
        ByteBuffer buffer = ByteBuffer.allocate(READ_BUFFER_BYTES);
        boolean continueSent = false;
        ParseResult result = ParseResult.NEED_MORE;
        while (result instanceof ParseResult.NeedMore) {
            if (!continueSent && parser.head() != null && parser.head().expectsContinue()) {
                out.write(ResponseWriter.CONTINUE); // the client waits for this before sending its body
                continueSent = true;
            }
            int count;
            try {
                // recv() on the connection's fd: blocks (parks this virtual thread) until bytes,
                // end of stream, or the read timeout (SO_TIMEOUT, enforced by the JDK's poll).
                count = in.read(buffer.array(), buffer.position(), buffer.remaining());
            } catch (SocketTimeoutException silent) {
                if (parser.hasPartialRequest()) {
                    answer(out, HttpResponse.error(408, "The request was not complete after "
                            + settings.readTimeout().toMillis() + " ms of waiting."), false, "timed out");
                }
                return; // an idle connection that never started a request is closed quietly
            }
            if (count < 0) {
                if (parser.hasPartialRequest()) {
                    // The client half-closed (shutdown(SHUT_WR)) in the middle of a request: it can still read.
                    answer(out, HttpResponse.error(400, "The connection ended before the request was complete."), false, "cut short");
                }
                return;
            }
            buffer.position(buffer.position() + count);
            buffer.flip();
            result = parser.parse(buffer);
            buffer.compact(); // NeedMore used every byte; after Complete the rest is a pipelined request
        }
        switch (result) {
            case ParseResult.Complete complete -> {
                HttpRequest request = complete.request();
                HttpResponse response = router.respond(request);
                answer(out, response, request.isHead(), request.method() + " " + HttpSyntax.shorten(request.target()));
            }
            case ParseResult.Rejected rejected ->
                    answer(out, HttpResponse.error(rejected.status(), rejected.reason()), false, "rejected (" + rejected.reason() + ")");
            case ParseResult.NeedMore unreachable -> throw new IllegalStateException("the loop ends only on a result");
        }
        lingeringClose(socket, in);
    }

    /** Writes one response with Connection: close and prints one line about it. */
    private void answer(OutputStream out, HttpResponse response, boolean headRequest, String what) throws IOException {
        byte[] bytes;
        try {
            bytes = writer.encode(response, headRequest, true);
        } catch (IllegalArgumentException badField) {
            console.println("handler produced an invalid response: " + badField.getMessage());
            response = HttpResponse.error(500, "The server produced an invalid response; the failure was logged.");
            bytes = writer.encode(response, headRequest, true);
        }
        out.write(bytes); // send() until every byte is in the kernel's send buffer
        out.flush();
        console.println(what + " -> " + response.status() + " " + Status.reasonPhrase(response.status()));
    }

    /**
     * Closes after answering without destroying the answer (RFC 9112 §9.6). If the client's bytes
     * are still unread when we close(), the kernel answers them with a TCP RST, and a RST can make
     * the client's kernel throw away our response before the client read it. So: shutdown(SHUT_WR)
     * sends our FIN after the response, then we read and discard until the client closes too (or
     * a short time passes), and only then close the fd.
     */
    private static void lingeringClose(Socket socket, InputStream in) {
        try {
            socket.shutdownOutput();
            socket.setSoTimeout(Math.toIntExact(LINGER.toMillis()));
            byte[] discard = new byte[4096];
            int total = 0;
            int count;
            while (total < LINGER_MAX_BYTES && (count = in.read(discard)) >= 0) {
                total += count;
            }
        } catch (IOException ignored) {
            // timeout or reset: either way we are done with this connection
        }
    }

    /** Over the connection limit: a short 503 (it fits the socket buffer, so this never blocks) and close. */
    private void refuseBusy(Socket client) {
        try (client) {
            client.getOutputStream().write(writer.encode(
                    HttpResponse.error(503, "The server has " + settings.maxConnections() + " connections open; try again later."), false, true));
        } catch (IOException ignored) {
            // the client left already
        }
        console.println("refused a connection: " + settings.maxConnections() + " already open");
    }

    @Override
    public int port() {
        return listeningSocket.getLocalPort();
    }

    @Override
    public void close() {
        try {
            if (listeningSocket != null) {
                listeningSocket.close(); // a thread blocked in accept() wakes with an error
            }
            for (Socket socket : openConnections) {
                socket.close(); // threads blocked in read() on these sockets wake with an error
            }
            if (acceptThread != null) {
                acceptThread.join(5_000);
            }
            connectionThreads.shutdown();
            connectionThreads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException ignored) {
            // closing is best effort; nothing is left to release
        }
    }
}
