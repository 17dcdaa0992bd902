package dev.httpfromscratch.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Nagle's algorithm meets delayed ACKs, measured on loopback (docs/05-final-server.md, "Nagle,
 * delayed ACKs and one write per response").
 *
 * <p>One client and one server in this process, on 127.0.0.1 and a free port, exchange a small
 * request and a small response on one keep-alive connection, {@code --rounds} times per
 * scenario. A scenario says which side writes its message in two {@code write()} calls (head,
 * then body) and which side has Nagle's algorithm on. With Nagle on, the kernel sends the second,
 * small write only once the first is acknowledged; the peer, still waiting for the rest of the
 * message, has nothing to send the ACK with and holds it for its delayed-ACK timer (40 ms on
 * Linux). With {@code TCP_NODELAY} the second write leaves at once, but as a second segment: the
 * reader then often needs two {@code read()} calls for one message, which the last column counts.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.httpfromscratch.bench.NagleDelay [--rounds 40]}.
 * Bounded: at most rounds x 6 scenarios exchanges, and a read that waits 5 s ends the run.
 */
public final class NagleDelay {
    private static final byte[] REQUEST_HEAD = ascii("POST /api HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n");
    private static final byte[] REQUEST_BODY = ascii("{\"hello\":\"world\"}");
    private static final byte[] RESPONSE_HEAD = ascii("HTTP/1.1 200 OK\r\nContent-Length: 35\r\n\r\n");
    private static final byte[] RESPONSE_BODY = ascii("[SERVER] This is the test response.");
    private static final int READ_TIMEOUT_MILLIS = 5_000;

    /** Who writes in two calls, and who has Nagle's algorithm on; the rest writes once, with TCP_NODELAY. */
    private record Scenario(String name, boolean clientSplits, boolean clientNagle, boolean serverSplits, boolean serverNagle) {}

    private static final Scenario[] SCENARIOS = {
        new Scenario("client: request in 2 writes, Nagle on", true, true, false, false),
        new Scenario("client: request in 2 writes, TCP_NODELAY", true, false, false, false),
        new Scenario("server: response in 2 writes, Nagle on", false, false, true, true),
        new Scenario("server: response in 2 writes, TCP_NODELAY", false, false, true, false),
        new Scenario("server: response in 1 write, Nagle on", false, false, false, true),
        new Scenario("server: response in 1 write, TCP_NODELAY", false, false, false, false),
    };

    private NagleDelay() {}

    public static void main(String[] args) throws Exception {
        int rounds = 40;
        for (int i = 0; i + 1 < args.length; i += 2) {
            if (args[i].equals("--rounds")) {
                rounds = Integer.parseInt(args[i + 1]);
            } else {
                throw new IllegalArgumentException("unknown option " + args[i] + " (usage: NagleDelay [--rounds N])");
            }
        }
        if (rounds < 1 || rounds > 1_000) {
            throw new IllegalArgumentException("--rounds must be between 1 and 1000");
        }
        System.out.printf("%d request/response rounds per scenario, one keep-alive connection on loopback%n", rounds);
        System.out.printf("%-44s %12s %12s %14s %18s%n", "scenario", "median (ms)", "max (ms)", "rounds > 30 ms", "reads per message");
        for (Scenario scenario : SCENARIOS) {
            System.out.println(run(scenario, rounds));
        }
    }

    private static String run(Scenario scenario, int rounds) throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread server = Thread.ofPlatform().name("nagle-server").start(() -> serve(listener, scenario, rounds));
            long[] nanos = new long[rounds];
            long reads = 0;
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
                client.setTcpNoDelay(!scenario.clientNagle());
                client.setSoTimeout(READ_TIMEOUT_MILLIS);
                InputStream in = client.getInputStream();
                OutputStream out = client.getOutputStream();
                for (int round = 0; round < rounds; round++) {
                    long start = System.nanoTime();
                    send(out, REQUEST_HEAD, REQUEST_BODY, scenario.clientSplits());
                    reads += receive(in, RESPONSE_HEAD.length + RESPONSE_BODY.length);
                    nanos[round] = System.nanoTime() - start;
                }
            }
            server.join(READ_TIMEOUT_MILLIS);
            long[] sorted = nanos.clone();
            Arrays.sort(sorted);
            long slow = Arrays.stream(nanos).filter(n -> n > 30_000_000L).count();
            // The reads that count are the reader's of the split message: the server's of the request, the client's of the response.
            double readsPerMessage = scenario.clientSplits() ? serverReads / (double) rounds : reads / (double) rounds;
            return String.format("%-44s %12.3f %12.3f %14s %18.2f", scenario.name(), sorted[rounds / 2] / 1e6,
                    sorted[rounds - 1] / 1e6, slow + " of " + rounds, readsPerMessage);
        }
    }

    /** Reads by the server thread in the last scenario (written by it, read after join()). */
    private static volatile long serverReads;

    private static void serve(ServerSocket listener, Scenario scenario, int rounds) {
        long reads = 0;
        try (Socket connection = listener.accept()) {
            connection.setTcpNoDelay(!scenario.serverNagle());
            connection.setSoTimeout(READ_TIMEOUT_MILLIS);
            InputStream in = connection.getInputStream();
            OutputStream out = connection.getOutputStream();
            for (int round = 0; round < rounds; round++) {
                reads += receive(in, REQUEST_HEAD.length + REQUEST_BODY.length);
                send(out, RESPONSE_HEAD, RESPONSE_BODY, scenario.serverSplits());
            }
        } catch (IOException failed) {
            System.err.println("server side: " + failed);
        }
        serverReads = reads;
    }

    /** One message: one write() of head and body together, or two write() calls (each a send() system call). */
    private static void send(OutputStream out, byte[] head, byte[] body, boolean split) throws IOException {
        if (split) {
            out.write(head);
            out.write(body);
        } else {
            byte[] whole = Arrays.copyOf(head, head.length + body.length);
            System.arraycopy(body, 0, whole, head.length, body.length);
            out.write(whole);
        }
    }

    /** Reads exactly {@code length} bytes; returns how many read() calls that took. */
    private static int receive(InputStream in, int length) throws IOException {
        byte[] buffer = new byte[length];
        int have = 0;
        int reads = 0;
        while (have < length) {
            int n = in.read(buffer, have, length - have);
            if (n < 0) {
                throw new IOException("the peer closed after " + have + " of " + length + " bytes");
            }
            have += n;
            reads++;
        }
        return reads;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
