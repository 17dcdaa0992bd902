package dev.httpfromscratch.step1;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.testkit.Hidden;
import dev.httpfromscratch.testkit.Points;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RunningServer;
import java.time.Duration;
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
    private static final Duration DEADLINE = Duration.ofSeconds(15); // stops a hang; never a speed check

    @Test
    @Points(1)
    @DisplayName("accepts 100 clients one after another, printing a line for each")
    void acceptsManyClientsInTurn() {
        try (RunningServer server = RunningServer.start(console -> new AcceptLoop(0, 10, console))) {
            for (int i = 0; i < 100; i++) {
                try (RawConnection client = server.connect()) {
                    server.console().awaitLines("client connected", i + 1, DEADLINE);
                }
            }
            assertThat(server.console().linesContaining("client connected"))
                    .as("100 clients connected one after another; the server printed:%n%s", server.console().describe())
                    .hasSize(100);
        }
    }
}
