package dev.httpfromscratch.step3;

import static dev.httpfromscratch.testkit.ResponseAssert.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.testkit.Bytes;
import dev.httpfromscratch.testkit.Points;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RawResponse;
import dev.httpfromscratch.testkit.RunningServer;
import dev.httpfromscratch.testkit.Stage;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Checkpoint 3 over real sockets (docs/03-parsing.md): every route and every status the step
 * names, sent by a raw TCP client that fragments, pipelines and half-closes.
 *
 * <p>Try it by hand: start the server ({@code mvn -pl step3-parsing -Drun=step3-parsing -DskipTests package exec:exec}),
 * then {@code curl -v localhost:8000/}, or type a request with {@code nc -C localhost 8000}
 * (-C sends CRLF line ends, which the parser insists on).
 */
@DisplayName("Step 3: the server, over sockets")
@Stage(value = 7, title = "the server over sockets", section = "docs/03-parsing.md#what-the-grader-checks")
@ExtendWith(ParserDeadline.SkipAfterHang.class)
class BlockingServerTest {
    private static final Duration DEADLINE = RawConnection.DEFAULT_DEADLINE; // stops a hang; never a speed check
    private static final Duration PAUSE = Duration.ofMillis(20); // lets each fragment arrive on its own

    static RunningServer startServer() {
        return startServer(BlockingServer.Settings.defaults(0), Routes.step3());
    }

    static RunningServer startServer(BlockingServer.Settings settings, Router router) {
        return RunningServer.start(console -> new BlockingServer(settings, router, console));
    }

    /** Sends {@code request}, reads one response, and checks the server then closes the connection. */
    private static RawResponse exchange(RunningServer server, String request) {
        try (RawConnection client = server.connect()) {
            RawResponse response = client.send(Bytes.ascii(request)).readResponse();
            assertThatResponse(response).hasHeader("Connection", "close");
            assertThat(client.awaitClose(DEADLINE))
                    .as("after answering with Connection: close the server should close the connection (a FIN, not a reset).%n%s", client.transcript())
                    .isEqualTo(RawConnection.Closed.BY_SERVER_EOF);
            return response;
        }
    }

    /** A POST /api request whose body is {@code body} in UTF-8 (each char of the result is one byte on the wire). */
    private static String post(String contentType, String body) {
        byte[] utf8 = body.getBytes(StandardCharsets.UTF_8);
        return "POST /api HTTP/1.1\r\nHost: localhost\r\n" + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
                + "Content-Length: " + utf8.length + "\r\n\r\n" + new String(utf8, StandardCharsets.ISO_8859_1);
    }

    // ---- the routes ----------------------------------------------------------------------

    @Test
    @Points(2)
    @DisplayName("GET / answers CerberusHTTP's fixed 200 OK with an exact Content-Length, Date, Server and Connection: close")
    void getRoot() {
        try (RunningServer server = startServer()) {
            RawResponse response = exchange(server, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThatResponse(response).hasStatusLine("HTTP/1.1 200 OK").hasHeader("Content-Length", "35")
                    .hasHeader("Content-Type", "text/plain; charset=utf-8").hasHeader("Date").hasHeader("Server")
                    .hasBody("[SERVER] This is the test response.");
            assertThat(response.header("Date").orElseThrow())
                    .as("Date must be an IMF-fixdate such as 'Sun, 06 Nov 1994 08:49:37 GMT' (RFC 9110 §5.6.7)%n%s", response.transcript())
                    .matches("(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
        }
    }

    @Test
    @Points(1)
    @DisplayName("HEAD / answers the same header fields as GET and no body")
    void headRoot() {
        try (RunningServer server = startServer(); RawConnection client = server.connect()) {
            RawResponse response = client.send("HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n").readHeadResponse();
            assertThatResponse(response).hasStatus(200).hasHeader("Content-Length", "35");
            client.awaitClose(DEADLINE);
            assertThat(client.unreadBytes()).as("no body may follow the answer to HEAD (RFC 9110 §9.3.2)%n%s", client.transcript()).isEmpty();
        }
    }

    @Test
    @Points(3)
    @Stage(value = 6, title = "the JSON API", section = "docs/03-parsing.md#code-jsonapihandlerhandle")
    @DisplayName("POST /api with JSON answers a JSON document listing the fields it received")
    void postJson() {
        try (RunningServer server = startServer()) {
            RawResponse response = exchange(server, post("application/json", "{\"hello\":\"world\"}"));
            assertThatResponse(response).hasStatus(200).hasHeader("Content-Type", "application/json")
                    .hasBody("{\"received\":1,\"fields\":[{\"name\":\"hello\",\"value\":\"world\"}]}");
            RawResponse several = exchange(server, post("application/json; charset=utf-8", "{\"n\": 42, \"ok\": true,\n \"list\": [1, \"two\"], \"caf\u00e9\": null}"));
            assertThatResponse(several).hasStatus(200).hasBody("{\"received\":4,\"fields\":[{\"name\":\"n\",\"value\":42},"
                    + "{\"name\":\"ok\",\"value\":true},{\"name\":\"list\",\"value\":[1,\"two\"]},{\"name\":\"caf\u00e9\",\"value\":null}]}");
        }
    }

    @Test
    @Points(2)
    @Stage(value = 6, title = "the JSON API", section = "docs/03-parsing.md#code-jsonapihandlerhandle")
    @DisplayName("POST /api with invalid JSON answers 400 with a JSON error naming line and column")
    void invalidJson() {
        try (RunningServer server = startServer()) {
            RawResponse response = exchange(server, post("application/json", "{\"hello\":\n  \"world\" \"oops\"}"));
            assertThatResponse(response).hasStatus(400).hasHeader("Content-Type", "application/json")
                    .hasBodyContaining("\"line\":2").hasBodyContaining("\"column\":11").hasBodyContaining("\"error\":");
            assertThatResponse(exchange(server, post("application/json", "[1, 2]"))).hasStatus(400).hasBodyContaining("not an object");
            assertThatResponse(exchange(server, post("application/json", ""))).hasStatus(400).hasBodyContaining("empty");
        }
    }

    @Test
    @Points(2)
    @Stage(value = 6, title = "the JSON API", section = "docs/03-parsing.md#code-jsonapihandlerhandle")
    @DisplayName("POST /api with 10 000 nested arrays is a 400 (nesting limit), never a 500 or a dead server")
    void hostileJson() {
        try (RunningServer server = startServer()) {
            String deep = "{\"a\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}";
            assertThatResponse(exchange(server, post("application/json", deep))).hasStatus(400).hasBodyContaining("nesting");
            assertThatResponse(exchange(server, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")).hasStatus(200);
        }
    }

    @Test
    @Points(2)
    @Stage(value = 6, title = "the JSON API", section = "docs/03-parsing.md#code-jsonapihandlerhandle")
    @DisplayName("POST /api with another Content-Type, or none, answers 415")
    void wrongContentType() {
        try (RunningServer server = startServer()) {
            assertThatResponse(exchange(server, post("text/plain", "{\"hello\":\"world\"}"))).hasStatus(415);
            assertThatResponse(exchange(server, post("application/x-www-form-urlencoded", "hello=world"))).hasStatus(415);
            assertThatResponse(exchange(server, post(null, "{\"hello\":\"world\"}"))).hasStatus(415);
        }
    }

    @Test
    @Points(1)
    @DisplayName("an unknown path answers 404")
    void unknownPath() {
        try (RunningServer server = startServer()) {
            assertThatResponse(exchange(server, "GET /nothing/here HTTP/1.1\r\nHost: localhost\r\n\r\n")).hasStatus(404).hasHeader("Content-Length");
        }
    }

    @Test
    @Points(2)
    @DisplayName("a known path with the wrong method answers 405 with Allow")
    void wrongMethod() {
        try (RunningServer server = startServer()) {
            assertThatResponse(exchange(server, "GET /api HTTP/1.1\r\nHost: localhost\r\n\r\n")).hasStatus(405).hasHeader("Allow", "POST");
            assertThatResponse(exchange(server, "DELETE / HTTP/1.1\r\nHost: localhost\r\n\r\n")).hasStatus(405).hasHeader("Allow", "GET, HEAD");
        }
    }

    @Test
    @Points(2)
    @DisplayName("a handler that throws gets a 500 without a stack trace, and the server keeps serving")
    void handlerFailure() {
        Router router = Routes.step3().get("/boom", request -> {
            throw new IllegalStateException("the database is on fire");
        });
        try (RunningServer server = startServer(BlockingServer.Settings.defaults(0), router)) {
            RawResponse failed = exchange(server, "GET /boom HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThatResponse(failed).hasStatus(500);
            assertThat(failed.bodyText()).as("the client must not see the exception%n%s", failed.transcript())
                    .doesNotContain("IllegalStateException").doesNotContain("on fire").doesNotContain("\tat ");
            assertThat(server.console().awaitLines("the database is on fire", 1, DEADLINE))
                    .as("the failure should be logged on the server's console. It printed:%n%s", server.console().describe()).hasSize(1);
            assertThatResponse(exchange(server, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")).hasStatus(200);
        }
    }

    // ---- bytes as TCP delivers them ------------------------------------------------------

    @Test
    @Points(2)
    @DisplayName("a request split inside the request line, inside CRLF CRLF and inside the body is parsed as one")
    void fragmentedRequest() {
        byte[] request = Bytes.ascii(post("application/json", "{\"hello\":\"world\"}"));
        String text = new String(request, StandardCharsets.ISO_8859_1);
        int headEnd = text.indexOf("\r\n\r\n");
        try (RunningServer server = startServer(); RawConnection client = server.connect()) {
            client.sendSplitAt(request, PAUSE, 3, 10, headEnd + 1, headEnd + 3, headEnd + 8);
            assertThatResponse(client.readResponse()).hasStatus(200).hasBodyContaining("\"hello\"");
        }
    }

    @Test
    @Points(2)
    @DisplayName("a request sent one byte at a time is parsed as one")
    void oneByteAtATime() {
        try (RunningServer server = startServer(); RawConnection client = server.connect()) {
            client.sendInPieces(Bytes.ascii("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n"), 1, Duration.ofMillis(2));
            assertThatResponse(client.readResponse()).hasStatus(200).hasBody("[SERVER] This is the test response.");
        }
    }

    @Test
    @Points(2)
    @DisplayName("bytes after the request (a pipelined request) do not corrupt or reset the response")
    void bytesAfterTheRequest() {
        try (RunningServer server = startServer(); RawConnection client = server.connect()) {
            client.send(post("application/json", "{\"a\":1}") + "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
            RawResponse response = client.readResponse();
            assertThatResponse(response).hasStatus(200).hasBody("{\"received\":1,\"fields\":[{\"name\":\"a\",\"value\":1}]}")
                    .hasHeader("Connection", "close");
            assertThat(client.awaitClose(DEADLINE))
                    .as("closing with the client's bytes unread makes the kernel send a reset; read them first (lingering close)%n%s", client.transcript())
                    .isEqualTo(RawConnection.Closed.BY_SERVER_EOF);
        }
    }

    @Test
    @Points(1)
    @DisplayName("Expect: 100-continue gets an interim 100 Continue before the body is sent")
    void expectContinue() {
        try (RunningServer server = startServer(); RawConnection client = server.connect()) {
            client.send("POST /api HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 7\r\nExpect: 100-continue\r\n\r\n");
            assertThatResponse(client.readResponse()).hasStatusLine("HTTP/1.1 100 Continue");
            assertThatResponse(client.send("{\"a\":1}").readResponse()).hasStatus(200);
        }
    }

    // ---- malformed requests over the wire --------------------------------------------------

    static Stream<Arguments> malformedRequests() {
        return Stream.of(
                Arguments.of("RFC 9112 §2.3: HTTP/2.0 on an HTTP/1 connection", 505, "GET / HTTP/2.0\r\nHost: a\r\n\r\n"),
                Arguments.of("RFC 9112 §3: garbage instead of a request line", 400, "HELLO\r\n\r\n"),
                Arguments.of("RFC 9112 §2.2: lines ending in a bare LF", 400, "GET / HTTP/1.1\nHost: a\n\n"),
                Arguments.of("RFC 9112 §3.2: HTTP/1.1 without Host", 400, "GET / HTTP/1.1\r\n\r\n"),
                Arguments.of("RFC 9112 §5.1: whitespace before the colon", 400, "GET / HTTP/1.1\r\nHost : a\r\n\r\n"),
                Arguments.of("RFC 9112 §5.2: obs-fold", 400, "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n\tc\r\n\r\n"),
                Arguments.of("RFC 9110 §5.5: NUL in a value", 400, "GET / HTTP/1.1\r\nHost: a\u0000\r\n\r\n"),
                Arguments.of("RFC 9110 §8.6: Content-Length with a sign", 400, "POST /api HTTP/1.1\r\nHost: a\r\nContent-Length: +1\r\n\r\nx"),
                Arguments.of("RFC 9112 §6.3: Content-Lengths that disagree", 400, "POST /api HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxy"),
                Arguments.of("RFC 9112 §6.1: Content-Length with Transfer-Encoding", 400, "POST /api HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("RFC 9112 §6.1: Transfer-Encoding (not in step 3)", 501, "POST /api HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("RFC 9110 §15.5.14: a body over 1 MiB (refused before it is sent)", 413, "POST /api HTTP/1.1\r\nHost: a\r\nContent-Type: application/json\r\nContent-Length: 2000000\r\n\r\n"),
                Arguments.of("RFC 9112 §3: a request line over 8 KiB", 414, "GET /" + "a".repeat(9000) + " HTTP/1.1\r\nHost: a\r\n\r\n"),
                Arguments.of("RFC 6585 §5: more than 100 header fields", 431, "GET / HTTP/1.1\r\nHost: a\r\n" + "X-A: b\r\n".repeat(101) + "\r\n"),
                Arguments.of("RFC 6585 §5: a header section over 32 KiB", 431, "GET / HTTP/1.1\r\nHost: a\r\nX-Big: " + "b".repeat(40_000) + "\r\n\r\n"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("malformedRequests")
    @Points(1)
    @DisplayName("a malformed or oversized request gets its status, a one-line reason, Connection: close, and the server keeps serving")
    void malformed(String name, int status, String request) {
        try (RunningServer server = startServer()) {
            RawResponse response = exchange(server, request);
            assertThatResponse(response).hasStatus(status).hasHeader("Content-Length");
            assertThat(response.bodyText()).as("%s: a short reason for the client, no stack trace%n%s", name, response.transcript())
                    .startsWith(status + " ").doesNotContain("Exception").doesNotContain("\tat ");
            assertThatResponse(exchange(server, "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n")).hasStatus(200);
        }
    }

    // ---- bounded time and connections ----------------------------------------------------

    @Test
    @Points(1)
    @DisplayName("a client that stops in the middle of a request gets 408 after the read timeout")
    void readTimeout() {
        BlockingServer.Settings settings = new BlockingServer.Settings(0, 50, ParserLimits.DEFAULTS, Duration.ofSeconds(1), 100);
        try (RunningServer server = startServer(settings, Routes.step3()); RawConnection client = server.connect()) {
            RawResponse response = client.send("GET / HTTP/1.1\r\nHost: loc").readResponse();
            assertThatResponse(response).hasStatus(408).hasHeader("Connection", "close");
        }
    }

    @Test
    @Points(1)
    @DisplayName("a client that half-closes in the middle of a request gets 400")
    void halfCloseMidRequest() {
        try (RunningServer server = startServer(); RawConnection client = server.connect()) {
            client.send("POST /api HTTP/1.1\r\nHost: localhost\r\nContent-Length: 10\r\n\r\nabc").shutdownOutput();
            assertThatResponse(client.readResponse()).hasStatus(400).hasBodyContaining("before the request was complete");
        }
    }

    @Test
    @Points(1)
    @DisplayName("over the connection limit, a new client gets 503 at once")
    void connectionLimit() {
        BlockingServer.Settings settings = new BlockingServer.Settings(0, 50, ParserLimits.DEFAULTS, Duration.ofSeconds(30), 1);
        try (RunningServer server = startServer(settings, Routes.step3()); RawConnection first = server.connect()) {
            first.send("GET / HT"); // holds the only slot, mid-request
            try (RawConnection second = server.connect()) {
                assertThatResponse(second.readResponse()).hasStatus(503);
            }
            assertThatResponse(first.send("TP/1.1\r\nHost: localhost\r\n\r\n").readResponse()).hasStatus(200);
        }
    }
}
