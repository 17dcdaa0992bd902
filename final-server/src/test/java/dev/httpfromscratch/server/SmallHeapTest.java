package dev.httpfromscratch.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Memory a client can make the server spend (docs/07-security.md, "Memory a client can make you
 * spend"), in a child process with a 64 MiB heap: thousands of clients each declare a 1 MiB body
 * and send one byte of it. A server that sets aside what was declared needs gigabytes and dies of
 * OutOfMemoryError after a few dozen; this one holds what arrived, keeps answering GET / and
 * /health, and after the clients leave its heap is back where it started.
 *
 * <p>Default: {@code smallheap.clients} = 2,500 (both ends live on one machine: 5,000
 * descriptors, a few seconds) and {@code smallheap.xmx} = 64m; the figures of chapter 07 come
 * from other values of both. The process runs as in production, with -XX:+ExitOnOutOfMemoryError.
 */
@DisplayName("Final server: a 64 MiB heap and thousands of clients declaring 1 MiB bodies")
class SmallHeapTest {
    private static final int CLIENTS = Integer.getInteger("smallheap.clients", 2_500);
    private static final String HEAP = System.getProperty("smallheap.xmx", "64m");
    private static final byte[] HEAD_AND_ONE_BYTE = ("POST /api HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            + "Content-Length: 1048576\r\n\r\n{").getBytes(StandardCharsets.US_ASCII);
    /** Retained heap after the clients left may exceed the baseline by this much (metric children, JIT-warm caches, the cached
     *  /metrics page, the log queue): a few MiB, where one body per client would be 2,500 MiB. */
    private static final long HEAP_SLACK_BYTES = 8L * 1024 * 1024;

    @Test
    @DisplayName("2,500 clients each declaring 1 MiB and sending 1 byte: GET / and /health still 200, no OutOfMemoryError, heap back to baseline after")
    void thousandsOfDeclaredBodies() throws Exception {
        try (ServerProcess server = ServerProcess.start(List.of("-Xmx" + HEAP, "-XX:+ExitOnOutOfMemoryError"), Main.class,
                "--port", "0", "--access-log", "off", "--event-loops", "2", "--max-connections", String.valueOf(CLIENTS + 100))) {
            server.get("/"); // warm: every class of the request path loaded before the baseline
            server.fullGc();
            long baselineHeap = (long) server.metric("jvm_memory_bytes_used", "area=\"heap\"");
            long baselineRss = server.residentBytes();

            List<Socket> clients = new ArrayList<>(CLIENTS);
            try {
                for (int i = 0; i < CLIENTS; i++) {
                    try {
                        Socket client = new Socket(InetAddress.getLoopbackAddress(), server.port());
                        clients.add(client);
                        OutputStream out = client.getOutputStream();
                        out.write(HEAD_AND_ONE_BYTE);
                    } catch (IOException refused) {
                        throw new AssertionError("client " + (i + 1) + " of " + CLIENTS + " could not connect or send (" + refused
                                + "): the server is gone; its output:\n" + server.tail(), refused);
                    }
                }
                long declared = (long) CLIENTS * HEAD_AND_ONE_BYTE.length;
                Conditions.await("the server to read the heads and first body bytes of " + CLIENTS + " clients",
                        () -> !server.process().isAlive() || server.metric("http_received_bytes_total", "") >= declared,
                        server::tail);
                assertThat(server.process().isAlive()).as("the server process is alive with %d clients each declaring a 1 MiB body; its output:%n%s",
                        CLIENTS, server.tail()).isTrue();
                server.get("/");
                assertThat(server.get("/health")).as("/health with %d bodies in progress", CLIENTS).isEqualTo(FinalRoutes.HEALTH_BODY);
                server.fullGc();
                long loadedHeap = (long) server.metric("jvm_memory_bytes_used", "area=\"heap\"");
                long loadedRss = server.residentBytes();
                System.out.printf("SmallHeapTest: -Xmx%s, %d clients declaring 1 MiB each: used heap after GC %d KiB -> %d KiB, RSS %d MiB -> %d MiB%n",
                        HEAP, CLIENTS, baselineHeap >> 10, loadedHeap >> 10, baselineRss >> 20, loadedRss >> 20);
            } finally {
                for (Socket client : clients) {
                    client.close();
                }
            }
            Conditions.await("the server to close the " + CLIENTS + " connections (only the scrape's own is left)",
                    () -> server.metric("http_connections_active", "") <= 1, server::tail);
            server.fullGc();
            long afterHeap = (long) server.metric("jvm_memory_bytes_used", "area=\"heap\"");
            assertThat(afterHeap).as("used heap after GC: %d KiB before the clients, %d KiB after they left", baselineHeap >> 10, afterHeap >> 10)
                    .isLessThanOrEqualTo(baselineHeap + HEAP_SLACK_BYTES);
            assertThat(server.output()).as("the server's output").doesNotContain("OutOfMemoryError").doesNotContain("fatal");
        }
    }
}
