package dev.httpfromscratch.server;

import dev.httpfromscratch.step3.HttpRequest;
import dev.httpfromscratch.step3.HttpResponse;
import dev.httpfromscratch.step3.HttpSyntax;
import dev.httpfromscratch.step3.ParseResult;
import dev.httpfromscratch.step3.RequestHead;
import dev.httpfromscratch.step3.RequestParser;
import dev.httpfromscratch.step3.ResponseWriter;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;

/**
 * One client connection, owned by one {@link EventLoop} for its whole life: its parser, the
 * output it still owes the client, the phase it is in and the deadline of that phase
 * (docs/05-final-server.md, "The connection state machine").
 *
 * <p>Only the owning loop's thread ever touches a connection, so nothing here is locked or
 * volatile. The loop calls {@link #onReadable}, {@link #onWritable} and {@link #expire}; the
 * connection reads into the loop's shared read buffer, parses, answers each complete request
 * (several per read when the client pipelines) into the loop's shared write buffer, and writes
 * once at the end.
 *
 * <p>Backpressure: while output is waiting for a slow client, the connection stops reading
 * (no OP_READ), and it stops parsing pipelined requests once {@link #MAX_PENDING_OUTPUT} bytes
 * are owed. A client that sends requests without reading the answers fills its own socket
 * buffers, not the server's heap.
 */
final class Connection {

    /** Stop parsing pipelined requests once this many response bytes are waiting for the client. */
    static final int MAX_PENDING_OUTPUT = 256 * 1024;
    /** After the last response of a closing connection, how long to read and discard what the client still sends. */
    static final long LINGER_NANOS = 2_000_000_000L;

    private final EventLoop loop;
    private final ServerContext context;
    private final SocketChannel channel;
    private final RequestParser parser;
    /** This connection's share of the server's body budget: what its current request body holds. */
    private final BodyBudget.Account bodyMemory;
    private final String remoteAddress;
    private SelectionKey key;
    /** Where this connection sits in its loop's list (for O(1) removal). */
    int slot = -1;

    private ArrayDeque<ByteBuffer> pendingOutput;
    private long pendingBytes;
    /** Input read but not parsed yet because too much output is pending; null almost always. */
    private ByteBuffer stashedInput;

    private Phase phase = Phase.IDLE;
    private long deadline;
    private long completedRequests;
    private long completedAtPhaseStart;
    private long requestStart;
    private boolean headChecked;
    private boolean closeAfterWrite;
    private boolean lingering;
    private boolean closed;
    /** Response bytes of the current request (interim 100 included), for the access log. */
    private long bytesForRequest;

    Connection(EventLoop loop, ServerContext context, SocketChannel channel, long now) {
        this.loop = loop;
        this.context = context;
        this.channel = channel;
        this.bodyMemory = context.bodyBudget.account();
        this.parser = new RequestParser(context.config.parserLimits(), new RequestFraming(bodyMemory));
        this.remoteAddress = context.config.accessLog() || context.options.logConnections() ? remoteAddressOf(channel) : "";
        this.deadline = now + context.config.idleTimeout().toNanos();
        if (context.options.logConnections()) {
            loop.accessLog().connected(remoteAddress); // step 1's line, still here at the end of the course (--log-connections on)
        }
    }

    void register(SelectionKey registered) {
        this.key = registered;
    }

    long deadline() {
        return deadline;
    }

    /**
     * True when closing it now loses nothing: no request begun, no response owed, and not in a
     * lingering close (which is still protecting a response already sent from a reset).
     */
    boolean isIdle() {
        return !closed && !lingering && !closeAfterWrite && phase == Phase.IDLE && pendingOutput == null && stashedInput == null
                && !parser.hasPartialRequest();
    }

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

    // ---- reading -------------------------------------------------------------------------

    /** The socket has bytes (or end-of-stream): read once, answer every complete request, write once. */
    void onReadable(long now) {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Final server: read into the loop's buffer, parse and answer every complete request, then flush (docs/05-final-server.md, 'Code: Connection.onReadable')");
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
        if (phase == Phase.IDLE) {
            requestStart = now; // the first bytes of the next request: its duration starts here
        }
        buffer.flip();
        process(buffer, now);
        flush(now);
        // END SOLUTION
    }

    /**
     * Parses and answers requests from {@code input} until it is used up, or output must drain
     * first, or the connection closed (a write failed with EPIPE or ECONNRESET: the client is gone,
     * so the pipelined requests behind are not run, counted or logged).
     */
    private void process(ByteBuffer input, long now) {
        while (input.hasRemaining() && !closeAfterWrite && !closed) {
            if (pendingBytes > MAX_PENDING_OUTPUT) {
                stash(input);
                return;
            }
            ParseResult result = parser.parse(input);
            if (result instanceof ParseResult.Complete complete) {
                if (!headChecked && !checkHead(parser.head(), false)) {
                    return;
                }
                respond(complete.request());
                bodyMemory.releaseAll(); // the body was handled: its bytes leave the budget
                requestStart = now; // pipelined bytes after it, if any, begin the next request
            } else if (result instanceof ParseResult.Rejected rejected) {
                reject(rejected.status(), rejected.reason());
                return;
            } else {
                RequestHead head = parser.head();
                if (head != null && !headChecked) {
                    checkHead(head, true);
                }
                return;
            }
        }
    }

    /**
     * Runs once per request when its head is complete: refuses expectations the server cannot
     * meet (417), and answers {@code Expect: 100-continue} with an interim 100 when the route
     * exists, or with the final 404/405 and a close when it does not, so the client never sends
     * a body nobody will read (RFC 9110 §10.1.1). Returns false when the connection is closing.
     */
    private boolean checkHead(RequestHead head, boolean bodyStillComing) {
        headChecked = true;
        String expect = head.headers().get("Expect");
        if (expect == null || head.version().equals(RequestHead.HTTP_1_0)) {
            return true; // HTTP/1.0 clients cannot wait for 100 Continue: §10.1.1 says ignore the field
        }
        if (!head.expectsContinue()) {
            HttpResponse response = HttpResponse.error(417, "The only expectation this server meets is 100-continue.");
            send(context.writer.encode(response, false, true), false);
            finishRequest(head.method(), 417, head.target(), head.version(), true);
            return false;
        }
        if (!bodyStillComing) {
            return true; // the body is already here: no need to invite it
        }
        HttpRequest probe = head.withBody(EMPTY);
        if (!context.routes.accepts(head.method(), probe.path())) {
            // The final answer instead of 100: the router's own 404/405, then close, because
            // the client may send the body anyway and it would be read as the next request.
            HttpResponse response = context.routes.respond(probe);
            send(context.writer.encode(response, false, true), false);
            finishRequest(head.method(), response.status(), head.target(), head.version(), true);
            return false;
        }
        send(ResponseWriter.CONTINUE, true);
        return true;
    }

    private static final byte[] EMPTY = new byte[0];

    /** Answers one complete request: a constant route's pre-encoded bytes, else the router's response. */
    private void respond(HttpRequest request) {
        boolean draining = context.draining;
        boolean close = request.wantsClose() || draining;
        String method = request.method();
        boolean head = method.equals("HEAD");
        String target = request.target();
        int status;
        FixedResponses.Answer fixed = loop.fixedResponses().find(method, target, draining);
        if (fixed != null) {
            send(fixed.bytes(head, close), true);
            status = fixed.status;
        } else {
            HttpResponse response = context.routes.respond(request);
            byte[] bytes = encodeOrFail(response, request, head, close);
            if (bytes == null) {
                close = true;
                response = UNSENDABLE;
                bytes = context.writer.encode(response, head, true);
            }
            send(bytes, false);
            status = response.status();
        }
        finishRequest(method, status, target, request.version(), close);
    }

    private static final HttpResponse UNSENDABLE =
            HttpResponse.error(500, "The server built a response it cannot send; the failure was logged.");

    /**
     * The bytes of a handler's response, or null when the writer refuses it: a handler built a
     * header field with CR or LF in it, and sending it would split the response in two. That is
     * the server's bug, not the client's: the caller answers 500 and closes, as step 4 does, and
     * the responses already answered for this read still go out.
     */
    private byte[] encodeOrFail(HttpResponse response, HttpRequest request, boolean head, boolean close) {
        try {
            return context.writer.encode(response, head, close);
        } catch (IllegalArgumentException unsendable) {
            context.console.println("final-server: the handler for " + HttpSyntax.shorten(request.method()) + " "
                    + HttpSyntax.shorten(request.path()) + " built an unsendable response: " + unsendable.getMessage());
            return null;
        }
    }

    /** The parser refused the request: answer with its status and reason, then close (the framing is lost). */
    private void reject(int status, String reason) {
        loop.metrics().parseError(status);
        HttpResponse response = HttpResponse.error(status, reason);
        if (status == 503) {
            response = response.withHeader("Retry-After", "1"); // the body budget is full now, not forever
        }
        send(context.writer.encode(response, false, true), false);
        // The head may be incomplete (or refused as a whole, like an oversized Content-Length):
        // the request line, when it was parsed, still names the method.
        finishRequest(orDash(parser.method(), "OTHER"), status, orDash(parser.target(), "-"), orDash(parser.version(), "-"), true);
    }

    private static String orDash(String value, String otherwise) {
        return value == null ? otherwise : value;
    }

    private void finishRequest(String method, int status, String target, String version, boolean close) {
        long nanos = System.nanoTime() - requestStart;
        loop.metrics().request(method, status, target, nanos);
        if (context.config.accessLog()) {
            RequestHead head = parser.head();
            loop.accessLog().request(remoteAddress, method, target, version, status, bytesForRequest, nanos,
                    head == null ? null : head.headers().get("User-Agent"), head == null ? null : head.headers().get("X-Forwarded-For"));
        }
        bytesForRequest = 0;
        completedRequests++;
        headChecked = false;
        if (close) {
            closeAfterWrite = true;
        }
    }

    /** Keeps the unparsed rest of {@code input} for later, copying it out of the loop's shared buffer. */
    private void stash(ByteBuffer input) {
        if (input != stashedInput) {
            ByteBuffer copy = ByteBuffer.allocate(input.remaining());
            copy.put(input).flip();
            stashedInput = copy;
        }
    }

    /** The client closed its sending side (FIN): answer what is complete, then close. */
    private void onEndOfStream() {
        if (lingering || (pendingOutput == null && stashedInput == null)) {
            close(); // a request cut short by EOF gets no answer: the client has stopped listening for one
            return;
        }
        closeAfterWrite = true; // a half-closed client may still read the responses it is owed
        stashedInput = null;
        updateInterest();
    }

    // ---- writing -------------------------------------------------------------------------

    /**
     * Adds {@code bytes} to the output: into the loop's write buffer while it has room (written
     * once per read, however many pipelined responses it holds), else behind what is pending.
     *
     * @param shared true for arrays the server reuses (fixed responses): copied, never queued by reference
     */
    private void send(byte[] bytes, boolean shared) {
        bytesForRequest += bytes.length;
        ByteBuffer out = loop.writeBuffer();
        if (pendingOutput == null && bytes.length <= out.remaining()) {
            out.put(bytes);
            return;
        }
        writeLoopBuffer();
        if (pendingOutput == null && bytes.length <= out.remaining()) {
            out.put(bytes);
            return;
        }
        ByteBuffer own = ByteBuffer.wrap(shared ? bytes.clone() : bytes);
        if (pendingOutput == null) {
            writeDirect(own);
        }
        if (own.hasRemaining()) {
            queue(own);
        }
    }

    /** Writes what this connection put into the loop's write buffer; queues what the socket would not take. */
    private void writeLoopBuffer() {
        ByteBuffer out = loop.writeBuffer();
        if (out.position() == 0) {
            return;
        }
        out.flip();
        if (pendingOutput == null) {
            writeDirect(out);
        }
        if (out.hasRemaining()) {
            ByteBuffer rest = ByteBuffer.allocate(out.remaining());
            rest.put(out).flip();
            queue(rest);
        }
        out.clear();
    }

    private void writeDirect(ByteBuffer bytes) {
        if (closed) {
            bytes.position(bytes.limit());
            return;
        }
        try {
            int written = channel.write(bytes); // write(fd, ...): copies into the socket's send buffer, returns what fit
            loop.metrics().sent(written);
        } catch (IOException gone) {
            bytes.position(bytes.limit());
            close(); // EPIPE / ECONNRESET: the client left; the rest of its output is dropped
        }
    }

    private void queue(ByteBuffer bytes) {
        if (pendingOutput == null) {
            pendingOutput = new ArrayDeque<>(4);
        }
        pendingOutput.add(bytes);
        pendingBytes += bytes.remaining();
    }

    /** End of a read or write turn: write the loop buffer, then close, linger or wait as the state says. */
    private void flush(long now) {
        writeLoopBuffer();
        if (closed) {
            return;
        }
        if (pendingOutput == null && closeAfterWrite && !lingering) {
            startLingeringClose(now);
            return;
        }
        updateInterest();
        updateDeadline(now);
    }

    /** The socket has room again (OP_WRITE): write pending output, then resume reading. */
    void onWritable(long now) {
        boolean progressed = false;
        while (pendingOutput != null && !closed) {
            ByteBuffer next = pendingOutput.peek();
            int before = next.remaining();
            writeDirect(next);
            pendingBytes -= before - next.remaining();
            progressed |= next.remaining() < before;
            if (next.hasRemaining()) {
                break; // the send buffer is full again: wait for the next OP_WRITE
            }
            pendingOutput.poll();
            if (pendingOutput.isEmpty()) {
                pendingOutput = null;
            }
        }
        if (closed) {
            return;
        }
        if (pendingOutput == null && stashedInput != null && !closeAfterWrite) {
            process(stashedInput, now); // pipelined requests that waited for the output to drain
            if (stashedInput != null && !stashedInput.hasRemaining()) {
                stashedInput = null;
            }
        }
        flush(now);
        if (progressed && phase == Phase.WRITE && !lingering && !closed) {
            // The write timeout is a stall timer: a client that reads, however slowly, keeps its
            // connection; one that stops reading for the whole timeout loses it.
            deadline = now + context.config.writeTimeout().toNanos();
        }
    }

    /**
     * Closing after a response: shutdown(SHUT_WR) sends FIN behind the response, then the bytes the
     * client still sends are read and dropped until it closes too (or {@link #LINGER_NANOS}). Closing
     * at once would make the kernel answer those unread bytes with RST, and a RST can destroy the
     * response in the client's receive queue before the client has read it.
     */
    private void startLingeringClose(long now) {
        lingering = true;
        stashedInput = null;
        try {
            channel.shutdownOutput();
        } catch (IOException gone) {
            close();
            return;
        }
        deadline = now + Math.min(LINGER_NANOS, context.config.idleTimeout().toNanos());
        updateInterest();
    }

    private void updateInterest() {
        if (closed || !key.isValid()) {
            return;
        }
        int wanted = pendingOutput != null ? SelectionKey.OP_WRITE
                : stashedInput != null && !lingering ? 0 // cannot happen without pending output; kept for clarity
                : SelectionKey.OP_READ;
        if (key.interestOps() != wanted) {
            key.interestOps(wanted); // epoll_ctl(EPOLL_CTL_MOD) when the loop next selects
        }
    }

    // ---- time ----------------------------------------------------------------------------

    /**
     * Moves the deadline when the phase changes, or a new request started in the same phase. A
     * phase that goes on (more header bytes trickling in) keeps its deadline: that is what makes
     * the header timeout a deadline and not a silence timer.
     */
    private void updateDeadline(long now) {
        if (lingering) {
            return;
        }
        Phase next = pendingOutput != null ? Phase.WRITE
                : parser.hasPartialRequest() ? (parser.isHeadComplete() ? Phase.BODY : Phase.HEADER)
                : Phase.IDLE;
        if (next != phase || completedRequests != completedAtPhaseStart) {
            phase = next;
            completedAtPhaseStart = completedRequests;
            ServerConfig config = context.config;
            deadline = now + switch (next) {
                case IDLE -> config.idleTimeout().toNanos();
                case HEADER -> config.headerTimeout().toNanos();
                case BODY -> config.bodyTimeout().toNanos();
                case WRITE -> config.writeTimeout().toNanos();
            };
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
        if (phase == Phase.WRITE && pendingOutput != null) {
            // A stall timer, not a deadline: a client that read anything since the deadline was
            // set has freed room in the socket's send buffer. epoll reports OP_WRITE only once a
            // third of that buffer is free, which a slow reader may take longer than the timeout
            // to free, so ask the socket itself: any byte it takes is progress and moves the deadline.
            onWritable(now);
            if (closed || deadline - now > 0) {
                return;
            }
        }
        loop.metrics().timeout(phase);
        if ((phase == Phase.HEADER || phase == Phase.BODY) && pendingOutput == null) {
            ByteBuffer out = loop.writeBuffer();
            out.clear();
            String what = phase == Phase.HEADER ? "header section" : "body";
            send(context.writer.encode(HttpResponse.error(408, "The request " + what + " did not arrive in time."), false, true), false);
            RequestHead head = parser.head();
            finishRequest(head == null ? "OTHER" : head.method(), 408, head == null ? "-" : head.target(),
                    head == null ? "-" : head.version(), true);
            flush(now);
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
        pendingOutput = null;
        stashedInput = null;
        bodyMemory.releaseAll(); // every way a connection ends (timeout, reset, refusal, shutdown) passes here
        if (key != null) {
            key.cancel();
        }
        try {
            channel.close();
        } catch (IOException ignored) {
            // the descriptor is released either way
        }
        loop.connectionClosed(this);
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
