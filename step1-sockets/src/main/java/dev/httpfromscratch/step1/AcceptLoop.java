package dev.httpfromscratch.step1;

import dev.httpfromscratch.common.Server;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Step 1: the life of a listening socket (docs/01-sockets.md).
 *
 * <p>CerberusHTTP calls {@code socket()}, {@code setsockopt(SO_REUSEADDR)}, {@code bind()},
 * {@code listen(fd, 10)} and then {@code accept()} in a loop. Java's {@link ServerSocket} makes
 * the same system calls: {@code new ServerSocket()} is {@code socket()}, {@code bind(address,
 * backlog)} is {@code bind()} followed by {@code listen()}, and {@code accept()} is
 * {@code accept()}. One listening socket (one file descriptor) lives as long as the server; every
 * {@code accept()} returns a new socket, with a new file descriptor, for one client.
 */
public final class AcceptLoop implements Server {
    private final int requestedPort;
    private final int backlog;
    private final PrintStream console;
    private ServerSocket listeningSocket;
    private Thread acceptThread;

    /**
     * @param port    the TCP port to bind; 0 asks the kernel for any free port
     * @param backlog how many connections the kernel may queue before accept() takes them
     * @param console where "client connected" lines go (System.out when run from main)
     */
    public AcceptLoop(int port, int backlog, PrintStream console) {
        this.requestedPort = port;
        this.backlog = backlog;
        this.console = console;
    }

    @Override
    public void start() throws IOException {
        listeningSocket = openListeningSocket(requestedPort, backlog);
        acceptThread = Thread.ofPlatform().name("step1-accept-loop").start(() -> {
            try {
                acceptLoop(listeningSocket, console);
            } catch (RuntimeException stopped) {
                console.println("accept loop stopped: " + stopped.getMessage());
            }
        });
    }

    /**
     * Creates the listening socket: socket(), SO_REUSEADDR on, bind() to every local address on
     * {@code port}, listen() with {@code backlog}. Throws {@link java.net.BindException} if the
     * port is taken. Public because steps 2 and 3 open their listening socket with it.
     */
    public static ServerSocket openListeningSocket(int port, int backlog) throws IOException {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Step 1: return a socket listening on the port, with the backlog given, that can bind again while old connections sit in TIME_WAIT (docs/01-sockets.md, 'Stage 1: bind the listening socket')");
        ServerSocket socket = new ServerSocket(); // socket(AF_INET6, SOCK_STREAM, IPPROTO_IP): an unbound fd
        try {
            // SO_REUSEADDR: bind even while connections of an earlier run sit in TIME_WAIT.
            socket.setReuseAddress(true);
            // bind(fd, [::]:port) then listen(fd, backlog): from here the kernel completes
            // handshakes on its own and queues them until accept() takes them.
            socket.bind(new InetSocketAddress(port), backlog);
            return socket;
        } catch (IOException | RuntimeException failed) {
            socket.close(); // never leak the fd of a socket that could not bind
            throw failed;
        }
        // END SOLUTION
    }

    /**
     * Accepts clients one after another until the listening socket is closed: prints
     * "client connected: " with the peer's address for each, then closes that client's socket.
     */
    static void acceptLoop(ServerSocket listeningSocket, PrintStream console) {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Step 1: accept clients until the listening socket is closed, printing 'client connected: <peer address>' for each and closing its connection (docs/01-sockets.md, 'Stage 2: accept clients one after another')");
        while (!listeningSocket.isClosed()) {
            // accept() blocks in the kernel until a handshake completes, then returns a new fd.
            try (Socket client = listeningSocket.accept()) {
                console.println("client connected: " + client.getRemoteSocketAddress());
            } catch (IOException failed) {
                if (listeningSocket.isClosed()) {
                    return; // close() closed the listening socket: accept() was woken with an error
                }
                // One client's trouble (a reset during accept, say) is not the server's: go on.
                console.println("accept failed: " + failed.getMessage());
            }
        }
        // END SOLUTION
    }

    @Override
    public int port() {
        return listeningSocket.getLocalPort();
    }

    @Override
    public void close() {
        try {
            if (listeningSocket != null) {
                listeningSocket.close(); // close(fd): a thread blocked in accept() gets an error
            }
            if (acceptThread != null) {
                acceptThread.join(5_000);
            }
        } catch (IOException | InterruptedException ignored) {
            // closing is best effort; nothing is left to release
        }
    }
}
