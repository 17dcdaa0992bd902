package dev.httpfromscratch.server;

import static dev.httpfromscratch.testkit.ResponseAssert.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;

import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RawResponse;
import dev.httpfromscratch.testkit.RunningServer;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every framing and syntax trick that lets two HTTP readers (a proxy in front, this server behind)
 * disagree about where a request ends, as one table: each case names the RFC section that decides
 * it, sends the hostile request followed by an innocent {@code GET /} (the "smuggled" request),
 * and expects the status the RFC gives, {@code Connection: close}, a closed connection and no
 * second response (docs/07-security.md, "Request smuggling").
 *
 * <p>The bytes are written as Java strings and sent as ISO-8859-1, so {@code \u00a0} is the one
 * byte 0xA0 on the wire, exactly as a hostile client would send it. ChunkedBodyTest holds the
 * first fourteen cases of this family (CL+TE, chunk sizes with 0x, '-', 65 bits, ...); this table
 * adds the rest and does not repeat them.
 */
@DisplayName("Final server: request smuggling and header syntax, case by case")
class SmugglingTest {
    private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final String POST_API = "POST /api HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n";
    private static final String CHUNKED_POST = POST_API + "Transfer-Encoding: chunked\r\n\r\n";
    private static RunningServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start(); // one server for the whole table: every case also proves it survived the one before
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Stream<Arguments> refused() {
        return Stream.of(
                // ---- Transfer-Encoding (RFC 9112 §6.1, §6.3) ------------------------------------
                refusal("§6.1 Transfer-Encoding before Content-Length (the reversed pair)",
                        POST_API + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n", 400),
                refusal("§6.3 Transfer-Encoding: identity (not a transfer coding any more)",
                        POST_API + "Transfer-Encoding: identity\r\n\r\n{}", 400),
                refusal("§6.3 Transfer-Encoding: xchunked (a lookalike)",
                        POST_API + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n", 400),
                refusal("§6.3 Transfer-Encoding: chunked, identity (chunked is not last)",
                        POST_API + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n", 400),
                refusal("§6.3 Transfer-Encoding: \"chunked\" in quotes",
                        POST_API + "Transfer-Encoding: \"chunked\"\r\n\r\n0\r\n\r\n", 400),
                refusal("§6.3 Transfer-Encoding: chunked followed by a vertical tab (String.trim would strip it)",
                        POST_API + "Transfer-Encoding: chunked\u000b\r\n\r\n0\r\n\r\n", 400),
                refusal("§6.3 Transfer-Encoding: chunked followed by a non-breaking space 0xA0",
                        POST_API + "Transfer-Encoding: chunked\u00a0\r\n\r\n0\r\n\r\n", 400),
                refusal("§6.3 Transfer-Encoding: chunked followed by NUL",
                        POST_API + "Transfer-Encoding: chunked\u0000\r\n\r\n0\r\n\r\n", 400),
                refusal("§6.3 an empty Transfer-Encoding",
                        POST_API + "Transfer-Encoding:\r\n\r\n0\r\n\r\n", 400),
                refusal("§6.1 gzip and chunked in two field lines (a coding this server does not decode)",
                        POST_API + "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 501),
                refusal("§5.1 'Transfer-Encoding :' with a space before the colon, next to Content-Length",
                        POST_API + "Content-Length: 3\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n", 400),
                refusal("§5.2 Transfer-Encoding hidden in an obs-fold continuation line",
                        POST_API + "X-Padding: a\r\n Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n", 400),
                refusal("§2.2 whitespace before the first header line",
                        "POST /api HTTP/1.1\r\n Transfer-Encoding: chunked\r\nHost: x\r\n\r\n0\r\n\r\n", 400),
                // ---- Content-Length (RFC 9110 §8.6, RFC 9112 §6.3) -------------------------------
                refusal("§8.6 Content-Length with a plus sign (Long.parseLong accepts it)",
                        POST_API + "Content-Length: +2\r\n\r\n{}", 400),
                refusal("§8.6 Content-Length with a minus sign",
                        POST_API + "Content-Length: -2\r\n\r\n{}", 400),
                refusal("§8.6 Content-Length with a space inside",
                        POST_API + "Content-Length: 1 2\r\n\r\n{}", 400),
                refusal("§8.6 Content-Length in hexadecimal",
                        POST_API + "Content-Length: 0x2\r\n\r\n{}", 400),
                refusal("§8.6 Content-Length with a decimal point",
                        POST_API + "Content-Length: 2.0\r\n\r\n{}", 400),
                refusal("§8.6 Content-Length in exponent form",
                        POST_API + "Content-Length: 2e0\r\n\r\n{}", 400),
                refusal("§8.6 Content-Length in Arabic-Indic digits (UTF-8 of U+0662; Long.parseLong accepts U+0662)",
                        POST_API + "Content-Length: \u00d9\u00a2\r\n\r\n{}", 400),
                refusal("§8.6 an empty Content-Length",
                        POST_API + "Content-Length:\r\n\r\n{}", 400),
                refusal("§6.3 two Content-Length fields that differ",
                        POST_API + "Content-Length: 2\r\nContent-Length: 40\r\n\r\n{}", 400),
                refusal("§6.3 one Content-Length with a list of two different values",
                        POST_API + "Content-Length: 2, 40\r\n\r\n{}", 400),
                refusal("§6.3 a Content-Length beyond 64 bits (no overflow: 413)",
                        POST_API + "Content-Length: 99999999999999999999999999\r\n\r\n{}", 413),
                // ---- chunk sizes, extensions, trailers (RFC 9112 §7.1) -----------------------------
                refusal("§7.1 chunk size with a plus sign", CHUNKED_POST + "+2\r\n{}\r\n0\r\n\r\n", 400),
                refusal("§7.1 chunk size of 16 hex digits (a negative long if parsed naively)",
                        CHUNKED_POST + "ffffffffffffffff\r\n{}\r\n0\r\n\r\n", 400),
                refusal("§7.1 chunk size of 17 hex digits", CHUNKED_POST + "10000000000000002\r\n{}\r\n0\r\n\r\n", 400),
                refusal("§7.1 chunk size with a non-ASCII digit byte", CHUNKED_POST + "2\u00b2\r\n{}\r\n0\r\n\r\n", 400),
                refusal("§7.1 chunk size followed by a bare CR", CHUNKED_POST + "2\rX{}\r\n0\r\n\r\n", 400),
                refusal("§7.1 chunk data followed by a bare LF", CHUNKED_POST + "2\r\n{}\n0\r\n\r\n", 400),
                refusal("§7.1 the last chunk ending in a bare LF", CHUNKED_POST + "2\r\n{}\r\n0\n\r\n", 400),
                refusal("§7.1 chunk data shorter than its size, the next request inside it",
                        CHUNKED_POST + "40\r\n{}\r\n0\r\n\r\n" + SMUGGLED, 400),
                refusal("§7.1.1 a chunk extension longer than 1 KiB",
                        CHUNKED_POST + "2;" + "e".repeat(2000) + "\r\n{}\r\n0\r\n\r\n", 400),
                refusal("§7.1.1 a chunk extension with NUL", CHUNKED_POST + "2;a=\u0000\r\n{}\r\n0\r\n\r\n", 400),
                refusal("§7.1.1 a chunk extension ended by a bare LF", CHUNKED_POST + "2;a=b\n{}\r\n0\r\n\r\n", 400),
                refusal("§7.1.2 a trailer section longer than the header limit (431)",
                        CHUNKED_POST + "2\r\n{}\r\n0\r\n" + "X-T: " + "t".repeat(40_000) + "\r\n\r\n", 431),
                refusal("§7.1.2 a trailer field continued by obs-fold", CHUNKED_POST + "2\r\n{}\r\n0\r\nX-T: a\r\n b\r\n\r\n", 400),
                refusal("§7.1.2 a trailer field with NUL", CHUNKED_POST + "2\r\n{}\r\n0\r\nX-T: a\u0000\r\n\r\n", 400),
                // ---- field syntax (RFC 9112 §2.2, §5; RFC 9110 §5) ----------------------------------
                refusal("§5.1 whitespace between a field name and its colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400),
                refusal("§5.1 a tab between a field name and its colon", "GET / HTTP/1.1\r\nHost: x\r\nX-A\t: y\r\n\r\n", 400),
                refusal("§5.2 obs-fold in an ordinary field", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n\tb\r\n\r\n", 400),
                refusal("§2.2 a header line ended by a bare LF", "GET / HTTP/1.1\r\nHost: x\nX-A: y\r\n\r\n", 400),
                refusal("§2.2 the request line ended by a bare LF", "GET / HTTP/1.1\nHost: x\r\n\r\n", 400),
                refusal("§2.2 a bare CR inside a field value", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\rb\r\n\r\n", 400),
                refusal("§2.2 a field line ended by CR CR LF", "GET / HTTP/1.1\r\nHost: x\r\r\n\r\n", 400),
                refusal("§5.5 NUL in a field value", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u0000b\r\n\r\n", 400),
                refusal("§5.5 DEL (0x7F) in a field value", "GET / HTTP/1.1\r\nHost: x\r\nX-A: a\u007fb\r\n\r\n", 400),
                refusal("§5.5 ESC (0x1B) in a field value", "GET / HTTP/1.1\r\nHost: x\r\nX-A: \u001b[31m\r\n\r\n", 400),
                refusal("§5.1 NUL in a field name", "GET / HTTP/1.1\r\nHost: x\r\nX-\u0000A: y\r\n\r\n", 400),
                refusal("§5.1 a field name that is not a token", "GET / HTTP/1.1\r\nHost: x\r\nX(A): y\r\n\r\n", 400),
                refusal("§5.1 an empty field name", "GET / HTTP/1.1\r\nHost: x\r\n: y\r\n\r\n", 400),
                refusal("§5 a field line without a colon", "GET / HTTP/1.1\r\nHost: x\r\nX-A\r\n\r\n", 400),
                // ---- Host (RFC 9112 §3.2, RFC 9110 §7.2) ---------------------------------------------
                refusal("§3.2 an HTTP/1.1 request without Host", "GET / HTTP/1.1\r\nX-A: y\r\n\r\n", 400),
                refusal("§3.2 two Host fields", "GET / HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n", 400),
                refusal("§3.2 two Host fields that agree", "GET / HTTP/1.1\r\nHost: x\r\nHost: x\r\n\r\n", 400),
                refusal("§7.2 a Host with a space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
                refusal("§7.2 a Host with a path", "GET / HTTP/1.1\r\nHost: example.com/admin\r\n\r\n", 400),
                refusal("§7.2 a Host with userinfo", "GET / HTTP/1.1\r\nHost: user@example.com\r\n\r\n", 400),
                refusal("§7.2 a Host with a port that is not a number", "GET / HTTP/1.1\r\nHost: x:http\r\n\r\n", 400),
                refusal("§7.2 a Host with a six-digit port", "GET / HTTP/1.1\r\nHost: x:123456\r\n\r\n", 400),
                refusal("§7.2 a Host with an unclosed IPv6 literal", "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n", 400),
                refusal("§7.2 a Host with a non-ASCII byte", "GET / HTTP/1.1\r\nHost: b\u00e9.example\r\n\r\n", 400),
                // ---- the request line and its target forms (RFC 9112 §3) -----------------------------
                refusal("§3 two spaces after the method", "GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                refusal("§3 tabs instead of spaces", "GET\t/\tHTTP/1.1\r\nHost: x\r\n\r\n", 400),
                refusal("§3 a space inside the target", "GET /a b HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                refusal("§3 a space after the version", "GET / HTTP/1.1 \r\nHost: x\r\n\r\n", 400),
                refusal("§3 whitespace before the method", " GET / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                refusal("§3 a method that is not a token", "G(T / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                refusal("§3 no version (an HTTP/0.9 request)", "GET /\r\nHost: x\r\n\r\n", 400),
                refusal("§2.3 a lower-case version", "GET / http/1.1\r\nHost: x\r\n\r\n", 400),
                refusal("§2.3 HTTP/2.0 on an HTTP/1.1 connection (505)", "GET / HTTP/2.0\r\nHost: x\r\n\r\n", 505),
                refusal("§2.2 two empty lines before the request line", "\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                refusal("§3.2 NUL in the target", "GET /a\u0000b HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                refusal("§3.2 a non-ASCII byte in the target", "GET /caf\u00e9 HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                refusal("§3.2 a target that is neither /path, http://... nor *", "GET example.com HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                refusal("§3.2.4 * with a method other than OPTIONS", "GET * HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                refusal("§3.2.2 an absolute-form target with a scheme other than http(s)", "GET ftp://x/ HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                refusal("§3.2.2 an absolute-form target with an empty host (RFC 9110 §4.2.1)", "GET http:///admin HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                refusal("§3.2.2 an absolute-form target with nothing after http://", "GET http:// HTTP/1.1\r\nHost: x\r\n\r\n", 400));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    @DisplayName("a request two readers could frame differently is refused with its status and a close, and the request behind it is never answered")
    void refused(String name, String request, int status) {
        try (RawConnection client = server.connect()) {
            RawResponse response = client.send(request.getBytes(StandardCharsets.ISO_8859_1)).send(SMUGGLED).readResponse();
            assertThatResponse(response).as(name).hasStatus(status).hasHeader("Connection", "close");
            assertThat(response.bodyText()).as("%s: a short reason for humans, never Java internals.%n%s", name, client.transcript())
                    .doesNotContain("Exception").doesNotContain("\tat ");
            assertThat(client.awaitClose(RawConnection.DEFAULT_DEADLINE))
                    .as("%s: after a refusal the server must close the connection.%n%s", name, client.transcript())
                    .isNotEqualTo(RawConnection.Closed.STILL_OPEN);
            assertThat(new String(client.unreadBytes(), StandardCharsets.ISO_8859_1))
                    .as("%s: the bytes after the refused request must never be answered as a request of their own.%n%s", name, client.transcript())
                    .isEmpty();
        }
    }

    static Stream<Arguments> accepted() {
        return Stream.of(
                acceptance("§3.2.1 origin-form with a query", "GET /?x=1&y=%20 HTTP/1.1\r\nHost: x\r\n\r\n", 200),
                acceptance("§3.2.2 absolute-form (a proxy-style client); the path is routed", "GET http://localhost/health HTTP/1.1\r\nHost: localhost\r\n\r\n", 200),
                acceptance("§3.2.2 absolute-form with an upper-case scheme and a port", "GET HTTP://localhost:8000/ HTTP/1.1\r\nHost: localhost:8000\r\n\r\n", 200),
                acceptance("§3.2.4 asterisk-form: OPTIONS * asks about the server as a whole", "OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n", 204),
                acceptance("§7.2 Host as an IPv6 literal with a port", "GET / HTTP/1.1\r\nHost: [::1]:8000\r\n\r\n", 200),
                acceptance("§7.2 an empty Host (allowed when the target has no authority)", "GET / HTTP/1.1\r\nHost:\r\n\r\n", 200),
                acceptance("§2.2 one empty line before the request line (a stray CRLF after a body)", "\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n", 200),
                acceptance("§6.3 two Content-Length fields that agree", POST_API + "Content-Length: 2\r\nContent-Length: 2\r\n\r\n{}", 200),
                acceptance("§5.5 Content-Length with optional whitespace around it", POST_API + "Content-Length: \t2 \r\n\r\n{}", 200),
                acceptance("§6.1 Transfer-Encoding in upper case, after a tab", POST_API + "Transfer-Encoding:\tCHUNKED\r\n\r\n2\r\n{}\r\n0\r\n\r\n", 200),
                acceptance("§7.1 a chunk size with leading zeros", CHUNKED_POST + "00000000000000000002\r\n{}\r\n0\r\n\r\n", 200),
                acceptance("§7.1.1 a chunk extension after optional whitespace", CHUNKED_POST + "2 ;name=\"quoted value\"\r\n{}\r\n0\r\n\r\n", 200));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource
    @DisplayName("every legal but unusual form is understood, and the connection goes on to the next request")
    void accepted(String name, String request, int status) {
        try (RawConnection client = server.connect()) {
            RawResponse response = client.send(request.getBytes(StandardCharsets.ISO_8859_1)).send(SMUGGLED).readResponse();
            assertThatResponse(response).as(name).hasStatus(status);
            assertThat(response.saysClose()).as("%s: a legal request keeps the connection open.%n%s", name, client.transcript()).isFalse();
            assertThatResponse(client.readResponse()).as("%s: the next request on the connection is read from the right byte", name)
                    .hasStatus(404).hasBodyContaining("/smuggled");
        }
    }

    private static Arguments refusal(String name, String request, int status) {
        return Arguments.of(named(name, name), request, status);
    }

    private static Arguments acceptance(String name, String request, int status) {
        return Arguments.of(named(name, name), request, status);
    }
}
