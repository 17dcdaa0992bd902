package dev.httpfromscratch.server;

import static dev.httpfromscratch.testkit.ResponseAssert.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.step3.ParserLimits;
import dev.httpfromscratch.testkit.ConnectionGroup;
import dev.httpfromscratch.testkit.Points;
import dev.httpfromscratch.testkit.Stage;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RawResponse;
import dev.httpfromscratch.testkit.RunningServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Every limit and timeout of ServerConfig, each with a tiny value set for the test (200 ms, a few
 * bytes), so the tests assert what happened (a 408, a 431, a close) and never how long it took.
 */
@Stage(value = 4, title = "the whole server, over real sockets", section = "docs/05-final-server.md#what-the-grader-checks")
@DisplayName("Final server: limits and timeouts")
class LimitsAndTimeoutsTest {
    private static final Duration DEADLINE = RawConnection.DEFAULT_DEADLINE;
    private static final Duration SHORT = Duration.ofMillis(200);
    private static final String GET_ROOT = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";

    @Test
    @Points(3)
    @DisplayName("header deadline: a client trickling its header one byte at a time is cut off with 408 (the deadline is not a silence timer)")
    void tricklingHeaderIsCutOff() throws Exception {
        try (RunningServer server = TestServers.start(config -> config.withHeaderTimeout(SHORT));
             Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            socket.setSoTimeout(20); // each pause between bytes doubles as a quick look for an answer
            out.write("GET / HTTP/1.1\r\nHost: localhost\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            StringBuilder answer = new StringBuilder();
            long giveUp = System.nanoTime() + DEADLINE.toNanos();
            int sent = 0;
            boolean ended = false;
            while (!ended && System.nanoTime() < giveUp) {
                try {
                    out.write('a'); // one byte, far more often than every 200 ms: a silence timer would never fire
                    sent++;
                } catch (IOException closedByServer) {
                    break;
                }
                try {
                    int b;
                    while ((b = in.read()) >= 0) {
                        answer.append((char) b);
                    }
                    ended = true; // EOF: the server closed after answering
                } catch (SocketTimeoutException nothingYet) {
                    // keep trickling
                } catch (IOException reset) {
                    ended = true;
                }
            }
            assertThat(answer.toString())
                    .as("after %d trickled bytes the server should have answered 408 and closed; it sent:%n%s", sent, answer)
                    .startsWith("HTTP/1.1 408 ").contains("Connection: close");
        }
    }

    @Test
    @Points(2)
    @DisplayName("idle timeout: a keep-alive connection with no next request is closed")
    void idleConnectionIsClosed() {
        try (RunningServer server = TestServers.start(config -> config.withIdleTimeout(SHORT));
             RawConnection client = server.connect()) {
            assertThatResponse(client.send(GET_ROOT).readResponse()).hasStatus(200);
            assertThat(client.awaitClose(DEADLINE)).as("an idle keep-alive connection must be closed after the idle timeout.%n%s",
                    client.transcript()).isEqualTo(RawConnection.Closed.BY_SERVER_EOF);
            assertThat(client.unreadBytes()).as("an idle close sends no response").isEmpty();
            try (RawConnection next = server.connect()) {
                // the timeout closed one connection, not the event loop (a sweep that throws kills the loop)
                assertThatResponse(next.send(GET_ROOT).readResponse()).hasStatus(200);
            }
        }
    }

    @Test // not graded: the starter's stubs never run for a client that sends nothing, so this would pass on it
    @DisplayName("a connection that never sends a byte is closed by the idle timeout")
    void silentConnectionIsClosed() {
        try (RunningServer server = TestServers.start(config -> config.withIdleTimeout(SHORT));
             RawConnection client = server.connect()) {
            assertThat(client.awaitClose(DEADLINE)).isEqualTo(RawConnection.Closed.BY_SERVER_EOF);
        }
    }

    @Test
    @Points(2)
    @DisplayName("body deadline: a body that stops arriving gets 408 and a close")
    void stalledBodyGets408() {
        try (RunningServer server = TestServers.start(config -> config.withBodyTimeout(SHORT));
             RawConnection client = server.connect()) {
            client.send("POST /api HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"a\":");
            RawResponse response = client.readResponse();
            assertThatResponse(response).hasStatus(408).hasHeader("Connection", "close");
            assertThat(client.awaitClose(DEADLINE)).isEqualTo(RawConnection.Closed.BY_SERVER_EOF);
        }
    }

    @Test
    @Points(3)
    @DisplayName("max connections: the next connection gets 503 and a close, the open ones keep being served")
    void maxConnections() {
        try (RunningServer server = TestServers.start(config -> config.withMaxConnections(3));
             ConnectionGroup open = ConnectionGroup.open(server.port(), 3)) {
            for (RawConnection client : open.connections()) {
                assertThatResponse(client.send(GET_ROOT).readResponse()).hasStatus(200); // all three are being served
            }
            try (RawConnection fourth = server.connect()) {
                RawResponse refused = fourth.readResponse();
                assertThatResponse(refused).hasStatus(503).hasHeader("Connection", "close").hasHeader("Retry-After", "1");
                assertThat(fourth.awaitClose(DEADLINE)).isEqualTo(RawConnection.Closed.BY_SERVER_EOF);
            }
            for (RawConnection client : open.connections()) {
                assertThatResponse(client.send(GET_ROOT).readResponse()).as("the open connections go on").hasStatus(200);
            }
            open.get(0).close();
            RawConnection later = null;
            // The slot frees when the server's loop has seen the close: retry until it has (a deadline only stops a hang).
            long giveUp = System.nanoTime() + DEADLINE.toNanos();
            RawResponse response;
            do {
                if (later != null) {
                    later.close();
                }
                later = server.connect();
                response = later.send(GET_ROOT).readResponse();
            } while (response.status() == 503 && System.nanoTime() < giveUp);
            later.close();
            assertThatResponse(response).as("once a connection closed, a new one is served").hasStatus(200);
        }
    }

    @Test
    @Points(2)
    @DisplayName("sizes as in step 3: a long request line gets 414, a big header section 431, a big body 413")
    void sizeLimits() {
        ParserLimits small = new ParserLimits(64, 256, 10, 16);
        try (RunningServer server = TestServers.start(config -> config.withParserLimits(small))) {
            try (RawConnection client = server.connect()) {
                assertThatResponse(client.send("GET /" + "a".repeat(100) + " HTTP/1.1\r\nHost: x\r\n\r\n").readResponse()).hasStatus(414);
            }
            try (RawConnection client = server.connect()) {
                assertThatResponse(client.send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(300) + "\r\n\r\n").readResponse()).hasStatus(431);
            }
            try (RawConnection client = server.connect()) {
                StringBuilder fields = new StringBuilder();
                for (int i = 0; i < 11; i++) {
                    fields.append("X-").append(i).append(": y\r\n");
                }
                assertThatResponse(client.send("GET / HTTP/1.1\r\nHost: x\r\n" + fields + "\r\n").readResponse()).hasStatus(431);
            }
            try (RawConnection client = server.connect()) {
                RawResponse response = client.send("POST /api HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n").readResponse();
                assertThatResponse(response).hasStatus(413).hasHeader("Connection", "close");
            }
        }
    }

    @Test
    @Points(2)
    @DisplayName("garbage gets a short 400 with a reason, never a stack trace, and the server serves the next client")
    void garbage() {
        try (RunningServer server = TestServers.start()) {
            try (RawConnection client = server.connect()) {
                RawResponse response = client.send("\u0000\u0001\u0002 hello\r\n\r\n").readResponse();
                assertThatResponse(response).hasStatus(400).hasHeader("Connection", "close");
                assertThat(response.bodyText()).as("a reason for humans, no Java internals").startsWith("400 Bad Request: ")
                        .doesNotContain("Exception").doesNotContain("\tat ");
            }
            try (RawConnection client = server.connect()) {
                assertThatResponse(client.send(GET_ROOT).readResponse()).hasStatus(200);
            }
        }
    }
}
