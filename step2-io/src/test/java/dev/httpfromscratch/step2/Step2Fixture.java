package dev.httpfromscratch.step2;

import dev.httpfromscratch.testkit.Bytes;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RawResponse;
import dev.httpfromscratch.testkit.RunningServer;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.opentest4j.AssertionFailedError;

/** What every step-2 test shares: how to start the server, the requests, the expected response. */
final class Step2Fixture {
    /** Stops a hang; never a speed check. */
    static final Duration DEADLINE = Duration.ofSeconds(10);

    static final String STAGE_1 = "read a request and answer it";
    static final String STAGE_1_SECTION = "docs/02-io.md#stage-1-read-a-request-and-answer-it";
    static final String STAGE_2 = "keep reading until the blank line";
    static final String STAGE_2_SECTION = "docs/02-io.md#stage-2-keep-reading-until-the-blank-line";
    static final String STAGE_3 = "drop clients that misbehave";
    static final String STAGE_3_SECTION = "docs/02-io.md#stage-3-drop-clients-that-misbehave";
    static final String STAGE_4 = "a thread per connection";
    static final String STAGE_4_SECTION = "docs/02-io.md#stage-4-a-thread-per-connection";
    /** A read timeout no well-behaved test ever reaches: tests that want a timeout choose their own. */
    static final int READ_TIMEOUT_NEVER_REACHED_MILLIS = 60_000;

    /** The one response of this step, byte for byte (docs/02-io.md, "Stage 1: read a request and answer it"). */
    static final String EXPECTED_BODY = "Hello from step 2: bytes in \u2192 bytes out\n";
    static final byte[] EXPECTED_RESPONSE = concat(Bytes.ascii(
            "HTTP/1.1 200 OK\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: 42\r\n"
            + "Connection: close\r\n"
            + "\r\n"), EXPECTED_BODY.getBytes(StandardCharsets.UTF_8));

    private Step2Fixture() {}

    static RunningServer start(ThreadingMode mode) {
        return start(mode, READ_TIMEOUT_NEVER_REACHED_MILLIS, 100);
    }

    static RunningServer start(ThreadingMode mode, int readTimeoutMillis, int maxConnections) {
        return RunningServer.start(console -> new BlockingServer(0, 50, mode, maxConnections, readTimeoutMillis, console));
    }

    /** A small, complete GET request. */
    static byte[] request(String path) {
        return Bytes.ascii("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nUser-Agent: step2-test\r\nAccept: */*\r\n\r\n");
    }

    /** The start of a request whose header section has not ended yet: a server reading it must wait. */
    static final String HALF_A_REQUEST = "GET /slow HTTP/1.1\r\nHost: localhost\r\n";

    /** Waits until the server printed "client connected" for this client: it was accepted. */
    static void awaitAccepted(RunningServer server, RawConnection client) {
        String suffix = ":" + client.localPort();
        List<String> lines = server.console().awaitLines(line -> line.contains("client connected") && line.endsWith(suffix), 1, DEADLINE);
        if (lines.isEmpty()) {
            throw new AssertionFailedError("The server never printed 'client connected: ..." + suffix
                    + "' for the client on port " + client.localPort() + ". The server printed:\n" + server.console().describe());
        }
    }

    /** Sends {@code bytes}, failing with a hint if the server closed the connection part-way. */
    static void sendOrExplain(RunningServer server, RawConnection client, Runnable sending) {
        try {
            sending.run();
        } catch (UncheckedIOException closedUnderUs) {
            throw new AssertionFailedError("The server closed the connection before the test had sent the whole request ("
                    + closedUnderUs.getCause().getMessage() + "). Did it answer after the first read() instead of reading "
                    + "until the bytes read so far contain \\r\\n\\r\\n?\nThe server printed:\n" + server.console().describe()
                    + "\n" + client.transcript(), closedUnderUs);
        }
    }

    /** Reads the next response; if none comes, fails with {@code hint} and what the server printed. */
    static RawResponse responseOrExplain(RunningServer server, RawConnection client, String hint) {
        try {
            return client.readResponse(DEADLINE, false);
        } catch (AssertionFailedError noResponse) {
            String received = new String(client.receivedBytes(), StandardCharsets.ISO_8859_1);
            if (received.contains("\n") && !received.contains("\r\n")) {
                hint = "The response's lines end in \\n alone. Every line of an HTTP response, and the empty line after its "
                        + "header fields, ends in \\r\\n (CR LF, RFC 9112 section 2.1); a client looks for \\r\\n\\r\\n.";
            }
            throw new AssertionFailedError(hint + "\n" + noResponse.getMessage() + "\nThe server printed:\n"
                    + server.console().describe(), noResponse);
        }
    }

    /** Exactly one response, then the server closes: nothing more comes after it. */
    static RawResponse exactlyOneResponse(RunningServer server, RawConnection client, String hint) {
        RawResponse response = responseOrExplain(server, client, hint);
        RawConnection.Closed closed = client.awaitClose(DEADLINE);
        if (closed == RawConnection.Closed.STILL_OPEN) {
            throw new AssertionFailedError("After the response the server kept the connection open; it should close it "
                    + "(the response says Connection: close).\n" + client.transcript());
        }
        byte[] extra = client.unreadBytes();
        if (extra.length != 0 && response.header("Content-Length").isPresent()) {
            throw new AssertionFailedError("The response says Content-Length: " + response.header("Content-Length").get() + ", but "
                    + extra.length + " more byte(s) came after that many body bytes before the server closed the connection. "
                    + "Content-Length counts the body's bytes in UTF-8 (the arrow \u2192 is 3 bytes), not the characters of "
                    + "the Java string.\n" + client.transcript());
        }
        if (extra.length != 0) {
            throw new AssertionFailedError("The server sent more bytes after the first response; one request gets exactly one response.\n"
                    + client.transcript());
        }
        return response;
    }

    /** The index of the first console line that contains every fragment, or -1. */
    static int lineIndex(List<String> lines, String... fragments) {
        outer:
        for (int i = 0; i < lines.size(); i++) {
            for (String fragment : fragments) {
                if (!lines.get(i).contains(fragment)) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] both = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, both, first.length, second.length);
        return both;
    }
}
