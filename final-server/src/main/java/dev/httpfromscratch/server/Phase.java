package dev.httpfromscratch.server;

/**
 * What a connection waits for. Each phase has its own timeout ({@link ServerConfig}), and a
 * timeout is counted in the metrics under its phase's label (docs/05-final-server.md,
 * "Code: Deadlines.enter and EventLoop.sweep").
 */
enum Phase {
    /** Between requests: the idle keep-alive timeout. */
    IDLE("idle"),
    /** Some bytes of a request, not yet its whole header section: the header deadline. */
    HEADER("header"),
    /** The head is complete and the body is arriving: the body deadline. */
    BODY("body"),
    /** A response is waiting for the client to read: the write timeout, a stall timer. */
    WRITE("write");

    /** The value of the {@code phase} label of {@code http_timeouts_total}. */
    final String label;

    Phase(String label) {
        this.label = label;
    }
}
