package dev.httpfromscratch.server;

import dev.httpfromscratch.server.files.Reply;
import dev.httpfromscratch.step3.HttpRequest;
import dev.httpfromscratch.step3.HttpResponse;
import dev.httpfromscratch.step3.HttpSyntax;
import dev.httpfromscratch.step3.ParseResult;
import dev.httpfromscratch.step3.RequestHead;
import dev.httpfromscratch.step3.RequestParser;
import dev.httpfromscratch.step3.ResponseWriter;
import java.nio.ByteBuffer;
import java.util.function.LongSupplier;

/**
 * One connection's requests and responses, without the socket (docs/05-final-server.md,
 * "Code: RequestPipeline.process"): bytes in, encoded responses out into an {@link OutputQueue}, and the
 * decision whether the connection stays open after them.
 *
 * <p>Per read it answers every complete request in the bytes (pipelining: several per read, in
 * order), keeps a partial one in the parser for the next read, and stops answering when the
 * output queue is full (the rest of the bytes wait here, copied out of the loop's shared read
 * buffer) or when a response closes the connection (a {@code Connection: close} request, HTTP/1.0
 * without keep-alive, a rejected request whose framing is lost, a shutdown in progress).
 *
 * <p>It also holds the {@code Expect: 100-continue} policy, the 500 for a response that cannot be
 * encoded, and what each answered request leaves behind: a metrics sample and an access-log line.
 * Time comes from the clock it is given, so a test can run it with a fake one.
 */
final class RequestPipeline {
    private static final byte[] EMPTY = new byte[0];
    private static final HttpResponse UNSENDABLE =
            HttpResponse.error(500, "The server built a response it cannot send; the failure was logged.");

    private final ServerContext context;
    private final FixedResponses fixedResponses;
    private final ServerMetrics.Recorder metrics;
    private final AccessLog accessLog;
    private final OutputQueue output;
    private final LongSupplier clock;
    private final String remoteAddress;
    /** This connection's share of the server's body budget: what its current request body holds. */
    private final BodyBudget.Account bodyMemory;
    private final RequestParser parser;

    /** Input read but not answered yet because the output queue is full; null almost always. */
    private ByteBuffer stashed;
    private long completedRequests;
    /** When the current request's first byte was read (its duration starts there). */
    private long requestStart;
    private boolean headChecked;
    /** A response said Connection: close: answer nothing more, close once the output is written. */
    private boolean closing;
    /** Response bytes of the current request (interim 100 included), for the access log. */
    private long bytesForRequest;

    /** @param clock nanoseconds, as {@link System#nanoTime()} (tests pass a fake) */
    RequestPipeline(ServerContext context, LoopResources loop, OutputQueue output, LongSupplier clock, String remoteAddress) {
        this.context = context;
        this.fixedResponses = loop.fixedResponses();
        this.metrics = loop.metrics();
        this.accessLog = loop.accessLog();
        this.output = output;
        this.clock = clock;
        this.remoteAddress = remoteAddress;
        this.bodyMemory = context.bodyBudget.account();
        this.parser = new RequestParser(context.config.parserLimits(), new RequestFraming(bodyMemory));
    }

    /** Requests answered so far; a new one restarts its phase's deadline. */
    long completedRequests() {
        return completedRequests;
    }

    /** True once a response said the connection closes: nothing more is answered. */
    boolean closing() {
        return closing;
    }

    /** Unanswered input waits for the output queue to drain. */
    boolean hasStash() {
        return stashed != null;
    }

    /** What the pipeline waits for: the rest of a header section, a body, or the next request. */
    Phase waitingFor() {
        return !parser.hasPartialRequest() ? Phase.IDLE : parser.isHeadComplete() ? Phase.BODY : Phase.HEADER;
    }

    /** No request begun, none waiting, no close decided: closing the connection now loses nothing. */
    boolean isIdle() {
        return !closing && stashed == null && !parser.hasPartialRequest();
    }

    /** The bytes of one read (in the loop's shared buffer, valid during this call only). */
    void accept(ByteBuffer input, long now) {
        if (!parser.hasPartialRequest() && stashed == null) {
            requestStart = now; // the first bytes of the next request: its duration starts here
        }
        process(input, now);
    }

    /** The output queue drained: answer the requests that waited for it. */
    void resume(long now) {
        if (stashed == null || closing || output.hasPending()) {
            return;
        }
        process(stashed, now);
        if (stashed != null && !stashed.hasRemaining()) {
            stashed = null;
        }
    }

    /** The client closed its sending side: the requests still unread will never be answered. */
    void stopAfterOutput() {
        closing = true;
        stashed = null;
    }

    /** The header or body deadline passed: 408, and the connection closes after it. */
    void timedOut(Phase phase) {
        String what = phase == Phase.HEADER ? "header section" : "body";
        output.send(context.writer.encode(HttpResponse.error(408, "The request " + what + " did not arrive in time."), false, true));
        RequestHead head = parser.head();
        finishRequest(head == null ? "OTHER" : head.method(), 408, head == null ? "-" : head.target(),
                head == null ? "-" : head.version(), true);
    }

    /** The connection closed, whatever way: its body memory goes back to the budget. */
    void release() {
        stashed = null;
        bodyMemory.releaseAll(); // every way a connection ends (timeout, reset, refusal, shutdown) passes here
    }

    /**
     * Parses and answers requests from {@code input} until it is used up, or output must drain
     * first, or the connection is closing, or a write failed (the client is gone, so the
     * pipelined requests behind are not run, counted or logged).
     */
    private void process(ByteBuffer input, long now) {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Final server: answer every complete request in the input, in order, until it is used up, the output is full or the connection closes (docs/05-final-server.md, 'Code: RequestPipeline.process')");
        while (input.hasRemaining() && !closing && !output.isBroken()) {
            if (output.isFull()) {
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
        // END SOLUTION
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
            sendOwned(context.writer.encode(response, false, true));
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
            sendOwned(context.writer.encode(response, false, true));
            finishRequest(head.method(), response.status(), head.target(), head.version(), true);
            return false;
        }
        sendReused(ResponseWriter.CONTINUE);
        return true;
    }

    /** Answers one complete request: a constant route's pre-encoded bytes, else the router's response. */
    private void respond(HttpRequest request) {
        boolean draining = context.draining;
        boolean close = request.wantsClose() || draining;
        String method = request.method();
        boolean head = method.equals("HEAD");
        String target = request.target();
        int status;
        FixedResponses.Answer fixed = fixedResponses.find(method, target, draining);
        if (fixed != null) {
            sendReused(fixed.bytes(head, close));
            status = fixed.status;
        } else {
            Reply reply = context.routes.reply(request);
            HttpResponse response = reply.response();
            byte[] bytes = encodeOrNull(reply, request, head, close);
            boolean unsendable = bytes == null;
            if (unsendable) {
                close = true;
                response = UNSENDABLE;
                bytes = context.writer.encode(response, head, true);
            }
            sendOwned(bytes);
            if (reply.body() != null) {
                sendBody(reply, unsendable || head);
            }
            status = response.status();
        }
        finishRequest(method, status, target, request.version(), close);
    }

    /**
     * The bytes of a handler's response, or null when the writer refuses it: a handler built a
     * header field with CR or LF in it, and sending it would split the response in two. That is
     * the server's bug, not the client's: the caller answers 500 and closes, as step 4 does, and
     * the responses already answered for this read still go out.
     */
    private byte[] encodeOrNull(Reply reply, HttpRequest request, boolean head, boolean close) {
        try {
            return reply.body() == null ? context.writer.encode(reply.response(), head, close) : reply.encodeHead(context.writer, close);
        } catch (IllegalArgumentException unsendable) {
            context.console.println("final-server: the handler for " + HttpSyntax.shorten(request.method()) + " "
                    + HttpSyntax.shorten(request.path()) + " built an unsendable response: " + unsendable.getMessage());
            return null;
        }
    }

    /** The parser refused the request: answer with its status and reason, then close (the framing is lost). */
    private void reject(int status, String reason) {
        metrics.parseError(status);
        HttpResponse response = HttpResponse.error(status, reason);
        if (status == 503) {
            response = response.withHeader("Retry-After", "1"); // the body budget is full now, not forever
        }
        sendOwned(context.writer.encode(response, false, true));
        // The head may be incomplete (or refused as a whole, like an oversized Content-Length):
        // the request line, when it was parsed, still names the method.
        finishRequest(orElse(parser.method(), "OTHER"), status, orElse(parser.target(), "-"), orElse(parser.version(), "-"), true);
    }

    private static String orElse(String value, String otherwise) {
        return value == null ? otherwise : value;
    }

    /** What every answered request leaves behind: a metrics sample, an access-log line, and the keep/close decision. */
    private void finishRequest(String method, int status, String target, String version, boolean close) {
        long nanos = clock.getAsLong() - requestStart;
        metrics.request(method, status, target, nanos);
        if (context.config.accessLog()) {
            RequestHead head = parser.head();
            accessLog.request(remoteAddress, method, target, version, status, bytesForRequest, nanos,
                    head == null ? null : head.headers().get("User-Agent"), head == null ? null : head.headers().get("X-Forwarded-For"));
        }
        bytesForRequest = 0;
        completedRequests++;
        headChecked = false;
        if (close) {
            closing = true;
        }
    }

    /** A body streamed from a file goes behind its head, or is closed unsent (a HEAD, or a head that could not be encoded). */
    private void sendBody(Reply reply, boolean unsent) {
        if (unsent) {
            reply.body().close();
            return;
        }
        long length = reply.body().length();
        bytesForRequest += Math.max(length, 0); // a chunked body's length is known only at its end
        output.sendBody(reply.body());
    }

    private void sendOwned(byte[] bytes) {
        bytesForRequest += bytes.length;
        output.send(bytes);
    }

    private void sendReused(byte[] bytes) {
        bytesForRequest += bytes.length;
        output.sendCopyOf(bytes);
    }

    /** Keeps the unparsed rest of {@code input} for later, copying it out of the loop's shared buffer. */
    private void stash(ByteBuffer input) {
        if (input != stashed) {
            ByteBuffer copy = ByteBuffer.allocate(input.remaining());
            copy.put(input).flip();
            stashed = copy;
        }
    }
}
