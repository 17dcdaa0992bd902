package dev.httpfromscratch.step3;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A resumable HTTP/1.1 request parser (RFC 9112): feed it bytes as the socket delivers them, and
 * it answers {@link ParseResult.Complete}, {@link ParseResult.NeedMore} or
 * {@link ParseResult.Rejected} (docs/03-parsing.md).
 *
 * <p>Why a state machine: TCP is a byte stream, so one {@code read()} may return half a request
 * line, or the end of one request and the start of the next. CerberusHTTP appends every read to
 * a string and searches it from the start each time; this parser remembers where it is
 * ({@link State}) and looks at each byte once, so a request that arrives one byte per packet
 * costs the same work as one that arrives whole.
 *
 * <p>What it keeps: the current line only while it is split across reads (copied into a small
 * buffer that never grows past the line's limit), the header fields, and the body. Every limit of
 * {@link ParserLimits} is checked before bytes are kept. Strings are created only for the method,
 * target and header names and values; common ones (GET, Host, ...) are shared constants, and a
 * field a keep-alive client repeats reuses the previous request's String.
 *
 * <p>Use: call {@link #parse(ByteBuffer)} with the buffer in read mode (after {@code flip()});
 * it advances the buffer's position past the bytes it used. After {@code Complete} the bytes left
 * in the buffer belong to the next, pipelined request: call {@code parse} again (the parser starts
 * the next request by itself) or {@link #reset()}. After {@code Rejected} the parser stays failed:
 * answer and close the connection. One parser serves one connection; it is not thread-safe.
 */
public final class RequestParser {

    /** Where in a request the parser is. */
    public enum State {
        /** Waiting for, or inside, the request line (RFC 9112 §3). */
        REQUEST_LINE,
        /** Reading header field lines until the empty line (RFC 9112 §5). */
        HEADERS,
        /** The head is complete; a {@link BodyDecoder} reads the body (RFC 9112 §6). */
        BODY,
        /** A request was returned; the next call starts the next request. */
        DONE,
        /** A request was rejected; every further call returns the same rejection. */
        FAILED
    }

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte SP = ' ';
    private static final byte HT = '\t';

    private final ParserLimits limits;
    private final BodyFraming framing;

    private State state = State.REQUEST_LINE;
    /** The start of a line split across reads; null until the first split line. */
    private byte[] partialLine;
    private int partialLineLength;
    private boolean skippedEmptyLine;
    private int consumed;
    private int headerSectionBytes;

    private String method;
    private String target;
    private String version;
    private HttpHeaders headers = new HttpHeaders();
    /** The previous request's fields while this one's are parsed (see {@link #repeated}); null otherwise. */
    private HttpHeaders previous;
    private RequestHead head;
    private BodyDecoder body;
    private ParseResult.Rejected failure;

    /** A parser with the default limits that reads bodies by Content-Length only (step 3). */
    public RequestParser() {
        this(ParserLimits.DEFAULTS, BodyFraming.CONTENT_LENGTH_ONLY);
    }

    public RequestParser(ParserLimits limits) {
        this(limits, BodyFraming.CONTENT_LENGTH_ONLY);
    }

    /** @param framing how bodies are framed; later steps pass one that adds chunked bodies */
    public RequestParser(ParserLimits limits, BodyFraming framing) {
        this.limits = limits;
        this.framing = framing;
    }

    public ParserLimits limits() {
        return limits;
    }

    public State state() {
        return state;
    }

    /** True once the request line and header fields are parsed (the parser is reading the body, or done). */
    public boolean isHeadComplete() {
        return head != null;
    }

    /**
     * The request line and header fields once they are complete, else null. A server checks it
     * after a {@code NeedMore} to answer {@code Expect: 100-continue} or to refuse a body early.
     */
    public RequestHead head() {
        return head;
    }

    /**
     * The method of the request line once it is parsed, else null; still set after a rejection, so a
     * server can log and count a refused request by its method even when its head was never complete.
     */
    public String method() {
        return method;
    }

    /** The request target once the request line is parsed, else null (see {@link #method()}). */
    public String target() {
        return target;
    }

    /** The HTTP version once the request line is parsed, else null (see {@link #method()}). */
    public String version() {
        return version;
    }

    /** True when some bytes of a request have arrived but not all: an end of stream now cuts a request short. */
    public boolean hasPartialRequest() {
        return consumed > 0 && state != State.DONE && state != State.FAILED;
    }

    /** Forgets the current request and waits for a new request line (keep-alive, or a new connection). */
    public void reset() {
        state = State.REQUEST_LINE;
        partialLineLength = 0;
        skippedEmptyLine = false;
        consumed = 0;
        headerSectionBytes = 0;
        method = null;
        target = null;
        version = null;
        previous = headers.isEmpty() ? null : headers;
        headers = new HttpHeaders(); // the last request keeps its own header object
        head = null;
        body = null;
        failure = null;
    }

    /**
     * Parses as much of {@code input} as it can, from its position to its limit: request line and
     * header lines through {@link #nextLine}, then the body through the decoder the framing chose.
     * Never keeps an index into {@code input} between calls (the caller reuses the buffer), and
     * never throws for anything a client sends: a {@link RequestRejection} becomes the result.
     *
     * @return Complete (position just after the request), NeedMore (position at the limit: every
     *         byte was used) or Rejected (the connection must be closed after answering)
     */
    public ParseResult parse(ByteBuffer input) {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Step 3: use every byte of input to move the state machine on, and answer Complete, NeedMore or Rejected (docs/03-parsing.md, 'Code: parse')");
        if (state == State.FAILED) {
            return failure;
        }
        if (state == State.DONE) {
            reset();
        }
        try {
            while (true) {
                switch (state) {
                    case REQUEST_LINE, HEADERS -> {
                        if (!nextLine(input)) {
                            return ParseResult.NEED_MORE;
                        }
                    }
                    case BODY -> {
                        int before = input.position();
                        boolean complete = body.decode(input);
                        consumed += input.position() - before;
                        if (!complete) {
                            return ParseResult.NEED_MORE;
                        }
                        state = State.DONE;
                        return new ParseResult.Complete(head.withBody(body.body()), consumed);
                    }
                    default -> throw new IllegalStateException("unreachable parser state " + state);
                }
            }
        } catch (RequestRejection rejection) {
            state = State.FAILED;
            failure = rejection.toResult();
            return failure;
        }
        // END SOLUTION
    }

    // ---- lines ---------------------------------------------------------------------------

    /**
     * Takes one line (up to and including its LF) from {@code input} and hands it, without its
     * CRLF, to {@link #parseRequestLine} or {@link #parseHeaderLine}. Returns false, having kept
     * the start of the line for the next call, when the input ends before the LF.
     *
     * <p>Limits are counted as the bytes pass, before they are kept: the request line may take
     * {@link ParserLimits#maxRequestLineBytes()} bytes (CRLF included; 414 beyond), all field lines
     * together {@link ParserLimits#maxHeaderSectionBytes()} (431 beyond), whether or not an LF has
     * come. A line must end in CRLF (a bare LF is a 400); one empty line before the request line
     * is skipped. Adds every byte it takes to {@code consumed}.
     */
    private boolean nextLine(ByteBuffer input) throws RequestRejection {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Step 3: take one CRLF-terminated line from input, keep a line split across reads, and reject a line as soon as it passes its limit (docs/03-parsing.md, 'Code: nextLine')");
        boolean requestLine = state == State.REQUEST_LINE;
        int lineLimit = requestLine ? limits.maxRequestLineBytes() : limits.maxHeaderSectionBytes() - headerSectionBytes;
        int budget = lineLimit - partialLineLength; // bytes this line may still take, CRLF included
        int position = input.position();
        int scanEnd = position + Math.min(input.remaining(), budget);
        int lf = indexOfLineFeed(input, position, scanEnd);
        if (lf < 0) {
            int taken = scanEnd - position;
            if (taken == budget) {
                throw requestLine
                        ? new RequestRejection(414, "The request line is longer than " + limits.maxRequestLineBytes() + " bytes.")
                        : new RequestRejection(431, "The header section is longer than " + limits.maxHeaderSectionBytes() + " bytes.");
            }
            keepPartialLine(input, taken);
            consumed += taken;
            return false;
        }
        int taken = lf + 1 - position;
        consumed += taken;
        if (!requestLine) {
            headerSectionBytes += partialLineLength + taken;
        }
        byte[] bytes;
        int from;
        int lineFeedIndex;
        if (partialLineLength == 0 && input.hasArray()) {
            // The whole line is in the buffer: parse it where it lies, no copy.
            bytes = input.array();
            from = input.arrayOffset() + position;
            lineFeedIndex = input.arrayOffset() + lf;
            input.position(lf + 1);
        } else {
            keepPartialLine(input, taken);
            bytes = partialLine;
            from = 0;
            lineFeedIndex = partialLineLength - 1;
            partialLineLength = 0; // the line is complete; the next one starts empty
        }
        if (lineFeedIndex == from || bytes[lineFeedIndex - 1] != CR) {
            throw new RequestRejection(400, "A line ended with a bare LF; HTTP/1.1 lines end with CRLF (RFC 9112 §2.2).");
        }
        int to = lineFeedIndex - 1; // the line without its CRLF
        if (requestLine) {
            if (from == to && !skippedEmptyLine) {
                skippedEmptyLine = true; // RFC 9112 §2.2: ignore one empty line before a request (a stray CRLF after a body)
                return true;
            }
            parseRequestLine(bytes, from, to);
        } else {
            parseHeaderLine(bytes, from, to);
        }
        return true;
        // END SOLUTION
    }

    private static int indexOfLineFeed(ByteBuffer input, int from, int to) {
        if (input.hasArray()) {
            byte[] array = input.array();
            int offset = input.arrayOffset();
            for (int i = from; i < to; i++) {
                if (array[offset + i] == LF) {
                    return i;
                }
            }
        } else {
            for (int i = from; i < to; i++) {
                if (input.get(i) == LF) {
                    return i;
                }
            }
        }
        return -1;
    }

    /** Copies {@code count} bytes from {@code input} to the end of the partial line (bounded by the line limits). */
    private void keepPartialLine(ByteBuffer input, int count) {
        int needed = partialLineLength + count;
        if (partialLine == null || partialLine.length < needed) {
            int capacity = Math.max(256, partialLine == null ? 0 : partialLine.length * 2);
            partialLine = java.util.Arrays.copyOf(partialLine == null ? new byte[0] : partialLine, Math.max(capacity, needed));
        }
        input.get(partialLine, partialLineLength, count);
        partialLineLength = needed;
    }

    // ---- the request line (RFC 9112 §3) ----------------------------------------------------

    /**
     * Parses {@code method SP request-target SP HTTP-version} from {@code bytes[from, to)} (the
     * line without CRLF) and moves to {@link State#HEADERS}. Exactly one space separates the
     * parts; the method is a token; the target is visible ASCII; the version is HTTP/1.1 or
     * HTTP/1.0 (another HTTP/x.y gets 505, anything else 400).
     */
    void parseRequestLine(byte[] bytes, int from, int to) throws RequestRejection {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Step 3: parse 'method SP target SP version' and move to HEADERS (docs/03-parsing.md, 'Code: parseRequestLine')");
        int i = from;
        while (i < to && HttpSyntax.isTokenByte(bytes[i])) {
            i++;
        }
        if (i == from) {
            throw new RequestRejection(400, "The request line must start with a method such as GET (RFC 9112 §3.1).");
        }
        if (i == to || bytes[i] != SP) {
            throw new RequestRejection(400, "The method must be followed by a single space (RFC 9112 §3).");
        }
        method = HttpSyntax.method(bytes, from, i);
        int targetStart = ++i;
        while (i < to && HttpSyntax.isVisible(bytes[i])) {
            i++;
        }
        if (i == targetStart) {
            throw new RequestRejection(400, "The request-target is missing or preceded by more than one space (RFC 9112 §3.2).");
        }
        if (i == to) {
            throw new RequestRejection(400, "The request line has no HTTP version after the request-target (RFC 9112 §3).");
        }
        if (bytes[i] != SP) {
            throw new RequestRejection(400, String.format("The request-target contains the byte 0x%02x; only visible ASCII is allowed (RFC 9112 §3.2).", bytes[i] & 0xff));
        }
        target = HttpSyntax.target(bytes, targetStart, i);
        version = HttpSyntax.version(bytes, i + 1, to);
        checkTargetForm();
        state = State.HEADERS;
        // END SOLUTION
    }

    /** RFC 9112 §3.2: origin-form (/path), absolute-form (http://host/path), asterisk-form (* for OPTIONS). */
    private void checkTargetForm() throws RequestRejection {
        char first = target.charAt(0);
        if (first == '/') {
            return;
        }
        if (target.equals("*")) {
            if (method.equals("OPTIONS")) {
                return;
            }
            throw new RequestRejection(400, "The request-target * is only allowed with OPTIONS (RFC 9112 §3.2.4).");
        }
        int authority = target.regionMatches(true, 0, "http://", 0, 7) ? 7 : target.regionMatches(true, 0, "https://", 0, 8) ? 8 : -1;
        if (authority > 0) {
            // RFC 9110 §4.2.1: an http(s) URI with an empty host is invalid and MUST be rejected;
            // "http:///admin" would otherwise reach the router as /admin with no host at all.
            if (authority == target.length() || "/?#".indexOf(target.charAt(authority)) >= 0) {
                throw new RequestRejection(400, "The absolute-form request-target has no host after the scheme (RFC 9110 §4.2.1).");
            }
            return;
        }
        throw new RequestRejection(400, "The request-target must start with / (RFC 9112 §3.2).");
    }

    // ---- header field lines (RFC 9112 §5) -------------------------------------------------

    /**
     * Parses one field line {@code name ":" OWS value OWS} from {@code bytes[from, to)}, or, for
     * the empty line, ends the header section. The name is a token directly followed by the colon;
     * optional whitespace is trimmed from the value only; a line that starts with whitespace
     * (obs-fold), a bare CR, NUL and other control bytes are rejected with 400; more than
     * {@link ParserLimits#maxHeaderCount()} fields get 431.
     */
    void parseHeaderLine(byte[] bytes, int from, int to) throws RequestRejection {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Step 3: parse 'name: value' into headers, or end the header section on the empty line (docs/03-parsing.md, 'Code: parseHeaderLine')");
        if (from == to) {
            endOfHeaderSection();
            return;
        }
        if (bytes[from] == SP || bytes[from] == HT) {
            throw new RequestRejection(400, "A header line starts with whitespace (obs-fold), which is not accepted (RFC 9112 §5.2).");
        }
        int colon = from;
        while (colon < to && HttpSyntax.isTokenByte(bytes[colon])) {
            colon++;
        }
        if (colon == to) {
            throw new RequestRejection(400, "A header line has no colon (RFC 9112 §5).");
        }
        if (bytes[colon] != ':') {
            if (bytes[colon] == SP || bytes[colon] == HT) {
                throw new RequestRejection(400, "Whitespace between a header field name and its colon is not allowed (RFC 9112 §5.1).");
            }
            throw new RequestRejection(400, String.format("A header field name contains the byte 0x%02x; names are tokens (RFC 9110 §5.1).", bytes[colon] & 0xff));
        }
        if (colon == from) {
            throw new RequestRejection(400, "A header line has an empty field name (RFC 9110 §5.1).");
        }
        int valueStart = colon + 1;
        int valueEnd = to;
        while (valueStart < valueEnd && (bytes[valueStart] == SP || bytes[valueStart] == HT)) {
            valueStart++;
        }
        while (valueEnd > valueStart && (bytes[valueEnd - 1] == SP || bytes[valueEnd - 1] == HT)) {
            valueEnd--;
        }
        for (int i = valueStart; i < valueEnd; i++) {
            if (!HttpSyntax.isFieldValueByte(bytes[i])) {
                throw new RequestRejection(400, HttpSyntax.describeBadValueByte(bytes[i]));
            }
        }
        if (headers.size() == limits.maxHeaderCount()) {
            throw new RequestRejection(431, "The request has more than " + limits.maxHeaderCount() + " header fields.");
        }
        headers.add(fieldName(bytes, from, colon), fieldValue(bytes, valueStart, valueEnd));
        // END SOLUTION
    }

    /**
     * The empty line: the head is complete. Checks what the whole header section must satisfy
     * (Host, Content-Length, Transfer-Encoding), then lets the framing choose the body decoder.
     */
    private void endOfHeaderSection() throws RequestRejection {
        int hosts = headers.count("Host");
        if (hosts > 1) {
            throw new RequestRejection(400, "The request has more than one Host header field (RFC 9112 §3.2).");
        }
        if (hosts == 0 && version.equals(RequestHead.HTTP_1_1)) {
            throw new RequestRejection(400, "An HTTP/1.1 request must have a Host header field (RFC 9112 §3.2).");
        }
        long contentLength = contentLength();
        if (contentLength >= 0 && headers.contains("Transfer-Encoding")) {
            // The classic request-smuggling pair: a proxy that trusts one and a server that
            // trusts the other see different requests. Refusing both is the safe reading (§6.1).
            throw new RequestRejection(400, "The request has both Content-Length and Transfer-Encoding (RFC 9112 §6.1).");
        }
        if (contentLength > limits.maxBodyBytes()) {
            throw new RequestRejection(413, "The body of " + (contentLength == Long.MAX_VALUE ? "more than 10^15" : contentLength)
                    + " bytes is larger than the limit of " + limits.maxBodyBytes() + " bytes.");
        }
        previous = null; // compared with no more: an idle connection holds one request's fields, not two
        head = new RequestHead(method, target, version, headers, contentLength);
        body = framing.decoderFor(head, limits);
        state = State.BODY;
    }

    /**
     * The Content-Length (RFC 9110 §8.6, RFC 9112 §6.3): -1 when absent; every copy must be
     * digits only and all copies must agree. Parsed by hand: {@code Long.parseLong} accepts a
     * '+' sign and non-ASCII digits, both of which a proxy in front of us may read differently.
     * A value too large for any body saturates at {@code Long.MAX_VALUE} (and then gets 413).
     */
    private long contentLength() throws RequestRejection {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Step 3: read the Content-Length fields as a number of body bytes, -1 when there is none, rejecting anything but plain digits (docs/03-parsing.md, 'Code: contentLength')");
        long agreed = -1;
        for (int i = 0; i < headers.size(); i++) {
            if (!headers.name(i).equalsIgnoreCase("Content-Length")) {
                continue;
            }
            String text = headers.value(i);
            if (text.isEmpty()) {
                throw new RequestRejection(400, "Content-Length is empty (RFC 9110 §8.6).");
            }
            long value = 0;
            for (int k = 0; k < text.length(); k++) {
                char c = text.charAt(k);
                if (c < '0' || c > '9') {
                    throw new RequestRejection(400, "Content-Length must be ASCII digits only, not \"" + HttpSyntax.shorten(text) + "\" (RFC 9110 §8.6).");
                }
                if (value < 1_000_000_000_000_000L) {
                    value = value * 10 + (c - '0');
                } else {
                    value = Long.MAX_VALUE; // 16 digits or more: no body is that big, and no overflow
                }
            }
            if (agreed >= 0 && agreed != value) {
                throw new RequestRejection(400, "The request has Content-Length fields that disagree (RFC 9112 §6.3).");
            }
            agreed = value;
        }
        return agreed;
        // END SOLUTION
    }

    /** The name of the field about to be added, as {@link HttpSyntax#fieldName}, or the previous request's (see {@link #repeated}). */
    private String fieldName(byte[] bytes, int from, int to) {
        String same = repeated(true, bytes, from, to);
        return same != null ? same : HttpSyntax.fieldName(bytes, from, to);
    }

    /** The value of the field about to be added, as {@link HttpSyntax#fieldValue}, or the previous request's (see {@link #repeated}). */
    private String fieldValue(byte[] bytes, int from, int to) {
        String same = repeated(false, bytes, from, to);
        return same != null ? same : HttpSyntax.fieldValue(bytes, from, to);
    }

    /**
     * The previous request's name (or value) of the field at the place about to be filled, when it
     * has exactly these bytes; else null. A keep-alive client sends the same fields in the same
     * order on every request (Host, User-Agent, Accept, its cookies), so reusing their Strings
     * takes most of the allocation out of parsing its requests: a browser's 806-byte request
     * allocates 432 bytes instead of 1,984. The comparison costs about what the copy would, so
     * this saves garbage, not time (docs/06-performance.md, "The parser under JMH"). Strings are
     * immutable, so two requests sharing one is safe.
     */
    private String repeated(boolean name, byte[] bytes, int from, int to) {
        int index = headers.size();
        if (previous == null || index >= previous.size()) {
            return null;
        }
        String last = name ? previous.name(index) : previous.value(index);
        return HttpSyntax.sameText(last, bytes, from, to) ? last : null;
    }

    @Override
    public String toString() {
        return "RequestParser[" + state + ", " + consumed + " bytes of this request]";
    }

    static String ascii(byte[] bytes, int from, int to) {
        return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
    }
}
