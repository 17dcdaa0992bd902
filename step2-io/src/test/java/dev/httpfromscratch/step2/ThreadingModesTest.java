package dev.httpfromscratch.step2;

import static dev.httpfromscratch.step2.Step2Fixture.DEADLINE;
import static dev.httpfromscratch.step2.Step2Fixture.HALF_A_REQUEST;
import static dev.httpfromscratch.step2.Step2Fixture.awaitAccepted;
import static dev.httpfromscratch.step2.Step2Fixture.lineIndex;
import static dev.httpfromscratch.step2.Step2Fixture.request;
import static dev.httpfromscratch.step2.Step2Fixture.responseOrExplain;
import static dev.httpfromscratch.testkit.ResponseAssert.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.common.ServerMain;
import dev.httpfromscratch.testkit.Points;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RawResponse;
import dev.httpfromscratch.testkit.RunningServer;
import dev.httpfromscratch.testkit.Stage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Checkpoint 2, the cost of blocking I/O (docs/02-io.md, "Single thread vs thread per connection"):
 * one slow client stops a single-threaded server, and does not stop a server with a thread per
 * connection. Asserted by the order in which things complete, never by how long they take.
 */
@DisplayName("Step 2: one slow client, one thread or many")
@Stage(value = 4, title = Step2Fixture.STAGE_4, section = Step2Fixture.STAGE_4_SECTION)
class ThreadingModesTest {

    /**
     * A slow client sends half a request and stops; a fast client sends a whole one. With a
     * thread per connection the fast one is answered while the slow one is still incomplete.
     */
    private static void fastClientOvertakesSlowOne(ThreadingMode mode) {
        try (RunningServer server = Step2Fixture.start(mode);
             RawConnection slow = server.connect()) {
            slow.send(HALF_A_REQUEST); // no \r\n\r\n yet: whoever reads it now waits in read()
            awaitAccepted(server, slow);
            int fastPort;
            try (RawConnection fast = server.connect()) {
                fastPort = fast.localPort();
                fast.send(request("/fast"));
                RawResponse fastResponse = responseOrExplain(server, fast,
                        "A slow client (port " + slow.localPort() + ") has sent half a request and waits. With --threads "
                                + mode.flagValue() + " only its own thread is stuck in read(); the accept thread should have "
                                + "handed this second client to a new thread. Does dispatch() call serve() on the accept thread?");
                assertThatResponse(fastResponse).hasStatus(200);
            }
            // Only now does the slow client end its header section.
            slow.send("\r\n");
            assertThatResponse(responseOrExplain(server, slow, "The slow client finished its request and should be answered."))
                    .hasStatus(200);
            List<String> lines = server.console().awaitLines("response sent to", 2, DEADLINE);
            assertThat(lines.size()).as("two 'response sent to' lines. The server printed:%n%s", server.console().describe()).isEqualTo(2);
            assertThat(lines.get(0)).as("the fast client (port %d) completes first", fastPort).contains(":" + fastPort);
            assertThat(lines.get(1)).as("the slow client (port %d) completes second", slow.localPort()).contains(":" + slow.localPort());
        }
    }

    @Test
    @Points(3)
    @DisplayName("--threads per-connection: a slow client does not delay a second one")
    void perConnectionSlowClientDoesNotDelayOthers() {
        fastClientOvertakesSlowOne(ThreadingMode.PER_CONNECTION);
    }

    @Test
    @DisplayName("--threads virtual: the same, with a virtual thread per connection (preview of step 4)")
    void virtualThreadsSlowClientDoesNotDelayOthers() {
        fastClientOvertakesSlowOne(ThreadingMode.VIRTUAL);
    }

    @Test
    @Points(2)
    @DisplayName("--threads single: a client whose request is complete still waits until the slow client before it is done")
    void singleThreadSlowClientDelaysEveryone() throws Exception {
        try (RunningServer server = Step2Fixture.start(ThreadingMode.SINGLE);
             RawConnection slow = server.connect();
             RawConnection fast = server.connect();
             ExecutorService reader = Executors.newSingleThreadExecutor()) {
            slow.send(HALF_A_REQUEST);
            awaitAccepted(server, slow);
            // The fast request is complete and sits in the kernel's receive buffer of a connection
            // that waits in the backlog: nobody calls accept() while the only thread is in read().
            fast.send(request("/fast"));
            Future<RawResponse> fastResponse = reader.submit(() -> fast.readResponse());
            slow.send("\r\n");
            assertThatResponse(responseOrExplain(server, slow, "The slow client finished its request and should be answered."))
                    .hasStatus(200);
            assertThatResponse(fastResponse.get(DEADLINE.toSeconds(), TimeUnit.SECONDS)).hasStatus(200);

            List<String> lines = server.console().lines();
            int slowAnswered = lineIndex(lines, "response sent to", ":" + slow.localPort());
            int fastAccepted = lineIndex(lines, "client connected", ":" + fast.localPort());
            assertThat(slowAnswered).as("a 'response sent to' line for the slow client. The server printed:%n%s", server.console().describe())
                    .isNotNegative();
            assertThat(fastAccepted)
                    .as("in single mode the accept thread serves the slow client itself, so the fast client is accepted only "
                            + "after the slow one was answered. The server printed:%n%s", server.console().describe())
                    .isGreaterThan(slowAnswered);
        }
    }

    @Test
    @DisplayName("--max-connections: with every slot taken by slow clients, the next client waits in the backlog until one ends")
    void maxConnectionsBoundsTheThreads() {
        try (RunningServer server = Step2Fixture.start(ThreadingMode.PER_CONNECTION, Step2Fixture.READ_TIMEOUT_NEVER_REACHED_MILLIS, 2);
             RawConnection slow1 = server.connect();
             RawConnection slow2 = server.connect()) {
            slow1.send(HALF_A_REQUEST);
            slow2.send(HALF_A_REQUEST);
            awaitAccepted(server, slow1);
            awaitAccepted(server, slow2);
            try (RawConnection third = server.connect()) {
                third.send(request("/third"));
                slow1.send("\r\n");
                assertThatResponse(responseOrExplain(server, slow1, "slow1 finished its request")).hasStatus(200);
                assertThatResponse(responseOrExplain(server, third, "a slot is free again: the third client should be served"))
                        .hasStatus(200);
                List<String> lines = server.console().lines();
                assertThat(lineIndex(lines, "client connected", ":" + third.localPort()))
                        .as("the third client is accepted only after slow1 freed its slot. The server printed:%n%s", server.console().describe())
                        .isGreaterThan(lineIndex(lines, "response sent to", ":" + slow1.localPort()));
            }
        }
    }

    @Test
    @DisplayName("an unknown --threads mode is a usage error (exit code 2) that lists the modes")
    void unknownThreadingModeIsAUsageError() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exitCode = ServerMain.start(new String[] {"--port", "0", "--threads", "many"}, Main.commandLine(), Main::create,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), new CountDownLatch(1));
        assertThat(exitCode).isEqualTo(ServerMain.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("single, per-connection, virtual");
    }
}
