package dev.httpfromscratch.common;

import java.io.IOException;

/**
 * What every server of the course is, seen from outside: something that binds a port,
 * serves on threads of its own, and can be closed.
 *
 * <p>{@code main} (see {@link ServerMain}) and the tests (see the course-testkit module) start
 * servers only through this interface, so a test can run any step's server in-process on an
 * ephemeral port.
 */
public interface Server extends AutoCloseable {

    /**
     * Binds the listening socket and starts serving on background threads. Returns once the
     * socket is bound, so {@link #port()} is known and a client may connect; throws if the
     * port cannot be bound (a {@link java.net.BindException} when it is in use).
     */
    void start() throws IOException;

    /** The port the server is bound to: the one asked for, or the kernel's pick for port 0. */
    int port();

    /** Stops accepting, closes the listening socket and every connection, and waits for the
     *  server's threads to end. Safe to call more than once. */
    @Override
    void close();
}
