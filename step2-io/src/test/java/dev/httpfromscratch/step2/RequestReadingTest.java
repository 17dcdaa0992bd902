package dev.httpfromscratch.step2;

import static dev.httpfromscratch.step2.Step2Fixture.DEADLINE;
import static dev.httpfromscratch.step2.Step2Fixture.exactlyOneResponse;
import static dev.httpfromscratch.step2.Step2Fixture.request;
import static dev.httpfromscratch.step2.Step2Fixture.sendOrExplain;
import static dev.httpfromscratch.testkit.ResponseAssert.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.testkit.Bytes;
import dev.httpfromscratch.testkit.Points;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RawResponse;
import dev.httpfromscratch.testkit.RunningServer;
import dev.httpfromscratch.testkit.Stage;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checkpoint 2, reading (docs/02-io.md): TCP is a byte stream, so one request may arrive in many
 * reads, and the end of its header section may be cut in two.
 *
 * <p>By hand: {@code mvn -q -pl step2-io -Drun=step2-io -DskipTests package exec:exec}, then
 * {@code (printf 'GET / HTTP/1.1\r\n'; sleep 1; printf 'Host: x\r\n'; sleep 1; printf '\r\n') | curl -s telnet://localhost:8000}
 * or type the request into {@code telnet localhost 8000} line by line.
 */
@DisplayName("Step 2: reading a request however TCP cuts it")
@Stage(value = 2, title = Step2Fixture.STAGE_2, section = Step2Fixture.STAGE_2_SECTION)
class RequestReadingTest {

    @Test
    @Points(3)
    @DisplayName("a request sent one byte at a time, with pauses, gets exactly one response")
    void oneByteAtATime() {
        byte[] request = request("/one-byte-at-a-time");
        try (RunningServer server = Step2Fixture.start(ThreadingMode.SINGLE);
             RawConnection client = server.connect()) {
            sendOrExplain(server, client, () -> client.sendInPieces(request, 1, Duration.ofMillis(3)));
            RawResponse response = exactlyOneResponse(server, client,
                    "The request came one byte per read(), so its final \\r\\n\\r\\n arrived in four reads. Keep reading until "
                            + "everything read so far contains \\r\\n\\r\\n (search all of it, not only the last piece).");
            assertThatResponse(response).hasStatus(200);
            assertThat(server.console().text())
                    .as("the server should print the whole request it read, not only its first piece. It printed:%n%s",
                            server.console().describe())
                    .contains("GET /one-byte-at-a-time HTTP/1.1\\r\\n")
                    .contains("Accept: */*\\r\\n");
        }
    }

    @ParameterizedTest(name = "first piece ends {0} byte(s) into the final \\r\\n\\r\\n")
    @ValueSource(ints = {1, 2, 3})
    @Points(3)
    @DisplayName("a request whose final \\r\\n\\r\\n is cut in two gets one response, after the last piece")
    void splitInsideTheEndOfTheHeaderSection(int bytesOfTheEndInFirstPiece) {
        byte[] request = request("/split");
        int cutAt = request.length - 4 + bytesOfTheEndInFirstPiece;
        try (RunningServer server = Step2Fixture.start(ThreadingMode.SINGLE);
             RawConnection client = server.connect()) {
            sendOrExplain(server, client, () -> client.sendSplitAt(request, Duration.ofMillis(50), cutAt));
            RawResponse response = exactlyOneResponse(server, client,
                    "The end of the header section arrived in two reads (" + bytesOfTheEndInFirstPiece
                            + " bytes of \\r\\n\\r\\n, then the rest). Search for \\r\\n\\r\\n in everything read so far, "
                            + "not only in the last piece.");
            assertThatResponse(response).hasStatus(200);
            assertThat(server.console().lines().stream().map(String::strip).toList().containsAll(List.of("Accept: */*\\r\\n", "\\r\\n")))
                    .as("the request the server printed should end with its empty line (\\r\\n alone): it must answer only "
                            + "after the last piece, not after the first read. The server printed:%n%s", server.console().describe())
                    .isTrue();
        }
    }

    @Test
    @Points(2)
    @DisplayName("a request larger than the 1024-byte buffer is read to its end and answered once")
    void requestLargerThanTheBuffer() {
        StringBuilder text = new StringBuilder("GET /big HTTP/1.1\r\nHost: localhost\r\n");
        for (int i = 1; i <= 5; i++) {
            text.append("X-Padding-").append(i).append(": ").append(String.valueOf((char) ('a' + i)).repeat(900)).append("\r\n");
        }
        text.append("\r\n");
        byte[] request = Bytes.ascii(text.toString());
        try (RunningServer server = Step2Fixture.start(ThreadingMode.SINGLE);
             RawConnection client = server.connect()) {
            sendOrExplain(server, client, () -> client.send(request));
            RawResponse response = exactlyOneResponse(server, client,
                    "The request is " + request.length + " bytes, more than one read() of 1024 returns. Append every piece "
                            + "and keep reading until \\r\\n\\r\\n.");
            assertThatResponse(response).hasStatus(200);
            assertThat(server.console().text())
                    .as("the whole request (%d bytes) should be printed, down to the last header field. It printed:%n%s",
                            request.length, server.console().describe())
                    .contains("X-Padding-5: " + "f".repeat(900) + "\\r\\n");
        }
    }

    @Test
    @Points(2)
    @Stage(value = 1, title = Step2Fixture.STAGE_1, section = Step2Fixture.STAGE_1_SECTION)
    @DisplayName("the raw request appears on the console with \\r and \\n visible")
    void rawRequestIsPrinted() {
        byte[] request = Bytes.ascii("GET /visible?x=1 HTTP/1.1\r\nHost: localhost\r\nX-Test: a\tb\r\n\r\n");
        try (RunningServer server = Step2Fixture.start(ThreadingMode.SINGLE);
             RawConnection client = server.connect()) {
            client.send(request);
            exactlyOneResponse(server, client, "A complete request in one piece should be answered.");
            List<String> lines = server.console().lines().stream().map(String::strip).toList();
            assertThat(lines.containsAll(List.of("GET /visible?x=1 HTTP/1.1\\r\\n", "Host: localhost\\r\\n", "X-Test: a\\tb\\r\\n", "\\r\\n")))
                    .as("each line of the request should be printed on the server's console (the PrintStream it was given, "
                            + "which the tests capture; not System.out), with its CR LF shown as \\r\\n (VisibleBytes.of). "
                            + "The server printed:%n%s", server.console().describe())
                    .isTrue();
        }
    }

    @Test
    @Points(1)
    @DisplayName("a header section over 16 KiB without an end gets 431, and the server serves the next client")
    void headerSectionTooLarge() {
        byte[] endless = Bytes.ascii("GET / HTTP/1.1\r\nX-Filler: " + "z".repeat(RequestReader.MAX_HEADER_SECTION_BYTES + 1000));
        try (RunningServer server = Step2Fixture.start(ThreadingMode.SINGLE)) {
            try (RawConnection client = server.connect()) {
                sendOrExplain(server, client, () -> client.send(endless));
                RawResponse response = Step2Fixture.responseOrExplain(server, client,
                        "After " + RequestReader.MAX_HEADER_SECTION_BYTES + " bytes without \\r\\n\\r\\n the server should stop reading and answer 431.");
                assertThatResponse(response).hasStatus(431).hasHeader("Connection", "close");
            }
            try (RawConnection next = server.connect()) {
                next.send(request("/after-431"));
                assertThatResponse(exactlyOneResponse(server, next, "The client after a rejected one should be served."))
                        .hasStatus(200);
            }
            assertThat(server.console().awaitLines(line -> line.startsWith("rejected") && line.contains("431"), 1, DEADLINE).size())
                    .as("one line saying the request was rejected with 431. The server printed:%n%s", server.console().describe()).isEqualTo(1);
        }
    }
}
