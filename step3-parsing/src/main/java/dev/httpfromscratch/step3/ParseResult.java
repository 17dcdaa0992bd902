package dev.httpfromscratch.step3;

/**
 * What the parser says after each piece of input: exactly one of three things.
 *
 * <ul>
 *   <li>{@link Complete}: a whole request; the bytes after it (a pipelined request) are still
 *       in the buffer, untouched;</li>
 *   <li>{@link NeedMore}: everything given was used and the request is not over yet; read
 *       more from the socket and call again;</li>
 *   <li>{@link Rejected}: the request is broken or too big; answer with this status and close
 *       the connection, because after a framing error nobody knows where the next request starts.</li>
 * </ul>
 *
 * A sealed interface lets a {@code switch} over the result be checked for completeness by the compiler.
 */
public sealed interface ParseResult {

    /** The one "need more bytes" result; it carries nothing, so one instance serves every call. */
    NeedMore NEED_MORE = new NeedMore();

    /**
     * @param request       the request
     * @param bytesConsumed how many bytes this request occupied on the wire, from its first byte
     *                      (an empty line before it included) to the last byte of its body
     */
    record Complete(HttpRequest request, int bytesConsumed) implements ParseResult {}

    record NeedMore() implements ParseResult {}

    /**
     * @param status the status code to answer with (400, 413, 414, 431, 501, 505)
     * @param reason one sentence a client may read: what was wrong, never a stack trace
     */
    record Rejected(int status, String reason) implements ParseResult {}
}
