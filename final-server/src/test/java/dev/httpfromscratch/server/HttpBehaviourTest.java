package dev.httpfromscratch.server;

import static dev.httpfromscratch.testkit.ResponseAssert.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.step3.Routes;
import dev.httpfromscratch.testkit.Points;
import dev.httpfromscratch.testkit.Stage;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RawResponse;
import dev.httpfromscratch.testkit.RunningServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The final server speaks HTTP/1.1 as real clients use it (docs/05-final-server.md): keep-alive,
 * pipelining, HTTP/1.0, HEAD, Expect: 100-continue, Host checks, and the routes GET /, POST /api,
 * GET /health. Every test talks to a server on an ephemeral port over a real socket.
 */
@Stage(value = 4, title = "the whole server, over real sockets", section = "docs/05-final-server.md#what-the-grader-checks")
@DisplayName("Final server: HTTP/1.1 as clients use it")
class HttpBehaviourTest {
    private static final Duration DEADLINE = RawConnection.DEFAULT_DEADLINE;
    private static final String GET_ROOT = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
    private static final Pattern IMF_FIXDATE = Pattern.compile("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");

    @Test
    @Points(2)
    @DisplayName("GET / answers CerberusHTTP's fixed 200 with a correct Content-Length and a current Date")
    void getRoot() {
        try (RunningServer server = TestServers.start(); RawConnection client = server.connect()) {
            RawResponse response = client.send(GET_ROOT).readResponse();
            assertThatResponse(response).hasStatusLine("HTTP/1.1 200 OK").hasHeader("Content-Length", "35")
                    .hasHeader("Connection", "keep-alive").hasBody(Routes.ROOT_BODY);
            assertThat(response.header("Date").orElse(""))
                    .as("the Date field must be an IMF-fixdate (RFC 9110 §5.6.7).%n%s", response.transcript())
                    .matches(IMF_FIXDATE);
        }
    }

    @Test
    @DisplayName("the Date of the pre-encoded answers follows the clock: two answers 1.5 s apart on one connection differ, each within 2 s of now")
    void dateFollowsTheClock() throws InterruptedException {
        try (RunningServer server = TestServers.start(); RawConnection client = server.connect()) {
            RawResponse first = client.send(GET_ROOT).readResponse();
            Thread.sleep(1_500);
            RawResponse second = client.send(GET_ROOT).readResponse();
            java.time.Instant firstDate = date(first);
            java.time.Instant secondDate = date(second);
            assertThat(secondDate).as("the Date of an answer 1.5 s after another one on the same connection: the loop"
                    + " reformats it when the second it shows has ended (EventLoop.refreshDate).%n%s", client.transcript())
                    .isAfter(firstDate);
            assertThat(Duration.between(secondDate, java.time.Instant.now()).abs())
                    .as("how far the second answer's Date is from this machine's clock.%n%s", client.transcript())
                    .isLessThan(Duration.ofSeconds(2));
        }
    }

    private static java.time.Instant date(RawResponse response) {
        String value = response.header("Date").orElseThrow(() -> new AssertionError("no Date field.%n" + response.transcript()));
        return java.time.ZonedDateTime.parse(value, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
    }

    @Test
    @Points(2)
    @DisplayName("keep-alive: three requests, one after another, on one connection")
    void keepAlive() {
        try (RunningServer server = TestServers.start(); RawConnection client = server.connect()) {
            for (int i = 0; i < 3; i++) {
                assertThatResponse(client.send(GET_ROOT).readResponse()).hasStatus(200).hasBody(Routes.ROOT_BODY);
            }
            assertThat(client.awaitClose(Duration.ofMillis(200)))
                    .as("an HTTP/1.1 connection stays open after a response without Connection: close.%n%s", client.transcript())
                    .isEqualTo(RawConnection.Closed.STILL_OPEN);
        }
    }

    @Test
    @Points(3)
    @DisplayName("pipelining: five requests in one write get five responses, in order")
    void pipelining() {
        String requests = GET_ROOT + "GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n"
                + "POST /api HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{\"n\":\"x\"}"
                + "GET /nowhere HTTP/1.1\r\nHost: localhost\r\n\r\n" + "HEAD / HTTP/1.1\r\nHost: localhost\r\n\r\n";
        try (RunningServer server = TestServers.start(); RawConnection client = server.connect()) {
            client.send(requests);
            assertThatResponse(client.readResponse()).hasStatus(200).hasBody(Routes.ROOT_BODY);
            assertThatResponse(client.readResponse()).hasStatus(200).hasBody(FinalRoutes.HEALTH_BODY);
            assertThatResponse(client.readResponse()).hasStatus(200).hasBodyContaining("\"name\":\"n\"");
            assertThatResponse(client.readResponse()).hasStatus(404);
            assertThatResponse(client.readHeadResponse()).hasStatus(200).hasHeader("Content-Length", "35");
            assertThat(client.unreadBytes()).as("HEAD has no body: nothing may follow its head.%n%s", client.transcript()).isEmpty();
        }
    }

    @Test
    @Points(2)
    @DisplayName("a request that arrives one byte per packet is answered like a whole one")
    void oneBytePerPacket() {
        byte[] request = GET_ROOT.getBytes(StandardCharsets.US_ASCII);
        try (RunningServer server = TestServers.start(); RawConnection client = server.connect()) {
            client.sendInPieces(request, 1, Duration.ofMillis(1));
            assertThatResponse(client.readResponse()).hasStatus(200).hasBody(Routes.ROOT_BODY);
        }
    }

    @Test
    @Points(2)
    @DisplayName("HTTP/1.0: answered and closed, unless it asked for keep-alive")
    void http10() {
        try (RunningServer server = TestServers.start()) {
            try (RawConnection client = server.connect()) {
                RawResponse response = client.send("GET / HTTP/1.0\r\n\r\n").readResponse();
                assertThatResponse(response).hasStatus(200).hasHeader("Connection", "close").hasBody(Routes.ROOT_BODY);
                assertThat(client.awaitClose(DEADLINE)).as("HTTP/1.0 without keep-alive: the server closes.%n%s", client.transcript())
                        .isEqualTo(RawConnection.Closed.BY_SERVER_EOF);
            }
            try (RawConnection client = server.connect()) {
                client.send("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
                assertThatResponse(client.readResponse()).hasStatus(200).hasHeader("Connection", "keep-alive");
                assertThatResponse(client.send("GET /health HTTP/1.0\r\n\r\n").readResponse()).hasStatus(200).hasHeader("Connection", "close");
            }
        }
    }

    @Test
    @Points(2)
    @DisplayName("Connection: close gets its response, then a FIN (not a reset), even with bytes sent after it")
    void connectionClose() {
        try (RunningServer server = TestServers.start(); RawConnection client = server.connect()) {
            client.send("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" + GET_ROOT);
            assertThatResponse(client.readResponse()).hasStatus(200).hasHeader("Connection", "close");
            assertThat(client.awaitClose(DEADLINE)).as("after Connection: close, the server sends FIN and ignores what follows.%n%s",
                    client.transcript()).isEqualTo(RawConnection.Closed.BY_SERVER_EOF);
            assertThat(client.unreadBytes()).as("no second response after Connection: close").isEmpty();
        }
    }

    @Test
    @Points(2)
    @DisplayName("POST /api with JSON answers the fields it received (as step 3)")
    void postJson() {
        String body = "{\"hello\":\"world\"}";
        try (RunningServer server = TestServers.start(); RawConnection client = server.connect()) {
            client.send("POST /api HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: "
                    + body.length() + "\r\n\r\n" + body);
            assertThatResponse(client.readResponse()).hasStatus(200).hasHeader("Content-Type", "application/json")
                    .hasBody("{\"received\":1,\"fields\":[{\"name\":\"hello\",\"value\":\"world\"}]}");
        }
    }

    @Test
    @Points(2)
    @DisplayName("Expect: 100-continue gets '100 Continue' before the body is sent, then the final response")
    void expectContinue() {
        String body = "{\"a\":\"b\"}";
        try (RunningServer server = TestServers.start(); RawConnection client = server.connect()) {
            client.send("POST /api HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: "
                    + body.length() + "\r\n\r\n");
            assertThatResponse(client.readResponse()).hasStatusLine("HTTP/1.1 100 Continue");
            client.send(body);
            assertThatResponse(client.readResponse()).hasStatus(200).hasBodyContaining("\"name\":\"a\"");
        }
    }

    @Test
    @Points(2)
    @DisplayName("Expect: 100-continue to a path nobody serves gets the final 404 instead of 100, then a close")
    void expectContinueRefused() {
        try (RunningServer server = TestServers.start(); RawConnection client = server.connect()) {
            client.send("POST /upload HTTP/1.1\r\nHost: localhost\r\nExpect: 100-continue\r\nContent-Length: 100000\r\n\r\n");
            RawResponse response = client.readResponse();
            assertThatResponse(response).hasStatus(404).hasHeader("Connection", "close");
            assertThat(client.awaitClose(DEADLINE)).isEqualTo(RawConnection.Closed.BY_SERVER_EOF);
        }
    }

    @Test
    @Points(1)
    @DisplayName("an expectation other than 100-continue gets 417")
    void unknownExpectation() {
        try (RunningServer server = TestServers.start(); RawConnection client = server.connect()) {
            client.send("GET / HTTP/1.1\r\nHost: localhost\r\nExpect: teapot\r\n\r\n");
            assertThatResponse(client.readResponse()).hasStatus(417).hasHeader("Connection", "close");
        }
    }

    @Test
    @Points(2)
    @DisplayName("Host is checked: missing in HTTP/1.1, twice, or not a host[:port] gets 400 and a close")
    void hostValidation() {
        String[] bad = {
            "GET / HTTP/1.1\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: evil.com/path\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: user@evil.com\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: a b\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: localhost:80a\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: [::1\r\n\r\n",
        };
        try (RunningServer server = TestServers.start()) {
            for (String request : bad) {
                try (RawConnection client = server.connect()) {
                    assertThatResponse(client.send(request).readResponse()).hasStatus(400).hasHeader("Connection", "close");
                }
            }
            for (String host : new String[] {"localhost", "localhost:8000", "127.0.0.1:8000", "[::1]:8000", "example.com", "xn--bcher-kva.example"}) {
                try (RawConnection client = server.connect()) {
                    assertThatResponse(client.send("GET / HTTP/1.1\r\nHost: " + host + "\r\n\r\n").readResponse()).hasStatus(200);
                }
            }
        }
    }

    @Test
    @Points(1)
    @DisplayName("unknown path: 404; known path, wrong method: 405 with Allow; GET /health: 200 OK")
    void routes() {
        try (RunningServer server = TestServers.start(); RawConnection client = server.connect()) {
            assertThatResponse(client.send("GET /missing HTTP/1.1\r\nHost: x\r\n\r\n").readResponse()).hasStatus(404);
            assertThatResponse(client.send("DELETE /api HTTP/1.1\r\nHost: x\r\n\r\n").readResponse()).hasStatus(405).hasHeader("Allow", "POST");
            assertThatResponse(client.send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n").readResponse()).hasStatus(200).hasBody("OK\n");
        }
    }

    @Test
    @Points(2)
    @DisplayName("300 pipelined GET /metrics sent without reading: all 300 answers arrive, in order (backpressure, not buffering)")
    void manyPipelinedRequestsWithoutReading() throws Exception {
        int count = 300;
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < count; i++) {
            requests.append("GET /metrics?n=").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
        }
        // A plain socket: RawConnection keeps a transcript of every byte, too much for megabytes of answers.
        try (RunningServer server = TestServers.start();
             java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout((int) DEADLINE.toMillis());
            socket.getOutputStream().write(requests.toString().getBytes(StandardCharsets.US_ASCII));
            java.io.DataInputStream in = new java.io.DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
            for (int i = 0; i < count; i++) {
                String statusLine = readLine(in);
                assertThat(statusLine).as("status line of response %d of %d", i + 1, count).isEqualTo("HTTP/1.1 200 OK");
                int length = -1;
                for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                    if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                        length = Integer.parseInt(line.substring(15).strip());
                    }
                }
                assertThat(length).as("response %d has a Content-Length", i + 1).isPositive();
                byte[] body = new byte[length];
                in.readFully(body);
                assertThat(new String(body, StandardCharsets.UTF_8)).as("response %d is a whole exposition", i + 1).contains("http_requests_total");
            }
        }
    }

    private static String readLine(java.io.InputStream in) throws java.io.IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != '\n') {
            if (b < 0) {
                throw new java.io.EOFException("the server closed the connection in the middle of a response, after: " + line);
            }
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
