package dev.httpfromscratch.step4;

import dev.httpfromscratch.step3.HttpRequest;
import dev.httpfromscratch.step3.HttpResponse;
import dev.httpfromscratch.step3.ParseResult;
import dev.httpfromscratch.step3.ResponseWriter;
import dev.httpfromscratch.step3.Router;
import java.io.PrintStream;
import java.nio.ByteBuffer;

/**
 * What both servers of this step send back for what the parser said, and whether the connection
 * stays open after it. It does no I/O: the event loop queues the bytes until the socket takes
 * them, the virtual-thread server writes them at once.
 *
 * <p>The connection rules (RFC 9112 §9.3): HTTP/1.1 keeps the connection open unless the client
 * sent {@code Connection: close}; HTTP/1.0 closes it unless the client sent
 * {@code Connection: keep-alive} ({@link HttpRequest#wantsClose()}). After a rejected request
 * the server always closes: it no longer knows where the next request would start.
 */
public final class Responder {

    /**
     * The bytes to send and what happens after them.
     *
     * @param bytes      the whole response, ready to be written (position 0)
     * @param closeAfter true when the connection is closed once these bytes are sent
     */
    public record Reply(ByteBuffer bytes, boolean closeAfter) {}

    private final Router router;
    private final ResponseWriter writer;
    private final PrintStream console;

    public Responder(Router router, ResponseWriter writer, PrintStream console) {
        this.router = router;
        this.writer = writer;
        this.console = console;
    }

    /** The reply to a complete request: the router's response, keep-alive or close as the request asks. */
    public Reply reply(ParseResult.Complete complete) {
        HttpRequest request = complete.request();
        boolean close = request.wantsClose();
        HttpResponse response = router.respond(request); // never throws: a failing handler becomes a 500
        try {
            return new Reply(writer.encodeToBuffer(response, request.isHead(), close), close);
        } catch (IllegalArgumentException unsendable) {
            // A handler built a header field with CR or LF in it: sending it would split the
            // response. It is our bug, not the client's; answer 500 and keep serving.
            console.println("handler for " + request.method() + " " + request.path() + " built an unsendable response: "
                    + unsendable.getMessage());
            HttpResponse failure = HttpResponse.error(500, "The server built a response it cannot send; the failure was logged.");
            return new Reply(writer.encodeToBuffer(failure, request.isHead(), true), true);
        }
    }

    /** The reply to a request the parser rejected: its status and reason, then close. */
    public Reply reply(ParseResult.Rejected rejected) {
        HttpResponse response = HttpResponse.error(rejected.status(), rejected.reason());
        return new Reply(writer.encodeToBuffer(response, false, true), true);
    }

    /** {@code HTTP/1.1 100 Continue}, for a client that waits for it before sending its body (RFC 9110 §10.1.1). */
    public static ByteBuffer continueResponse() {
        return ByteBuffer.wrap(ResponseWriter.CONTINUE);
    }
}
