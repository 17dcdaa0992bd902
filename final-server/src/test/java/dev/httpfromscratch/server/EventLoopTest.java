package dev.httpfromscratch.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.httpfromscratch.testkit.Points;
import dev.httpfromscratch.testkit.Stage;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * One event loop in memory: the acceptor's hand-off ({@code adopt}) and the deadline sweep, with
 * a selector that records what the loop asks of it, connections that are byte queues, and a clock
 * the test moves. No thread, no socket, no waiting.
 */
@Stage(value = 3, title = "the event loop: a read turn, the hand-off, the deadlines and the sweep", section = "docs/05-final-server.md#code-connectiononreadable")
@DisplayName("Final server: the event loop's hand-off and sweep, in memory")
class EventLoopTest {
    private static final long SECOND = 1_000_000_000L;
    /** Near the top of a long: the 60 s idle deadline of a connection opened at T0 wraps to a negative number, as nanoTime may. */
    private static final long T0 = Long.MAX_VALUE - 30 * SECOND;

    private final LoopUnderTest test = new LoopUnderTest(TestServers.config()
            .withHeaderTimeout(Duration.ofSeconds(10)).withIdleTimeout(Duration.ofSeconds(60)));
    private final EventLoop loop = test.loop;
    private final InMemorySelector selector = test.selector;

    @AfterEach
    void stopLog() {
        test.close();
    }

    @Test
    @Points(1)
    @DisplayName("adopt() queues the connection for the loop's own thread and wakes its selector")
    void adoptQueuesAndWakes() {
        InMemoryChannel channel = test.channel();
        assertThat(loop.adopt(channel)).as("adopt() on a running loop").isTrue();
        assertThat(selector.wakeups()).as("selector.wakeup() calls made by adopt(): without one, the loop only sees the new"
                + " connection when its select() times out (up to a second later)").isGreaterThanOrEqualTo(1);
        assertThat(selector.registered).as("channels registered by adopt() itself: registering is the loop's work, on the loop's"
                + " thread, at its next turn (adopt runs on the acceptor's thread)").isEmpty();

        loop.turnAt(T0);
        assertThat(selector.registered).as("registrations after the loop's next turn").hasSize(1);
        InMemorySelector.Key key = selector.registered.get(0);
        assertThat(key.channel()).as("the channel registered at the loop's turn").isSameAs(channel);
        assertThat(key.interestOps()).as("what the loop waits for on a new connection (OP_READ = 1)").isEqualTo(SelectionKey.OP_READ);
        assertThat(key.connection()).as("the Connection attached to the key").isNotNull();
    }

    @Test
    @Points(1)
    @DisplayName("a loop that is not running refuses: adopt() returns false and leaves the connection to the acceptor")
    void stoppedLoopRefuses() {
        loop.abandon(); // as at the end of run(): running is false
        InMemoryChannel channel = test.channel();
        assertThat(loop.adopt(channel)).as("adopt() on a loop that is not running (the acceptor then answers 503)").isFalse();
        assertThat(channel.isOpen()).as("the refused channel is still open, for the acceptor's 503").isTrue();
    }

    @Test
    @Points(1)
    @DisplayName("the sweep expires exactly the connections whose deadline passed, even when nanoTime values wrap")
    void sweepExpiresOnlyWhatIsDue() {
        InMemoryChannel first = test.open(T0);
        InMemoryChannel second = test.open(T0 + 30 * SECOND);
        String wrapHint = " (deadlines here are past Long.MAX_VALUE and wrap to negative numbers, as System.nanoTime() values may:"
                + " compare with now - deadline >= 0, never now >= deadline)";

        loop.turnAt(T0 + 60 * SECOND - 1);
        assertThat(first.isOpen()).as("a connection idle since T0 (idle timeout 60 s), swept 1 ns before its deadline, is open" + wrapHint)
                .isTrue();
        loop.turnAt(T0 + 60 * SECOND);
        assertThat(first.isOpen()).as("the connection idle since T0, swept at T0 + 60 s: closed").isFalse();
        assertThat(second.isOpen()).as("a connection idle since T0 + 30 s, swept at T0 + 60 s, is open" + wrapHint).isTrue();
        assertThat(test.sample("http_timeouts_total", "phase", "idle")).as("http_timeouts_total{phase=\"idle\"}").isEqualTo(1);
        loop.turnAt(T0 + 90 * SECOND);
        assertThat(second.isOpen()).as("the connection idle since T0 + 30 s, swept at T0 + 90 s: closed").isFalse();
        assertThat(test.sample("http_connections_active")).as("http_connections_active at the end").isEqualTo(0);
    }

    @Test
    @Points(1)
    @DisplayName("every connection due in one sweep is expired (expiring closes it, and closing takes it out of the loop's set)")
    void sweepExpiresManyAtOnce() {
        List<InMemoryChannel> channels = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            channels.add(test.open(T0));
        }
        assertThatCode(() -> loop.turnAt(T0 + 60 * SECOND))
                .as("a sweep with 5 connections due at once: expiring one closes it, which removes it from the set being scanned;"
                        + " gather the expired ones first, then expire them")
                .doesNotThrowAnyException();
        assertThat(channels).as("connections still open after a sweep where all 5 were due").noneMatch(InMemoryChannel::isOpen);
        assertThat(test.sample("http_connections_active")).as("http_connections_active after the sweep").isEqualTo(0);
    }

    @Test
    @Points(1)
    @DisplayName("a failure while expiring one connection closes that one only: the sweep goes on and expires the others")
    void sweepSurvivesAFailure() {
        InMemoryChannel failing = test.open(T0);
        failing.arrive("GET / HTTP/1.1\r\nHo"); // half a head: its 408 is written when the header deadline passes
        test.connectionOf(failing).onReadable(T0);
        failing.failWrites = new IllegalStateException("a bug under this connection");
        List<InMemoryChannel> others = List.of(test.open(T0), test.open(T0), test.open(T0));

        assertThatCode(() -> loop.turnAt(T0 + 60 * SECOND))
                .as("a sweep where expiring one connection throws (a bug under it, here in its 408's write): the failure must cost"
                        + " that connection only (closeAfterBug), not the sweep, the loop and its other clients")
                .doesNotThrowAnyException();
        assertThat(failing.isOpen()).as("the connection whose expiry failed").isFalse();
        assertThat(others).as("the other connections due in the same sweep, still open").noneMatch(InMemoryChannel::isOpen);
        assertThat(test.console()).as("the console (the failure is printed)").contains("unexpected error");
    }

    @Test
    @DisplayName("a connection handed over just before the drain begins is read and answered, not closed unread")
    void drainOpensWhatWasHandedOver() {
        // Loop 0 takes the port's queue and hands connections out right before close() starts the
        // drain; one may still be in this loop's queue when its drain step runs. Closing it unread
        // would send RST under a request that is already there.
        InMemoryChannel late = test.channel();
        late.arrive("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(loop.adopt(late)).as("adopt() on a running loop").isTrue();
        loop.beginDrain(T0 + 5 * SECOND);
        loop.drainAt(T0);
        assertThat(late.sentText()).as("what a connection handed over just before the drain was sent (its request was waiting)")
                .startsWith("HTTP/1.1 200 ");
    }
}
