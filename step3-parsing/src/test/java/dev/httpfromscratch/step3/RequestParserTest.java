package dev.httpfromscratch.step3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.testkit.Bytes;
import dev.httpfromscratch.testkit.Points;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checkpoint 3, the parser on its own (docs/03-parsing.md): valid requests as a table, each one
 * fed whole, split in two at every byte position, and one byte at a time; malformed requests as a
 * table with the status each must get. The RFC 9112 / 9110 section is in every case's name.
 *
 * <p>A request is shown as "METHOD target VERSION", one "name: value" line per field, then
 * "body=" and the body, so a failure prints what the parser made of the bytes.
 */
@DisplayName("Step 3: the request parser")
class RequestParserTest {

    static Stream<Arguments> validRequests() {
        return Stream.of(
                valid("RFC 9112 §3: a GET with Host",
                        "GET / HTTP/1.1\r\nHost: localhost:8000\r\n\r\n",
                        "GET / HTTP/1.1\nHost: localhost:8000\nbody="),
                valid("RFC 9112 §3: what curl sends",
                        "GET /index.html HTTP/1.1\r\nHost: localhost:8000\r\nUser-Agent: curl/7.88.1\r\nAccept: */*\r\n\r\n",
                        "GET /index.html HTTP/1.1\nHost: localhost:8000\nUser-Agent: curl/7.88.1\nAccept: */*\nbody="),
                valid("RFC 9112 §5.1: optional whitespace around a value is trimmed, inside it is kept",
                        "GET / HTTP/1.1\r\nHost: a\r\nX-Spaces: \t one  two \t\r\n\r\n",
                        "GET / HTTP/1.1\nHost: a\nX-Spaces: one  two\nbody="),
                valid("RFC 9112 §5: an empty field value",
                        "GET / HTTP/1.1\r\nHost: a\r\nX-Empty:\r\n\r\n",
                        "GET / HTTP/1.1\nHost: a\nX-Empty: \nbody="),
                valid("RFC 9110 §5.3: repeated fields are kept, in order",
                        "GET / HTTP/1.1\r\nHost: a\r\nAccept: text/html\r\nAccept: application/json\r\n\r\n",
                        "GET / HTTP/1.1\nHost: a\nAccept: text/html\nAccept: application/json\nbody="),
                valid("RFC 9110 §5.1: field names are case-insensitive (host satisfies Host)",
                        "GET / HTTP/1.1\r\nhOsT: a\r\n\r\n",
                        "GET / HTTP/1.1\nhOsT: a\nbody="),
                valid("RFC 9112 §6.2: a body of Content-Length bytes",
                        "POST /api HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 17\r\n\r\n{\"hello\":\"world\"}",
                        "POST /api HTTP/1.1\nHost: a\nContent-Type: application/json\nContent-Length: 17\nbody={\"hello\":\"world\"}"),
                valid("RFC 9112 §6.2: a body may hold CR, LF and any byte",
                        "POST /api HTTP/1.1\r\nHost: a\r\nContent-Length: 8\r\n\r\n\r\n\r\n\u0000\u00ff\r\n",
                        "POST /api HTTP/1.1\nHost: a\nContent-Length: 8\nbody=\r\n\r\n\u0000\u00ff\r\n"),
                valid("RFC 9112 §6.3: Content-Length 0 means no body",
                        "POST /api HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n",
                        "POST /api HTTP/1.1\nHost: a\nContent-Length: 0\nbody="),
                valid("RFC 9112 §6.3: repeated Content-Length fields that agree",
                        "POST /api HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 02\r\n\r\nhi",
                        "POST /api HTTP/1.1\nHost: a\nContent-Length: 2\nContent-Length: 02\nbody=hi"),
                valid("RFC 9112 §3.2.1: a target with a query",
                        "GET /search?q=http&page=2 HTTP/1.1\r\nHost: a\r\n\r\n",
                        "GET /search?q=http&page=2 HTTP/1.1\nHost: a\nbody="),
                valid("RFC 9112 §3.2.2: an absolute-form target",
                        "GET http://example.com/api?x=1 HTTP/1.1\r\nHost: example.com\r\n\r\n",
                        "GET http://example.com/api?x=1 HTTP/1.1\nHost: example.com\nbody="),
                valid("RFC 9112 §3.2.4: OPTIONS with the asterisk-form",
                        "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
                        "OPTIONS * HTTP/1.1\nHost: a\nbody="),
                valid("RFC 9112 §3.2: HTTP/1.0 needs no Host",
                        "GET / HTTP/1.0\r\n\r\n",
                        "GET / HTTP/1.0\nbody="),
                valid("RFC 9112 §2.3: HTTP/1.2 is read as HTTP/1.1",
                        "GET / HTTP/1.2\r\nHost: a\r\n\r\n",
                        "GET / HTTP/1.1\nHost: a\nbody="),
                valid("RFC 9112 §2.2: one empty line before the request line is ignored",
                        "\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
                        "GET / HTTP/1.1\nHost: a\nbody="),
                valid("RFC 9110 §9.1: any token is a method (the router decides what it means)",
                        "BREW /pot HTTP/1.1\r\nHost: a\r\n\r\n",
                        "BREW /pot HTTP/1.1\nHost: a\nbody="),
                valid("RFC 9110 §5.5: obs-text (bytes 0x80-0xFF) in a value is kept as is",
                        "GET / HTTP/1.1\r\nHost: a\r\nX-Name: caf\u00e9\r\n\r\n",
                        "GET / HTTP/1.1\nHost: a\nX-Name: caf\u00e9\nbody="));
    }

    static Stream<Arguments> malformedRequests() {
        return Stream.of(
                malformed("RFC 9112 §3: two spaces between method and target", 400, "GET  / HTTP/1.1\r\nHost: a\r\n\r\n"),
                malformed("RFC 9112 §3: a tab instead of a space", 400, "GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n"),
                malformed("RFC 9112 §3: no version", 400, "GET /\r\nHost: a\r\n\r\n"),
                malformed("RFC 9112 §3: whitespace before the method", 400, " GET / HTTP/1.1\r\nHost: a\r\n\r\n"),
                malformed("RFC 9112 §3: a space after the version", 400, "GET / HTTP/1.1 \r\nHost: a\r\n\r\n"),
                malformed("RFC 9112 §2.3: the version is case-sensitive", 400, "GET / http/1.1\r\nHost: a\r\n\r\n"),
                malformed("RFC 9112 §2.3: HTTP/2.0 in an HTTP/1 request line", 505, "GET / HTTP/2.0\r\nHost: a\r\n\r\n"),
                malformed("RFC 9112 §2.3: HTTP/0.9", 505, "GET / HTTP/0.9\r\nHost: a\r\n\r\n"),
                malformed("RFC 9112 §3.2: a target that does not start with /", 400, "GET index.html HTTP/1.1\r\nHost: a\r\n\r\n"),
                malformed("RFC 9112 §3.2: a control byte in the target", 400, "GET /a\u0001b HTTP/1.1\r\nHost: a\r\n\r\n"),
                malformed("RFC 9112 §3.2: a non-ASCII byte in the target", 400, "GET /caf\u00e9 HTTP/1.1\r\nHost: a\r\n\r\n"),
                malformed("RFC 9112 §3.2.4: * with a method other than OPTIONS", 400, "GET * HTTP/1.1\r\nHost: a\r\n\r\n"),
                malformed("RFC 9110 §4.2.1: an absolute-form target with an empty host", 400, "GET http:///admin HTTP/1.1\r\nHost: a\r\n\r\n"),
                malformed("RFC 9112 §2.2: a line ending in a bare LF", 400, "GET / HTTP/1.1\nHost: a\r\n\r\n"),
                malformed("RFC 9112 §2.2: a bare CR inside the request line", 400, "GET /\r HTTP/1.1\r\nHost: a\r\n\r\n"),
                malformed("RFC 9112 §2.2: a bare CR inside a field value", 400, "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\rc\r\n\r\n"),
                malformed("RFC 9112 §2.2: only one empty line is ignored before a request", 400, "\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"),
                malformed("RFC 9112 §5.1: whitespace between field name and colon", 400, "GET / HTTP/1.1\r\nHost : a\r\n\r\n"),
                malformed("RFC 9112 §5.2: obs-fold (a line starting with whitespace)", 400, "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n"),
                malformed("RFC 9112 §5: a field line without a colon", 400, "GET / HTTP/1.1\r\nHost: a\r\nNoColonHere\r\n\r\n"),
                malformed("RFC 9110 §5.1: an empty field name", 400, "GET / HTTP/1.1\r\nHost: a\r\n: value\r\n\r\n"),
                malformed("RFC 9110 §5.1: a field name with a character that is not a token", 400, "GET / HTTP/1.1\r\nHost: a\r\nX(y): z\r\n\r\n"),
                malformed("RFC 9110 §5.5: a NUL byte in a field value", 400, "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\u0000c\r\n\r\n"),
                malformed("RFC 9110 §5.5: a DEL byte in a field value", 400, "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\u007fc\r\n\r\n"),
                malformed("RFC 9112 §3.2: an HTTP/1.1 request without Host", 400, "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n"),
                malformed("RFC 9112 §3.2: two Host fields", 400, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
                malformed("RFC 9110 §8.6: Content-Length with a sign", 400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +2\r\n\r\nhi"),
                malformed("RFC 9110 §8.6: a negative Content-Length", 400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n"),
                malformed("RFC 9110 §8.6: Content-Length with letters", 400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2a\r\n\r\nhi"),
                malformed("RFC 9110 §8.6: an empty Content-Length", 400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n"),
                malformed("RFC 9110 §8.6: a list of Content-Lengths in one field", 400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2, 2\r\n\r\nhi"),
                malformed("RFC 9110 §8.6: non-ASCII digits in Content-Length", 400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \u00b2\r\n\r\nhi"),
                malformed("RFC 9112 §6.3: Content-Length fields that disagree", 400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nhi!"),
                malformed("RFC 9112 §6.3: a Content-Length too large for any number", 413, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999999\r\n\r\n"),
                malformed("RFC 9110 §15.5.14: a Content-Length over the body limit", 413, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1048577\r\n\r\n"),
                malformed("RFC 9112 §6.1: Transfer-Encoding is not implemented in step 3", 501, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                malformed("RFC 9112 §6.1: Content-Length and Transfer-Encoding together", 400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                malformed("RFC 9112 §3 (limit): a request line over 8 KiB", 414, "GET /" + "a".repeat(8 * 1024) + " HTTP/1.1\r\nHost: a\r\n\r\n"),
                malformed("RFC 6585 §5 (limit): a header section over 32 KiB", 431, "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(32 * 1024) + "\r\n\r\n"),
                malformed("RFC 6585 §5 (limit): more than 100 header fields", 431, "GET / HTTP/1.1\r\nHost: a\r\n" + "X-A: b\r\n".repeat(100) + "\r\n"));
    }

    // ---- valid requests ------------------------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("validRequests")
    @Points(1)
    @DisplayName("parses a valid request sent whole, and leaves the next request's bytes in the buffer")
    void parsesWhole(String name, String raw, String expected) {
        byte[] request = Bytes.ascii(raw);
        byte[] next = Bytes.ascii("GET /next HTTP/1.1\r\n");
        ByteBuffer buffer = ByteBuffer.allocate(request.length + next.length).put(request).put(next).flip();
        ParseResult result = new RequestParser().parse(buffer);
        assertComplete(name, raw, result, expected, "sent in one piece, followed by the start of another request");
        assertThat(((ParseResult.Complete) result).bytesConsumed())
                .as("%s: bytesConsumed should be the request's own length", name).isEqualTo(request.length);
        assertThat(buffer.position())
                .as("%s: the buffer's position should stop right after the request, where the pipelined 'GET /next' starts", name)
                .isEqualTo(request.length);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validRequests")
    @Points(1)
    @DisplayName("parses a valid request split in two at every byte position")
    void parsesSplitAtEveryByte(String name, String raw, String expected) {
        byte[] request = Bytes.ascii(raw);
        for (int cut = 1; cut < request.length; cut++) {
            RequestParser parser = new RequestParser();
            ParseResult first = parser.parse(ByteBuffer.wrap(request, 0, cut));
            assertThat(first).as("%s: after only the first %d of %d bytes the parser should say NeedMore, not %s", name, cut, request.length, first)
                    .isSameAs(ParseResult.NEED_MORE);
            ParseResult second = parser.parse(ByteBuffer.wrap(request, cut, request.length - cut));
            assertComplete(name, raw, second, expected, "split after byte " + cut);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validRequests")
    @Points(1)
    @DisplayName("parses a valid request fed one byte at a time")
    void parsesOneByteAtATime(String name, String raw, String expected) {
        byte[] request = Bytes.ascii(raw);
        RequestParser parser = new RequestParser();
        ParseResult result = ParseResult.NEED_MORE;
        for (int i = 0; i < request.length; i++) {
            assertThat(result).as("%s: the request was complete after only %d of %d bytes", name, i, request.length).isSameAs(ParseResult.NEED_MORE);
            result = parser.parse(ByteBuffer.wrap(request, i, 1));
        }
        assertComplete(name, raw, result, expected, "one byte at a time");
    }

    // ---- malformed requests --------------------------------------------------------------

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("malformedRequests")
    @Points(1)
    @DisplayName("rejects a malformed or oversized request with the right status")
    void rejects(String name, int status, String raw) {
        assertRejected(name, status, raw, new RequestParser().parse(ByteBuffer.wrap(Bytes.ascii(raw))), "in one piece");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("malformedRequests")
    @Points(1)
    @DisplayName("rejects a malformed request fed one byte at a time, and stays rejected")
    void rejectsOneByteAtATime(String name, int status, String raw) {
        byte[] request = Bytes.ascii(raw);
        RequestParser parser = new RequestParser();
        ParseResult result = ParseResult.NEED_MORE;
        int i = 0;
        while (i < request.length && result == ParseResult.NEED_MORE) {
            result = parser.parse(ByteBuffer.wrap(request, i++, 1));
        }
        assertRejected(name, status, raw, result, "one byte at a time");
        assertThat(parser.parse(ByteBuffer.wrap(Bytes.ascii("GET / HTTP/1.1\r\nHost: a\r\n\r\n"))))
                .as("%s: after a rejection the parser must stay failed (nobody knows where the next request starts)", name)
                .isEqualTo(result);
    }

    // ---- limits, the head, buffers ---------------------------------------------------------

    @Test
    @Points(2)
    @DisplayName("limits: an endless header field is rejected with 431 after at most 32 KiB, whatever keeps coming")
    void endlessHeaderIsBounded() {
        RequestParser parser = new RequestParser();
        assertThat(parser.parse(ByteBuffer.wrap(Bytes.ascii("GET / HTTP/1.1\r\nHost: a\r\nX-Endless: "))))
                .as("a request line and a header line that has only begun").isSameAs(ParseResult.NEED_MORE);
        byte[] chunk = Bytes.ascii("b".repeat(4096));
        long fed = 0;
        ParseResult result = ParseResult.NEED_MORE;
        while (result == ParseResult.NEED_MORE && fed < 1024 * 1024) {
            result = parser.parse(ByteBuffer.wrap(chunk));
            fed += chunk.length;
        }
        assertThat(result).as("a header field that never ends (fed in 4 KiB pieces)")
                .isInstanceOfSatisfying(ParseResult.Rejected.class, rejected -> assertThat(rejected.status()).isEqualTo(431));
        assertThat(fed).as("bytes fed before the parser gave up: it must not wait for more than its 32 KiB limit")
                .isLessThanOrEqualTo(32 * 1024 + chunk.length);
    }

    @Test
    @DisplayName("limits: an endless request line is rejected with 414 after at most 8 KiB (ungraded: the line reader is written for you)")
    void endlessRequestLineIsBounded() {
        RequestParser parser = new RequestParser();
        byte[] chunk = Bytes.ascii("GET /" + "a".repeat(4091));
        long fed = 0;
        ParseResult result = ParseResult.NEED_MORE;
        while (result == ParseResult.NEED_MORE && fed < 1024 * 1024) {
            result = parser.parse(ByteBuffer.wrap(chunk));
            fed += chunk.length;
        }
        assertThat(result).as("a request line that never ends (fed in 4 KiB pieces)").isEqualTo(new ParseResult.Rejected(414,
                "The request line is longer than 8192 bytes."));
        assertThat(fed).as("bytes fed before the parser gave up").isLessThanOrEqualTo(8192 + chunk.length);
    }

    @Test
    @Points(2)
    @DisplayName("limits: a body over the limit is refused as soon as the head is parsed, before any body byte")
    void bodyOverLimitIsRefusedEarly() {
        RequestParser parser = new RequestParser(ParserLimits.DEFAULTS.withMaxBodyBytes(10));
        ParseResult result = parser.parse(ByteBuffer.wrap(Bytes.ascii("POST /api HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n")));
        assertThat(result).as("Content-Length 11 with a body limit of 10, and no body byte sent yet")
                .isInstanceOfSatisfying(ParseResult.Rejected.class, rejected -> assertThat(rejected.status()).isEqualTo(413));
    }

    @Test
    @Points(1)
    @DisplayName("the head is available before the body arrives (for Expect: 100-continue)")
    void headBeforeBody() {
        RequestParser parser = new RequestParser();
        assertThat(parser.head()).as("no head before any byte").isNull();
        ParseResult result = parser.parse(ByteBuffer.wrap(Bytes.ascii(
                "POST /api HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n")));
        assertThat(result).isSameAs(ParseResult.NEED_MORE);
        assertThat(parser.state()).isEqualTo(RequestParser.State.BODY);
        assertThat(parser.isHeadComplete()).isTrue();
        assertThat(parser.head().expectsContinue()).as("the client sent Expect: 100-continue").isTrue();
        assertThat(parser.head().contentLength()).isEqualTo(5);
        assertThat(parser.parse(ByteBuffer.wrap(Bytes.ascii("hello")))).isInstanceOf(ParseResult.Complete.class);
    }

    @Test
    @Points(1)
    @DisplayName("RFC 9112 §9.3: two pipelined requests in one buffer come out one after the other")
    void pipelinedRequests() {
        ByteBuffer buffer = ByteBuffer.wrap(Bytes.ascii(
                "POST /api HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhiGET /second HTTP/1.1\r\nHost: a\r\n\r\n"));
        RequestParser parser = new RequestParser();
        ParseResult first = parser.parse(buffer);
        ParseResult second = parser.parse(buffer);
        assertThat(first).isInstanceOfSatisfying(ParseResult.Complete.class, c -> assertThat(c.request().bodyText()).isEqualTo("hi"));
        assertThat(second).isInstanceOfSatisfying(ParseResult.Complete.class, c -> assertThat(c.request().target()).isEqualTo("/second"));
        assertThat(buffer.hasRemaining()).as("both requests used every byte").isFalse();
    }

    @Test
    @Points(1)
    @DisplayName("reads direct and read-only ByteBuffers as well as heap buffers")
    void directAndReadOnlyBuffers() {
        byte[] request = Bytes.ascii("POST /api HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi");
        ByteBuffer direct = ByteBuffer.allocateDirect(request.length).put(request).flip();
        ByteBuffer readOnly = ByteBuffer.wrap(request).asReadOnlyBuffer();
        for (ByteBuffer buffer : new ByteBuffer[] {direct, readOnly}) {
            RequestParser parser = new RequestParser();
            ParseResult result = parser.parse(buffer.slice(0, 20));
            result = result == ParseResult.NEED_MORE ? parser.parse(buffer.slice(20, request.length - 20)) : result;
            assertComplete("a " + (buffer.isDirect() ? "direct" : "read-only") + " buffer", new String(request, StandardCharsets.ISO_8859_1), result,
                    "POST /api HTTP/1.1\nHost: a\nContent-Length: 2\nbody=hi", "split after byte 20");
        }
    }

    // ---- helpers -------------------------------------------------------------------------

    private static Arguments valid(String name, String raw, String expected) {
        return Arguments.of(name, raw, expected);
    }

    private static Arguments malformed(String name, int status, String raw) {
        return Arguments.of(name, status, raw);
    }

    /** "METHOD target VERSION", one "name: value" line per field, "body=" and the body. */
    static String describe(HttpRequest request) {
        StringBuilder text = new StringBuilder(request.method() + " " + request.target() + " " + request.version() + "\n");
        request.headers().forEach((name, value) -> text.append(name).append(": ").append(value).append('\n'));
        return text.append("body=").append(new String(request.body(), StandardCharsets.ISO_8859_1)).toString();
    }

    private static void assertComplete(String name, String raw, ParseResult result, String expected, String how) {
        assertThat(result).as("%s (%s): expected a complete request from%n%s%nbut the parser said %s", name, how, Bytes.block(Bytes.ascii(raw)), result)
                .isInstanceOf(ParseResult.Complete.class);
        assertThat(describe(((ParseResult.Complete) result).request()))
                .as("%s (%s): what the parser made of%n%s", name, how, Bytes.block(Bytes.ascii(raw)))
                .isEqualTo(expected);
    }

    private static void assertRejected(String name, int status, String raw, ParseResult result, String how) {
        String shown = Bytes.block(Bytes.ascii(raw.length() > 300 ? raw.substring(0, 300) : raw));
        assertThat(result).as("%s (%s): expected a rejection with %d for%n%s%nbut the parser said %s", name, how, status, shown, result)
                .isInstanceOf(ParseResult.Rejected.class);
        ParseResult.Rejected rejected = (ParseResult.Rejected) result;
        assertThat(rejected.status()).as("%s (%s): the status for%n%s%n(reason given: %s)", name, how, shown, rejected.reason()).isEqualTo(status);
        assertThat(rejected.reason()).as("%s: the reason should be one short sentence for the client", name).isNotBlank().hasSizeLessThan(200).doesNotContain("\n");
    }
}
