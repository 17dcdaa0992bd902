package dev.httpfromscratch.step3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.httpfromscratch.testkit.Bytes;
import dev.httpfromscratch.testkit.Points;
import dev.httpfromscratch.testkit.Stage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checkpoint 3, the parser on its own (docs/03-parsing.md), in the order the chapter builds it:
 * stage 1, a request that arrives whole; stage 2, the same requests cut by the network at every
 * byte and fed one byte at a time; stage 3, the limits, checked as the bytes pass; stage 4,
 * Content-Length and the body. The RFC 9112 / 9110 section is in every case's name.
 *
 * <p>A failure shows the reads exactly as the parser got them (CR as \r, LF as \n), where the
 * request was cut, what the parser should have answered and what it answered, so you can replay
 * the case in your head, or in a scratch test, one read at a time.
 */
@DisplayName("Step 3: the request parser")
@ExtendWith(ParserDeadline.class)
class RequestParserTest {

    /** Requests without a body: everything stages 1 and 2 need (no Content-Length). */
    static Stream<Arguments> validHeads() {
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

    /** Requests with a body framed by Content-Length (stage 4). */
    static Stream<Arguments> validWithBody() {
        return Stream.of(
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
                valid("RFC 9112 §6.2: a Content-Length of several digits (a 1234-byte body)",
                        "POST /api HTTP/1.1\r\nHost: a\r\nContent-Length: 1234\r\n\r\n" + "x".repeat(1234),
                        "POST /api HTTP/1.1\nHost: a\nContent-Length: 1234\nbody=" + "x".repeat(1234)));
    }

    /** Broken request lines and field lines (stages 1 and 2). */
    static Stream<Arguments> malformedSyntax() {
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
                malformed("RFC 9112 §2.2: a header line ending in a bare LF", 400, "GET / HTTP/1.1\r\nHost: a\n\r\n"),
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
                malformed("RFC 9112 §3.2: two Host fields", 400, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"));
    }

    /** Requests over a limit of ParserLimits.DEFAULTS (stage 3). */
    static Stream<Arguments> overLimits() {
        return Stream.of(
                malformed("RFC 9112 §3 (limit): a request line over 8 KiB", 414, "GET /" + "a".repeat(8 * 1024) + " HTTP/1.1\r\nHost: a\r\n\r\n"),
                malformed("RFC 6585 §5 (limit): one header field over 32 KiB", 431, "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(32 * 1024) + "\r\n\r\n"),
                malformed("RFC 6585 §5 (limit): 60 header lines of 600 bytes, over 32 KiB together", 431,
                        "GET / HTTP/1.1\r\nHost: a\r\n" + ("X-Part: " + "p".repeat(590) + "\r\n").repeat(60) + "\r\n"),
                malformed("RFC 6585 §5 (limit): more than 100 header fields", 431, "GET / HTTP/1.1\r\nHost: a\r\n" + "X-A: b\r\n".repeat(100) + "\r\n"));
    }

    /** Content-Length values the parser must refuse (stage 4). */
    static Stream<Arguments> malformedLength() {
        return Stream.of(
                malformed("RFC 9110 §8.6: Content-Length with a sign", 400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +2\r\n\r\nhi"),
                malformed("RFC 9110 §8.6: a negative Content-Length", 400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n"),
                malformed("RFC 9110 §8.6: Content-Length with letters", 400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2a\r\n\r\nhi"),
                malformed("RFC 9110 §8.6: an empty Content-Length", 400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n"),
                malformed("RFC 9110 §8.6: a list of Content-Lengths in one field", 400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2, 2\r\n\r\nhi"),
                malformed("RFC 9110 §8.6: non-ASCII digits in Content-Length", 400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \u00b2\r\n\r\nhi"),
                malformed("RFC 9112 §6.3: Content-Length fields that disagree", 400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nhi!"),
                malformed("RFC 9112 §6.3: a Content-Length too large for any number", 413, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999999\r\n\r\n"),
                malformed("RFC 9112 §6.3: a Content-Length that wraps a long to a small number", 413, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 18446744073709551621\r\n\r\nhello"),
                malformed("RFC 9110 §15.5.14: a Content-Length over the body limit", 413, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1048577\r\n\r\n"),
                malformed("RFC 9112 §6.1: Transfer-Encoding is not implemented in step 3", 501, "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                malformed("RFC 9112 §6.1: Content-Length and Transfer-Encoding together", 400, "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"));
    }

    // ---- stage 1: a request that arrives whole ------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("validHeads")
    @Points(1)
    @Stage(value = 1, title = "parse a request that arrives whole", section = "docs/03-parsing.md#code-parse")
    @DisplayName("parses a valid request sent whole, and leaves the next request's bytes in the buffer")
    void parsesWhole(String name, String raw, String expected) {
        assertParsesWhole(name, raw, expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("malformedSyntax")
    @Points(1)
    @Stage(value = 1, title = "parse a request that arrives whole", section = "docs/03-parsing.md#code-parse")
    @DisplayName("rejects a malformed request line or field line with the right status")
    void rejects(String name, int status, String raw) {
        assertRejectedWhole(name, status, raw);
    }

    // ---- stage 2: the network cuts requests anywhere ------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("validHeads")
    @Points(1)
    @Stage(value = 2, title = "keep a line cut by a read", section = "docs/03-parsing.md#code-nextline")
    @DisplayName("parses a valid request split in two reads at every byte position")
    void parsesSplitAtEveryByte(String name, String raw, String expected) {
        assertParsesSplitAtEveryByte(name, raw, expected);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validHeads")
    @Points(1)
    @Stage(value = 2, title = "keep a line cut by a read", section = "docs/03-parsing.md#code-nextline")
    @DisplayName("parses a valid request fed one byte at a time")
    void parsesOneByteAtATime(String name, String raw, String expected) {
        assertParsesOneByteAtATime(name, raw, expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("malformedSyntax")
    @Points(1)
    @Stage(value = 2, title = "keep a line cut by a read", section = "docs/03-parsing.md#code-nextline")
    @DisplayName("rejects a malformed request fed one byte at a time, and stays rejected")
    void rejectsOneByteAtATime(String name, int status, String raw) {
        assertRejectedOneByteAtATime(name, status, raw);
    }

    @Test
    @Points(1)
    @Stage(value = 2, title = "keep a line cut by a read", section = "docs/03-parsing.md#code-nextline")
    @DisplayName("RFC 9112 §9.3: pipelined requests in one buffer come out one after the other, each with only its own fields")
    void pipelinedRequests() {
        String first = "GET /first HTTP/1.1\r\nHost: a\r\nX-Only-First: 1\r\n\r\n";
        String second = "GET /second HTTP/1.1\r\nHost: a\r\n\r\n";
        ByteBuffer buffer = ByteBuffer.wrap(Bytes.ascii(first + second + first));
        RequestParser parser = new RequestParser();
        String[] expected = {"GET /first HTTP/1.1\nHost: a\nX-Only-First: 1\nbody=", "GET /second HTTP/1.1\nHost: a\nbody=",
                "GET /first HTTP/1.1\nHost: a\nX-Only-First: 1\nbody="};
        for (int i = 0; i < expected.length; i++) {
            int before = buffer.position();
            ParseResult result = parse(parser, buffer);
            if (!(result instanceof ParseResult.Complete complete) || !describe(complete.request()).equals(expected[i])) {
                fail("three pipelined requests in one buffer, parsed with ONE parser:%n%s%nrequest %d (from byte %d) should be%n    %s%n"
                        + "but the parser said%n    %s%nThe parser must forget everything about a request once it returned it "
                        + "(fields, the head, byte counts, a skipped empty line) and start the next one fresh.",
                        Bytes.block(buffer.array()), i + 1, before, oneLine(expected[i]), show(result));
            }
        }
        assertThat(buffer.hasRemaining()).as("the three requests used every byte of the buffer").isFalse();
    }

    @Test
    @DisplayName("a keep-alive client's fields are read anew on every request: a value changed in one byte, or moved, is not the last request's")
    void keepAliveFieldsAreReadAnew() {
        // Requests of one connection, each differing from the one before in a way a parser that
        // reuses the previous request's Strings could miss: the same length with the last byte
        // changed, the same fields in another order, a field dropped, a name's case changed.
        String[] raw = {
            "GET / HTTP/1.1\r\nHost: a.example\r\nX-Token: abc\r\nCookie: id=1\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a.example\r\nX-Token: abd\r\nCookie: id=1\r\n\r\n",
            "GET / HTTP/1.1\r\nCookie: id=1\r\nHost: a.example\r\nX-Token: abd\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: b.example\r\n\r\n",
            "GET / HTTP/1.1\r\nhost: b.example\r\nX-Token: abd\r\n\r\n",
        };
        String[] expected = {
            "GET / HTTP/1.1\nHost: a.example\nX-Token: abc\nCookie: id=1\nbody=",
            "GET / HTTP/1.1\nHost: a.example\nX-Token: abd\nCookie: id=1\nbody=",
            "GET / HTTP/1.1\nCookie: id=1\nHost: a.example\nX-Token: abd\nbody=",
            "GET / HTTP/1.1\nHost: b.example\nbody=",
            "GET / HTTP/1.1\nhost: b.example\nX-Token: abd\nbody=",
        };
        RequestParser parser = new RequestParser();
        for (int i = 0; i < raw.length; i++) {
            ParseResult result = parse(parser, ByteBuffer.wrap(Bytes.ascii(raw[i])));
            if (!(result instanceof ParseResult.Complete complete) || !describe(complete.request()).equals(expected[i])) {
                fail("request %d of one keep-alive connection:%n%s%nshould be%n    %s%nbut the parser said%n    %s%n"
                        + "Each request's fields are the bytes it sent, whatever the request before it sent.",
                        i + 1, Bytes.block(Bytes.ascii(raw[i])), oneLine(expected[i]), show(result));
            }
        }
    }

    // ---- stage 3: limits, checked as the bytes pass --------------------------------------------

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("overLimits")
    @Points(1)
    @Stage(value = 3, title = "limits, checked as the bytes pass", section = "docs/03-parsing.md#limits")
    @DisplayName("rejects a request over a limit with its status, sent whole and one byte at a time")
    void rejectsOverLimits(String name, int status, String raw) {
        assertRejectedWhole(name, status, raw);
        assertRejectedOneByteAtATime(name, status, raw);
    }

    @Test
    @Points(2)
    @Stage(value = 3, title = "limits, checked as the bytes pass", section = "docs/03-parsing.md#limits")
    @DisplayName("an endless header field is rejected with 431 after at most 32 KiB, whatever keeps coming")
    void endlessHeaderIsBounded() {
        assertEndlessInputIsRefused("a header field that never ends", "GET / HTTP/1.1\r\nHost: a\r\nX-Endless: ", "b", 431,
                32 * 1024, "the header section limit");
    }

    @Test
    @Points(1)
    @Stage(value = 3, title = "limits, checked as the bytes pass", section = "docs/03-parsing.md#limits")
    @DisplayName("an endless request line is rejected with 414 after at most 8 KiB, whatever keeps coming")
    void endlessRequestLineIsBounded() {
        assertEndlessInputIsRefused("a request line that never ends", "GET /", "a", 414, 8 * 1024, "the request line limit");
    }

    // ---- stage 4: Content-Length and the body ---------------------------------------------------

    @ParameterizedTest(name = "{0}")
    @MethodSource("validWithBody")
    @Points(2)
    @Stage(value = 4, title = "Content-Length and the body", section = "docs/03-parsing.md#code-contentlength")
    @DisplayName("parses a request with a body: whole, split in two reads at every byte, and one byte at a time")
    void parsesBodies(String name, String raw, String expected) {
        assertParsesWhole(name, raw, expected);
        assertParsesSplitAtEveryByte(name, raw, expected);
        assertParsesOneByteAtATime(name, raw, expected);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("malformedLength")
    @Points(2)
    @Stage(value = 4, title = "Content-Length and the body", section = "docs/03-parsing.md#code-contentlength")
    @DisplayName("rejects a bad, negative, overflowing or disagreeing Content-Length, sent whole and one byte at a time")
    void rejectsBadContentLength(String name, int status, String raw) {
        assertRejectedWhole(name, status, raw);
        assertRejectedOneByteAtATime(name, status, raw);
    }

    @Test
    @Points(2)
    @Stage(value = 4, title = "Content-Length and the body", section = "docs/03-parsing.md#code-contentlength")
    @DisplayName("a body over the limit is refused as soon as the head is parsed, before any body byte")
    void bodyOverLimitIsRefusedEarly() {
        String raw = "POST /api HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\n";
        ParseResult result = parse(new RequestParser(ParserLimits.DEFAULTS.withMaxBodyBytes(10)), ByteBuffer.wrap(Bytes.ascii(raw)));
        assertThat(result instanceof ParseResult.Rejected rejected && rejected.status() == 413)
                .as("Content-Length 11 with a body limit of 10, and no body byte sent yet:%n%s%nshould be Rejected 413 at once, but the parser said%n    %s",
                        Bytes.block(Bytes.ascii(raw)), show(result))
                .isTrue();
    }

    @Test
    @Points(1)
    @Stage(value = 4, title = "Content-Length and the body", section = "docs/03-parsing.md#code-contentlength")
    @DisplayName("the head is available before the body arrives (for Expect: 100-continue)")
    void headBeforeBody() {
        RequestParser parser = new RequestParser();
        assertThat(parser.head()).as("no head before any byte").isNull();
        String raw = "POST /api HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n";
        ParseResult result = parse(parser, ByteBuffer.wrap(Bytes.ascii(raw)));
        assertThat(result).as("the head of a request whose 5 body bytes have not arrived:%n%s%nshould give NeedMore, but the parser said %s",
                Bytes.block(Bytes.ascii(raw)), show(result)).isSameAs(ParseResult.NEED_MORE);
        assertThat(parser.state()).as("the state once the head is parsed and the body is awaited").isEqualTo(RequestParser.State.BODY);
        assertThat(parser.head().expectsContinue()).as("the client sent Expect: 100-continue").isTrue();
        assertThat(parser.head().contentLength()).as("the head's Content-Length").isEqualTo(5);
        ParseResult last = parse(parser, ByteBuffer.wrap(Bytes.ascii("hello")));
        assertThat(last).as("after the 5 body bytes 'hello' the parser said %s", show(last)).isInstanceOf(ParseResult.Complete.class);
    }

    @Test
    @Points(1)
    @Stage(value = 4, title = "Content-Length and the body", section = "docs/03-parsing.md#code-contentlength")
    @DisplayName("RFC 9112 §9.3: a request after a body starts right after the body's last byte")
    void pipelinedAfterBody() {
        String raw = "POST /api HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhiGET /second HTTP/1.1\r\nHost: a\r\n\r\n";
        ByteBuffer buffer = ByteBuffer.wrap(Bytes.ascii(raw));
        RequestParser parser = new RequestParser();
        ParseResult first = parse(parser, buffer);
        ParseResult second = parse(parser, buffer);
        assertThat(first instanceof ParseResult.Complete c && c.request().bodyText().equals("hi")
                        && second instanceof ParseResult.Complete d && d.request().target().equals("/second"))
                .as("two pipelined requests in one buffer:%n%s%nexpected a POST with body 'hi', then GET /second, but the parser said%n    %s%n    %s",
                        Bytes.block(Bytes.ascii(raw)), show(first), show(second))
                .isTrue();
        assertThat(buffer.hasRemaining()).as("both requests used every byte").isFalse();
    }

    @Test
    @Points(1)
    @Stage(value = 4, title = "Content-Length and the body", section = "docs/03-parsing.md#code-contentlength")
    @DisplayName("reads direct and read-only ByteBuffers as well as heap buffers")
    void directAndReadOnlyBuffers() {
        String raw = "POST /api HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\n\r\nhi";
        byte[] request = Bytes.ascii(raw);
        ByteBuffer direct = ByteBuffer.allocateDirect(request.length).put(request).flip();
        ByteBuffer readOnly = ByteBuffer.wrap(request).asReadOnlyBuffer();
        for (ByteBuffer buffer : new ByteBuffer[] {direct, readOnly}) {
            String kind = buffer.isDirect() ? "a direct buffer (no array(): read it with get)" : "a read-only buffer (no array(): read it with get)";
            RequestParser parser = new RequestParser();
            ParseResult result = parse(parser, buffer.slice(0, 20));
            result = result == ParseResult.NEED_MORE ? parse(parser, buffer.slice(20, request.length - 20)) : result;
            assertComplete(raw, "POST /api HTTP/1.1\nHost: a\nContent-Length: 2\nbody=hi", result,
                    kind + ", in two reads cut after byte 20:" + reads(request, 20));
        }
    }

    // ---- how each case is fed ---------------------------------------------------------------------

    private static void assertParsesWhole(String name, String raw, String expected) {
        byte[] request = Bytes.ascii(raw);
        byte[] next = Bytes.ascii("GET /next HTTP/1.1\r\n");
        ByteBuffer buffer = ByteBuffer.allocate(request.length + next.length).put(request).put(next).flip();
        ParseResult result = parse(new RequestParser(), buffer);
        assertComplete(raw, expected, result, name + ": sent in one read, followed by the start of a pipelined request:"
                + reads(concat(request, next), request.length));
        assertThat(((ParseResult.Complete) result).bytesConsumed())
                .as("%s: bytesConsumed should be the request's own length", name).isEqualTo(request.length);
        assertThat(buffer.position())
                .as("%s: the buffer's position should stop right after the request, where the pipelined 'GET /next' starts", name)
                .isEqualTo(request.length);
    }

    private static void assertParsesSplitAtEveryByte(String name, String raw, String expected) {
        byte[] request = Bytes.ascii(raw);
        for (int cut = 1; cut < request.length; cut++) {
            RequestParser parser = new RequestParser();
            String how = name + ": sent in two reads, cut after byte " + cut + " of " + request.length + ":" + reads(request, cut);
            ParseResult first = parse(parser, ByteBuffer.wrap(request, 0, cut));
            if (first != ParseResult.NEED_MORE) {
                fail("%s%nexpected after read 1: NeedMore (the request is not over)%nbut the parser said:   %s%s", how, show(first), CARRY_OVER);
            }
            ByteBuffer rest = ByteBuffer.wrap(request, cut, request.length - cut);
            assertComplete(raw, expected, parse(parser, rest), how + CARRY_OVER);
            assertThat(rest.hasRemaining()).as("%s%nafter read 2 the request is complete, so every byte should be used", how).isFalse();
        }
    }

    private static void assertParsesOneByteAtATime(String name, String raw, String expected) {
        byte[] request = Bytes.ascii(raw);
        RequestParser parser = new RequestParser();
        for (int i = 0; i < request.length - 1; i++) {
            ParseResult result = parse(parser, ByteBuffer.wrap(request, i, 1));
            if (result != ParseResult.NEED_MORE) {
                fail("%s: fed one byte per read; after byte %d of %d (%s) the parser should say NeedMore, but said:%n    %s%n"
                                + "the bytes fed so far, in %d reads: %s%nnot fed yet: %s%n"
                                + "Every line arrives here in one-byte pieces: the start of a line must carry over from one parse() call to the next.",
                        name, i + 1, request.length, oneLine(request, i, i + 1), show(result), i + 1, oneLine(request, 0, i + 1),
                        oneLine(request, i + 1, request.length));
            }
        }
        assertComplete(raw, expected, parse(parser, ByteBuffer.wrap(request, request.length - 1, 1)),
                name + ": fed one byte per read, after the last byte" + CARRY_OVER);
    }

    private static void assertRejectedWhole(String name, int status, String raw) {
        assertRejected(name + ": sent in one read", status, raw, parse(new RequestParser(), ByteBuffer.wrap(Bytes.ascii(raw))));
    }

    private static void assertRejectedOneByteAtATime(String name, int status, String raw) {
        byte[] request = Bytes.ascii(raw);
        RequestParser parser = new RequestParser();
        ParseResult result = ParseResult.NEED_MORE;
        int i = 0;
        while (i < request.length && result == ParseResult.NEED_MORE) {
            result = parse(parser, ByteBuffer.wrap(request, i++, 1));
        }
        assertRejected(name + ": fed one byte per read (" + i + " of " + request.length + " bytes fed)" + CARRY_OVER, status, raw, result);
        ParseResult after = parse(parser, ByteBuffer.wrap(Bytes.ascii("GET / HTTP/1.1\r\nHost: a\r\n\r\n")));
        assertThat(after).as("%s: after a rejection the parser must stay failed and answer the same rejection (nobody knows where the next "
                + "request starts), but given a valid request it said%n    %s", name, show(after)).isEqualTo(result);
    }

    /** Feeds {@code start}, then {@code filler} in 4 KiB reads, until the parser answers; it must refuse within the limit. */
    private static void assertEndlessInputIsRefused(String what, String start, String filler, int status, int limit, String limitName) {
        RequestParser parser = new RequestParser();
        ParseResult result = parse(parser, ByteBuffer.wrap(Bytes.ascii(start)));
        byte[] chunk = Bytes.ascii(filler.repeat(4096));
        long fed = start.length();
        while (result == ParseResult.NEED_MORE && fed < 1024 * 1024) {
            result = parse(parser, ByteBuffer.wrap(chunk));
            fed += chunk.length;
        }
        String shown = oneLine(Bytes.ascii(start), 0, start.length()) + filler + filler + filler + "... (no LF ever)";
        if (!(result instanceof ParseResult.Rejected rejected) || rejected.status() != status) {
            fail("%s: %s, then '%s' in 4 KiB reads: after %d bytes (%s is %d) the parser should have answered Rejected %d, but it said%n    %s%n"
                    + "Count the bytes of a line as they arrive, not only once its LF came, and refuse in the read that passes the limit.",
                    what, shown, filler, fed, limitName, limit, status, show(result));
        }
        assertThat(fed).as("%s (%s): the parser waited for %d bytes before refusing; %s is %d bytes, so it must refuse within the read "
                + "that passes it: count the bytes of a line as they arrive, not only once its LF came", what, shown, fed, limitName, limit)
                .isLessThanOrEqualTo(limit + chunk.length);
    }

    // ---- what a failure shows -----------------------------------------------------------------------

    /** Said when a request cut into reads fails: the same bytes in one read are stage 1's business. */
    private static final String CARRY_OVER = String.format("%n(Cut into reads, what the parser has of the request (the start of a line, its "
            + "state, the counts) must carry over from one parse() call to the next.)");

    /** Calls the parser; an exception it throws becomes a failure that says which call threw what. */
    private static ParseResult parse(RequestParser parser, ByteBuffer input) {
        int from = input.position();
        try {
            return parser.parse(input);
        } catch (UnsupportedOperationException notWrittenYet) {
            throw new AssertionError("not written yet: " + notWrittenYet.getMessage(), notWrittenYet);
        } catch (RuntimeException | StackOverflowError thrown) {
            StackTraceElement where = java.util.Arrays.stream(thrown.getStackTrace())
                    .filter(frame -> frame.getClassName().startsWith("dev.httpfromscratch.step3.")).findFirst().orElse(null);
            throw new AssertionError(String.format("parse() threw %s%s%nwhen given %d bytes:%n%s%nparse() must answer Complete, NeedMore or "
                            + "Rejected, never throw: a client's bytes must not be able to crash the server.",
                    thrown, where == null ? "" : " at " + where, input.limit() - from,
                    Bytes.block(bytes(input.duplicate().position(from)))), thrown);
        }
    }

    private static void assertComplete(String raw, String expected, ParseResult result, String how) {
        if (!(result instanceof ParseResult.Complete complete)) {
            fail("%s%nexpected: Complete%n    %s%nbut the parser said:%n    %s", how, oneLine(expected), show(result));
            return;
        }
        String actual = describe(complete.request());
        if (!actual.equals(expected)) {
            fail("%s%nexpected: Complete%n    %s%nbut the parser made of it:%n    %s", how, oneLine(expected), oneLine(actual));
        }
    }

    private static void assertRejected(String how, int status, String raw, ParseResult result) {
        String shown = Bytes.block(Bytes.ascii(raw.length() > 300 ? raw.substring(0, 300) : raw));
        if (!(result instanceof ParseResult.Rejected rejected) || rejected.status() != status) {
            fail("%s:%n%s%nexpected: Rejected %d%nbut the parser said:%n    %s", how, shown, status, show(result));
            return;
        }
        assertThat(rejected.reason()).as("%s: the reason should be one short sentence for the client, not \"%s\"", how, rejected.reason())
                .isNotBlank().hasSizeLessThan(200).doesNotContain("\n");
    }

    /** A result as a student reads it: NeedMore, Rejected 400 "reason", or the request on one line. */
    static String show(ParseResult result) {
        return switch (result) {
            case null -> "null (parse must never return null)";
            case ParseResult.Complete complete -> "Complete: " + oneLine(describe(complete.request()))
                    + " (bytesConsumed " + complete.bytesConsumed() + ")";
            case ParseResult.NeedMore needMore -> "NeedMore";
            case ParseResult.Rejected rejected -> "Rejected " + rejected.status() + " \"" + rejected.reason() + "\"";
        };
    }

    /** "METHOD target VERSION", one "name: value" line per field, "body=" and the body. */
    static String describe(HttpRequest request) {
        StringBuilder text = new StringBuilder(request.method() + " " + request.target() + " " + request.version() + "\n");
        request.headers().forEach((name, value) -> text.append(name).append(": ").append(value).append('\n'));
        return text.append("body=").append(new String(request.body(), StandardCharsets.ISO_8859_1)).toString();
    }

    /** The reads a request was cut into, one per line, with CR and LF visible. */
    private static String reads(byte[] request, int cut) {
        return String.format("%n    read 1: %s%n    read 2: %s", oneLine(request, 0, cut), oneLine(request, cut, request.length));
    }

    private static String oneLine(byte[] bytes, int from, int to) {
        String shown = to - from > 120 ? Bytes.visible(bytes, from, from + 60) + " ... (" + (to - from - 90) + " bytes) ... "
                + Bytes.visible(bytes, to - 30, to) : Bytes.visible(bytes, from, to);
        return "\u00ab" + shown.replace("\n", "") + "\u00bb";
    }

    /** A described request on one line: the fields separated by " | ". */
    private static String oneLine(String described) {
        int body = described.lastIndexOf("body=") + 5;
        byte[] bodyBytes = Bytes.ascii(described.substring(body));
        String text = described.substring(0, body).replace("\n", " | ") + Bytes.visible(bodyBytes).replace("\n", "");
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        byte[] copy = new byte[buffer.remaining()];
        buffer.get(copy);
        return copy;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    private static Arguments valid(String name, String raw, String expected) {
        return Arguments.of(name, raw, expected);
    }

    private static Arguments malformed(String name, int status, String raw) {
        return Arguments.of(name, status, raw);
    }
}
