package dev.httpfromscratch.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.testkit.RawConnection;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * No zombie server (docs/05-final-server.md, "When the process must die"): when an event loop
 * dies (here through a test-only hook, {@link InjectedFailureMain}; in production an OutOfMemoryError),
 * the process says so in one line and exits with a non-zero code, so a supervisor restarts it.
 * Before that, clients keep connecting without pause, and every one of them gets an answer (200,
 * or 503 once the server is failing) or a closed connection: none is accepted and left waiting.
 * A server that went on accepting for the dead loop would leave every second client hanging.
 */
@DisplayName("Final server: a dead event loop ends the process, never a server that accepts and stays silent")
class FailFastTest {
    private static final String GET_ROOT = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    /** A client waiting this long for the first byte of its answer counts as accepted-and-never-answered. */
    private static final int ANSWER_DEADLINE_MILLIS = 5_000;

    @ParameterizedTest(name = "{1} throws an Error: the process exits non-zero with one line saying why, and no client connected meanwhile is left unanswered")
    @CsvSource({"loop, event loop 1", "acceptor, the acceptor"})
    @DisplayName("a thread of the server dies: the process exits non-zero with one line saying why, and no client connected meanwhile is left unanswered")
    void deadThreadEndsTheProcess(String trigger, String what) throws Exception {
        try (ServerProcess server = ServerProcess.start(List.of(), InjectedFailureMain.class, "--port", "0", "--access-log", "off", "--event-loops", "2")) {
            for (int i = 0; i < 4; i++) {
                server.get("/"); // both loops serve before the failure
            }
            AtomicInteger answered = new AtomicInteger();
            AtomicInteger closedOrRefused = new AtomicInteger();
            List<String> unanswered = java.util.Collections.synchronizedList(new ArrayList<>());
            ExecutorService pool = Executors.newFixedThreadPool(4);
            List<Future<?>> clients = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                clients.add(pool.submit(() -> {
                    while (server.process().isAlive()) {
                        ask(server.port(), answered, closedOrRefused, unanswered);
                    }
                    return null;
                }));
            }
            Conditions.await("the clients to be answered by the healthy server", () -> answered.get() >= 20, answered::get);
            server.process().getOutputStream().write((trigger + "\n").getBytes(StandardCharsets.US_ASCII));
            server.process().getOutputStream().flush();

            boolean exited = server.process().waitFor(RawConnection.DEFAULT_DEADLINE.toSeconds(), TimeUnit.SECONDS);
            if (!exited) {
                server.process().destroyForcibly(); // let the clients' loops end, then report
            }
            for (Future<?> client : clients) {
                client.get(RawConnection.DEFAULT_DEADLINE.toSeconds() * 2, TimeUnit.SECONDS);
            }
            pool.shutdown();
            String output = server.output();
            assertThat(exited).as("the process exits by itself after %s died; its output:%n%s", what, server.tail()).isTrue();
            assertThat(server.process().exitValue()).as("the exit code of a server that failed (a supervisor restarts on non-zero)")
                    .isEqualTo(Main.EXIT_FATAL);
            assertThat(output.lines().filter(line -> line.contains("fatal")).toList())
                    .as("one line saying what failed; the output:%n%s", server.tail())
                    .hasSize(1).allMatch(line -> line.contains(what) && line.contains("InternalError"));
            assertThat(unanswered).as("clients accepted but never answered (%d answered, %d closed or refused)", answered.get(), closedOrRefused.get())
                    .isEmpty();
        }
    }

    /** One client: connect, GET /, wait for the first line of an answer, a close or a refusal; records what happened. */
    private static void ask(int port, AtomicInteger answered, AtomicInteger closedOrRefused, List<String> unanswered) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(ANSWER_DEADLINE_MILLIS);
            socket.getOutputStream().write(GET_ROOT.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            byte[] status = in.readNBytes(12);
            String line = new String(status, StandardCharsets.US_ASCII);
            if (line.equals("HTTP/1.1 200") || line.equals("HTTP/1.1 503")) {
                answered.incrementAndGet();
            } else if (status.length == 0) {
                closedOrRefused.incrementAndGet(); // FIN without a byte: the process ended under this connection
            } else {
                unanswered.add("an unexpected answer: " + line);
            }
        } catch (SocketTimeoutException silent) {
            unanswered.add("connected on local port, then nothing for " + ANSWER_DEADLINE_MILLIS + " ms");
        } catch (IOException refusedOrReset) {
            closedOrRefused.incrementAndGet();
        }
    }
}
