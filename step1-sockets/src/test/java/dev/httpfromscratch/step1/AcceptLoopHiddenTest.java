package dev.httpfromscratch.step1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.testkit.Hidden;
import dev.httpfromscratch.testkit.Points;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RunningServer;
import dev.httpfromscratch.testkit.Stage;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A check the instructor keeps to the grading run (docs/instructors.md, "Hidden tests"): the
 * starter generator leaves this file out of the student repository, and Gradescope shows its
 * result only once grades are published. It tests what checkpoint 1 asks, with more clients
 * than the visible tests use, so a loop that stops early (after one client, or after ten)
 * loses this point.
 */
@Hidden
@DisplayName("Step 1: the accept loop (instructor's checks)")
class AcceptLoopHiddenTest {

    @Test
    @Points(1)
    @Stage(value = 2, title = AcceptLoopTest.STAGE_2, section = AcceptLoopTest.STAGE_2_SECTION)
    @DisplayName("accepts 100 clients one after another, printing a line for each")
    void acceptsManyClientsInTurn() {
        long end = AcceptLoopTest.deadline();
        try (RunningServer server = RunningServer.start(console -> new AcceptLoop(0, 10, console))) {
            for (int i = 0; i < 100; i++) {
                try (RawConnection client = server.connect()) {
                    AcceptLoopTest.awaitConnectedLine(server, i + 1, client.localPort(), end);
                }
            }
            assertThat(server.console().linesContaining("client connected").size())
                    .as("100 clients connected one after another; the server printed:%n%s", server.console().describe())
                    .isEqualTo(100);
        }
    }
}
