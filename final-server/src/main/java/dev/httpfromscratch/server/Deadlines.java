package dev.httpfromscratch.server;

/**
 * One connection's clock: the {@link Phase} it is in and the moment that phase runs out
 * (docs/05-final-server.md, "Code: Deadlines.enter and EventLoop.sweep"). The event loop's sweep compares
 * {@link #deadline()} with its clock; nothing here reads a clock itself, so a test moves time by
 * passing a larger {@code now}.
 *
 * <p>Three kinds of timer share this one deadline:
 * <ul>
 *   <li>a <b>deadline</b> for the header section and the body: it is set when the phase begins
 *       (or a new request begins in the same phase) and not moved by bytes that trickle in, so a
 *       slowloris client sending a byte a second is still cut off;</li>
 *   <li>a <b>stall timer</b> for writing: every byte the client takes moves it ({@link #progressed}),
 *       so a slow but steady reader keeps its connection and one that stops reading loses it;</li>
 *   <li>the <b>idle</b> timeout between requests, and the short linger after a closing response.</li>
 * </ul>
 */
final class Deadlines {
    /** After the last response of a closing connection, how long to read and discard what the client still sends. */
    static final long LINGER_NANOS = 2_000_000_000L;

    private final long headerNanos;
    private final long bodyNanos;
    private final long idleNanos;
    private final long writeNanos;
    private Phase phase = Phase.IDLE;
    private long deadline;
    /** The request count when the phase began: a new request in the same phase restarts its deadline. */
    private long requestsAtPhaseStart;

    Deadlines(ServerConfig config, long now) {
        this.headerNanos = config.headerTimeout().toNanos();
        this.bodyNanos = config.bodyTimeout().toNanos();
        this.idleNanos = config.idleTimeout().toNanos();
        this.writeNanos = config.writeTimeout().toNanos();
        this.deadline = now + idleNanos;
    }

    Phase phase() {
        return phase;
    }

    long deadline() {
        return deadline;
    }

    boolean expired(long now) {
        return now - deadline >= 0;
    }

    /**
     * The connection is now in {@code next} after {@code completedRequests} requests: moves the
     * deadline when the phase changed or a new request began, else keeps it (a phase that goes
     * on, such as header bytes trickling in, keeps its deadline).
     */
    void enter(Phase next, long completedRequests, long now) {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Final server: start the new phase's timeout when the phase changed or a new request began, else keep the deadline (docs/05-final-server.md, 'Code: Deadlines.enter and EventLoop.sweep')");
        if (next == phase && completedRequests == requestsAtPhaseStart) {
            return;
        }
        phase = next;
        requestsAtPhaseStart = completedRequests;
        deadline = now + switch (next) {
            case IDLE -> idleNanos;
            case HEADER -> headerNanos;
            case BODY -> bodyNanos;
            case WRITE -> writeNanos;
        };
        // END SOLUTION
    }

    /** The client took some of its output: in the write phase, the stall timer starts again. */
    void progressed(long now) {
        if (phase == Phase.WRITE) {
            deadline = now + writeNanos;
        }
    }

    /** A lingering close began: it ends when the client closes too, or after {@link #LINGER_NANOS} (never after the idle timeout). */
    void linger(long now) {
        deadline = now + Math.min(LINGER_NANOS, idleNanos);
    }
}
