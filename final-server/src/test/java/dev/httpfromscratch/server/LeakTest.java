package dev.httpfromscratch.server;

import static dev.httpfromscratch.testkit.ResponseAssert.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.step3.ParserLimits;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RunningServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * No leaks (docs/07-security.md, "No leaks"): connections churned through every way a
 * connection can end (a clean close, keep-alive, a 400, a 413, a 408, an idle timeout, a reset
 * mid-request, a reset with answers unread, a half-close, a 503 beyond the limit) and afterwards
 * the open file descriptors of this JVM (/proc/self/fd; the server runs in it) and the heap come
 * back to where they were.
 *
 * <p>"Come back" is a condition the test waits for, never a fixed sleep: the server closes its
 * end on its own threads (a timeout sweep, a lingering close), so the count is polled until it is
 * within {@link #FD_SLACK} of the baseline or the hang deadline passes. The slack is for
 * descriptors the JVM itself opens and closes at any time (a jar, a JIT log); a leak of one
 * descriptor per connection would be thousands over.
 *
 * <p>Default: {@code leak.connections} = 5,000 (a few seconds). The soak profile churns 100,000.
 */
@DisplayName("Final server: no descriptor or heap leaks after churn")
class LeakTest {
    private static final int CONNECTIONS = Integer.getInteger("leak.connections", 5_000);
    private static final int FD_SLACK = 16;
    private static final long HEAP_SLACK_BYTES = 64L * 1024 * 1024;
    private static final Duration SHORT = Duration.ofMillis(25);
    /** As many as the churning threads: with lingering closes still open, some connections meet the 503 path. */
    private static final int MAX_CONNECTIONS = 8;

    /** Every way a connection can end, one per churned connection in turn. */
    enum Ending { CLEAN_CLOSE, KEEP_ALIVE, BAD_REQUEST, TOO_LARGE, HEADER_TIMEOUT, RESET_MID_REQUEST, RESET_UNREAD, HALF_CLOSE, IDLE_TIMEOUT }

    @Test
    @DisplayName("after 5,000 connections churned through every error path, open descriptors and heap return to where they started")
    void churn() throws Exception {
        try (RunningServer server = TestServers.start(config -> config.withHeaderTimeout(SHORT).withIdleTimeout(SHORT)
                .withMaxConnections(MAX_CONNECTIONS).withParserLimits(ParserLimits.DEFAULTS.withMaxBodyBytes(1024)))) {
            FinalServer finalServer = TestServers.server(server);
            int port = server.port();
            for (Ending ending : Ending.values()) {
                end(port, ending); // warm-up: every class loaded, every lazy descriptor opened, before the baseline
            }
            awaitNoConnections(finalServer);
            int baselineFds = Conditions.openFileDescriptors();
            long baselineHeap = usedHeapAfterGc();

            int threads = MAX_CONNECTIONS;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            List<Future<Integer>> results = new ArrayList<>();
            Ending[] endings = Ending.values();
            for (int t = 0; t < threads; t++) {
                int first = t;
                results.add(pool.submit(() -> {
                    int refused = 0;
                    for (int i = first; i < CONNECTIONS; i += threads) {
                        refused += end(port, endings[i % endings.length]);
                    }
                    return refused;
                }));
            }
            int refusedWith503 = 0;
            for (Future<Integer> result : results) {
                refusedWith503 += result.get(RawConnection.DEFAULT_DEADLINE.toSeconds() * 40, TimeUnit.SECONDS);
            }
            pool.shutdown();

            awaitNoConnections(finalServer);
            Conditions.await("open descriptors back to the baseline of " + baselineFds + " (+" + FD_SLACK + ") after " + CONNECTIONS + " connections",
                    () -> Conditions.openFileDescriptors() <= baselineFds + FD_SLACK,
                    () -> Conditions.openFileDescriptors() + " open descriptors");
            long heapAfter = usedHeapAfterGc();
            assertThat(heapAfter).as("used heap after GC: %d MiB before the churn, %d MiB after %d connections",
                    baselineHeap >> 20, heapAfter >> 20, CONNECTIONS).isLessThanOrEqualTo(baselineHeap + HEAP_SLACK_BYTES);
            try (RawConnection client = server.connect()) {
                assertThatResponse(client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").readResponse()).as("still serving").hasStatus(200);
            }
            assertThat(server.console().text()).doesNotContain("unexpected error").doesNotContain(" stopped");
            System.out.printf("LeakTest: %d connections (%d refused with 503), descriptors %d -> %d, used heap %d MiB -> %d MiB%n",
                    CONNECTIONS, refusedWith503, baselineFds, Conditions.openFileDescriptors(), baselineHeap >> 20, heapAfter >> 20);
        }
    }

    @Test
    @DisplayName("a start that fails (port in use) leaves no epoll or eventfd descriptor behind")
    void failedStartLeavesNoSelectors() throws Exception {
        try (RunningServer holder = TestServers.start()) {
            int before = Conditions.selectorDescriptors();
            for (int i = 0; i < 10; i++) {
                FinalServer second = new FinalServer(TestServers.config().withPort(holder.port()), new java.io.PrintStream(OutputStream.nullOutputStream()));
                try {
                    second.start();
                    second.close();
                    throw new AssertionError("a second server started on port " + holder.port() + ", which the first one holds");
                } catch (java.net.BindException inUse) {
                    // expected: the port is taken
                }
            }
            assertThat(Conditions.selectorDescriptors())
                    .as("epoll and eventfd descriptors of this JVM before and after 10 starts that failed on a port in use, 2 event loops each"
                            + " (each loop's Selector is one of each: a failed start must close them)")
                    .isEqualTo(before);
        }
    }

    /** One connection that ends as {@code ending} says; returns 1 when it was refused with 503 (over max-connections), else 0. */
    private static int end(int port, Ending ending) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout((int) RawConnection.DEFAULT_DEADLINE.toMillis());
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            switch (ending) {
                case CLEAN_CLOSE -> write(out, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
                case KEEP_ALIVE -> write(out, "GET / HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n");
                case BAD_REQUEST -> write(out, "GET / HTTP/1.1\r\nHost : x\r\n\r\n");
                case TOO_LARGE -> write(out, "POST /api HTTP/1.1\r\nHost: x\r\nContent-Length: 10737418240\r\n\r\n");
                case HEADER_TIMEOUT -> write(out, "GET / HTTP/1.1\r\nHost: x\r\n");
                case IDLE_TIMEOUT -> { } // says nothing: the idle timeout closes it
                case RESET_MID_REQUEST -> {
                    write(out, "POST /api HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{\"a\":");
                    socket.setSoLinger(true, 0);
                    return 0;
                }
                case RESET_UNREAD -> {
                    write(out, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n".repeat(3));
                    socket.setSoLinger(true, 0);
                    return 0;
                }
                case HALF_CLOSE -> {
                    write(out, "GET / HTTP/1.1\r\nHost: x\r\n\r\n");
                    socket.shutdownOutput();
                }
            }
            if (ending == Ending.KEEP_ALIVE) {
                socket.shutdownOutput(); // both answers are owed; then the server closes
            }
            byte[] first = new byte[12];
            int read = in.readNBytes(first, 0, first.length);
            in.transferTo(OutputStream.nullOutputStream()); // read to the server's FIN (or RST)
            return read == first.length && new String(first, StandardCharsets.US_ASCII).equals("HTTP/1.1 503") ? 1 : 0;
        } catch (java.net.SocketException reset) {
            return 0; // the server reset a connection it had closed with unread bytes: fine for churn
        }
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static void awaitNoConnections(FinalServer server) {
        Conditions.await("http_connections_active to come back to 0", () -> Conditions.activeConnections(server) == 0,
                () -> Conditions.activeConnections(server) + " connections still open");
    }

    /** Used heap after a full collection: what is still reachable, not what is waiting to be collected. */
    private static long usedHeapAfterGc() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc(); // a request, which G1 honours with a full collection unless -XX:+DisableExplicitGC
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
