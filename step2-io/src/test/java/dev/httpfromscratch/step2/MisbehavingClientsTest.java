package dev.httpfromscratch.step2;

import static dev.httpfromscratch.step2.Step2Fixture.DEADLINE;
import static dev.httpfromscratch.step2.Step2Fixture.HALF_A_REQUEST;
import static dev.httpfromscratch.step2.Step2Fixture.awaitAccepted;
import static dev.httpfromscratch.step2.Step2Fixture.exactlyOneResponse;
import static dev.httpfromscratch.step2.Step2Fixture.request;
import static dev.httpfromscratch.testkit.ResponseAssert.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.testkit.Points;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RunningServer;
import dev.httpfromscratch.testkit.Stage;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Checkpoint 2, surviving (docs/02-io.md, "Stage 3: drop clients that misbehave"): clients that close early,
 * reset, or say nothing never take the server down, and the next client is served.
 *
 * <p>Every test runs the single-threaded server, the hardest case: there, an exception that
 * escapes, or a read() that never returns, stops the only thread that serves anybody.
 */
@DisplayName("Step 2: clients that misbehave")
@Stage(value = 3, title = Step2Fixture.STAGE_3, section = Step2Fixture.STAGE_3_SECTION)
class MisbehavingClientsTest {
    private static final String NEXT_HINT = "After a misbehaving client, the server (single thread) should serve the next one. "
            + "Catch the misbehaving client's exception inside handle(), print one line, and return.";

    private static void assertNextClientIsServed(RunningServer server) {
        try (RawConnection next = server.connect()) {
            next.send(request("/next"));
            assertThatResponse(exactlyOneResponse(server, next, NEXT_HINT)).hasStatus(200);
        }
    }

    private static void assertDroppedLine(RunningServer server, RawConnection client, String why) {
        String port = ":" + client.localPort();
        List<String> lines = server.console().awaitLines(line -> line.startsWith("dropped") && line.contains(port), 1, DEADLINE);
        assertThat(lines.size())
                .as("one line 'dropped /127.0.0.1%s: ...' saying why (%s). The server printed:%n%s", port, why, server.console().describe()).isEqualTo(1);
    }

    @Test
    @Points(2)
    @DisplayName("a client that connects and closes without sending a byte (read() returns -1) is dropped; the next is served")
    void closesBeforeSendingAnything() {
        try (RunningServer server = Step2Fixture.start(ThreadingMode.SINGLE)) {
            RawConnection quitter = server.connect();
            awaitAccepted(server, quitter);
            quitter.close(); // FIN: the server's read() returns -1 (end of stream)
            assertDroppedLine(server, quitter, "end of stream after 0 bytes");
            assertNextClientIsServed(server);
        }
    }

    @Test
    @Points(2)
    @DisplayName("a client that closes in the middle of its header section gets no response; the next is served")
    void closesInTheMiddleOfTheRequest() {
        try (RunningServer server = Step2Fixture.start(ThreadingMode.SINGLE);
             RawConnection quitter = server.connect()) {
            quitter.send(HALF_A_REQUEST).shutdownOutput(); // FIN after half a request; we can still read
            assertThat(quitter.awaitClose(DEADLINE))
                    .as("the server should close a connection whose request ended before \\r\\n\\r\\n. %s", quitter.transcript())
                    .isEqualTo(RawConnection.Closed.BY_SERVER_EOF);
            assertThat(quitter.receivedBytes().length)
                    .as("a request that never ended must not be answered: the server should drop the client without a "
                            + "response. %s", quitter.transcript())
                    .isZero();
            assertDroppedLine(server, quitter, "end of stream before \\r\\n\\r\\n");
            assertNextClientIsServed(server);
        }
    }

    @Test
    @Points(2)
    @DisplayName("a client that resets (RST) in the middle of its request is dropped; the next is served")
    void resetsInTheMiddleOfTheRequest() {
        try (RunningServer server = Step2Fixture.start(ThreadingMode.SINGLE)) {
            RawConnection resetter = server.connect();
            resetter.send(HALF_A_REQUEST);
            awaitAccepted(server, resetter);
            resetter.reset(); // SO_LINGER 0 + close: the server's read() fails with ECONNRESET
            assertDroppedLine(server, resetter, "Connection reset");
            assertNextClientIsServed(server);
        }
    }

    @Test
    @Points(1)
    @DisplayName("clients that reset right after sending a whole request (the response hits a dead socket) are survived")
    void resetsBeforeReadingTheResponse() {
        try (RunningServer server = Step2Fixture.start(ThreadingMode.SINGLE)) {
            for (int i = 0; i < 10; i++) {
                RawConnection resetter = server.connect();
                resetter.send(request("/gone"));
                resetter.reset(); // the server's write() may now fail with EPIPE or ECONNRESET, or land in a dead buffer
            }
            assertNextClientIsServed(server);
        }
    }

    @Test
    @Points(3)
    @DisplayName("a silent client is dropped after the read timeout (SO_TIMEOUT), and the next client is served")
    void silentClientIsDroppedAfterTheReadTimeout() {
        int readTimeoutMillis = 300;
        try (RunningServer server = Step2Fixture.start(ThreadingMode.SINGLE, readTimeoutMillis, 100);
             RawConnection silent = server.connect()) {
            awaitAccepted(server, silent); // the only thread is now in read() on a client that sends nothing
            try (RawConnection next = server.connect()) {
                next.send(request("/after-silence"));
                assertThatResponse(exactlyOneResponse(server, next,
                        "A client that never sends a byte holds the only thread in read(). With setSoTimeout(" + readTimeoutMillis
                                + ") that read() throws SocketTimeoutException and the next client is served; without it, never."))
                        .hasStatus(200);
            }
            assertThat(silent.awaitClose(DEADLINE))
                    .as("the server should close the silent client's connection after the read timeout")
                    .isEqualTo(RawConnection.Closed.BY_SERVER_EOF);
            assertDroppedLine(server, silent, "read timeout");
        }
    }
}
