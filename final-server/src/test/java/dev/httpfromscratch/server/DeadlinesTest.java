package dev.httpfromscratch.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.testkit.Points;
import dev.httpfromscratch.testkit.Stage;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Each phase's timeout, on a clock the test moves by hand (no waiting): the header and body
 * timeouts are deadlines that trickling bytes do not move, the write timeout is a stall timer
 * that any progress restarts, and a new request restarts its phase.
 */
@Stage(value = 3, title = "the event loop: a read turn, the hand-off, the deadlines and the sweep", section = "docs/05-final-server.md#code-connectiononreadable")
@DisplayName("Final server: deadlines, on a fake clock")
class DeadlinesTest {
    private static final long SECOND = 1_000_000_000L;
    private static final ServerConfig CONFIG = TestServers.config().withHeaderTimeout(Duration.ofSeconds(10))
            .withBodyTimeout(Duration.ofSeconds(30)).withIdleTimeout(Duration.ofSeconds(60)).withWriteTimeout(Duration.ofSeconds(30));
    private static final long T0 = 1_000 * SECOND; // any value: nanoTime's origin is arbitrary

    @Test
    @DisplayName("a new connection is idle and runs out after the idle timeout")
    void idleAtFirst() {
        Deadlines deadlines = new Deadlines(CONFIG, T0);
        assertThat(deadlines.phase()).isEqualTo(Phase.IDLE);
        assertThat(deadlines.expired(T0 + 60 * SECOND - 1)).as("idle, 1 ns before 60 s").isFalse();
        assertThat(deadlines.expired(T0 + 60 * SECOND)).as("idle, at 60 s").isTrue();
    }

    @Test
    @Points(2)
    @DisplayName("the header timeout is a deadline: bytes trickling in (the same phase, again and again) do not move it")
    void headerDeadlineIsNotASilenceTimer() {
        Deadlines deadlines = new Deadlines(CONFIG, T0);
        deadlines.enter(Phase.HEADER, 0, T0);
        for (int second = 1; second < 10; second++) {
            deadlines.enter(Phase.HEADER, 0, T0 + second * SECOND); // one more byte of the head each second
        }
        assertThat(deadlines.deadline()).as("the header deadline after 9 s of trickling").isEqualTo(T0 + 10 * SECOND);
        assertThat(deadlines.expired(T0 + 10 * SECOND)).isTrue();
    }

    @Test
    @Points(2)
    @DisplayName("each phase has its own timeout, and a new request in the same phase starts it again")
    void phasesAndNewRequests() {
        Deadlines deadlines = new Deadlines(CONFIG, T0);
        deadlines.enter(Phase.BODY, 0, T0);
        assertThat(deadlines.deadline()).as("body deadline").isEqualTo(T0 + 30 * SECOND);
        deadlines.enter(Phase.IDLE, 1, T0 + SECOND);
        assertThat(deadlines.deadline()).as("idle after the first request").isEqualTo(T0 + 61 * SECOND);
        deadlines.enter(Phase.IDLE, 2, T0 + 5 * SECOND);
        assertThat(deadlines.deadline()).as("idle after a second request answered in the same phase").isEqualTo(T0 + 65 * SECOND);
    }

    @Test
    @Points(1)
    @DisplayName("the write timeout is a stall timer: progress restarts it, no progress lets it run out")
    void writeStallTimer() {
        Deadlines deadlines = new Deadlines(CONFIG, T0);
        deadlines.enter(Phase.WRITE, 1, T0);
        for (int second = 20; second <= 200; second += 20) {
            deadlines.progressed(T0 + second * SECOND); // a slow reader: some bytes every 20 s
            deadlines.enter(Phase.WRITE, 1, T0 + second * SECOND);
            assertThat(deadlines.expired(T0 + (second + 29) * SECOND)).as("29 s after progress at %d s", second).isFalse();
        }
        assertThat(deadlines.expired(T0 + 230 * SECOND)).as("30 s without progress").isTrue();
    }

    @Test
    @Points(1)
    @DisplayName("progress outside the write phase moves nothing; a lingering close lasts 2 s at most")
    void progressElsewhereAndLinger() {
        Deadlines deadlines = new Deadlines(CONFIG, T0);
        deadlines.enter(Phase.HEADER, 0, T0);
        deadlines.progressed(T0 + 5 * SECOND);
        assertThat(deadlines.deadline()).as("header deadline after a write progressed").isEqualTo(T0 + 10 * SECOND);
        deadlines.linger(T0 + 6 * SECOND);
        assertThat(deadlines.deadline()).as("linger deadline").isEqualTo(T0 + 6 * SECOND + Deadlines.LINGER_NANOS);
    }
}
