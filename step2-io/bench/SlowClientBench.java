import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * How many clients a step-2 server serves per second while one slow client is present
 * (docs/02-io.md, "Measured: one slow client"). Single-file program, JDK only; start the server
 * first, then:
 *
 * <pre>
 * ./java21 step2-io/bench/SlowClientBench.java --port 8000 --seconds 5 --clients 4 --slow 1
 * </pre>
 *
 * <p>{@code --clients N} threads each loop for {@code --seconds}: connect, send a complete GET,
 * read until the server closes, count a 200. With {@code --slow 1} one more thread plays the slow
 * client over and over: connect, send half a header section, then nothing, until the server drops
 * it; then again. Prints one Markdown table row.
 */
public class SlowClientBench {
    private static final byte[] REQUEST = "GET /bench HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] HALF_A_REQUEST = "GET /slow HTTP/1.1\r\nHost: localhost\r\n".getBytes(StandardCharsets.US_ASCII);

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(option(args, "--port", "8000"));
        int seconds = Integer.parseInt(option(args, "--seconds", "5"));
        int clients = Integer.parseInt(option(args, "--clients", "4"));
        boolean slow = option(args, "--slow", "1").equals("1");
        long end = System.nanoTime() + seconds * 1_000_000_000L;

        AtomicInteger slowVisits = new AtomicInteger();
        Thread slowClient = null;
        if (slow) {
            slowClient = Thread.ofPlatform().start(() -> {
                while (System.nanoTime() < end) {
                    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                        socket.getOutputStream().write(HALF_A_REQUEST);
                        slowVisits.incrementAndGet();
                        long left = Math.max(1, (end - System.nanoTime()) / 1_000_000);
                        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
                        socket.getInputStream().read(); // returns -1 when the server drops us
                    } catch (IOException droppedOrTimeUp) {
                        // dropped with a reset, or the run is over
                    }
                }
            });
            Thread.sleep(200); // the slow client arrives first
        }

        List<Long> latenciesMicros = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger failures = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < clients; i++) {
            threads.add(Thread.ofPlatform().start(() -> {
                while (System.nanoTime() < end) {
                    long began = System.nanoTime();
                    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
                        long left = Math.max(1, (end - System.nanoTime()) / 1_000_000);
                        socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, left));
                        socket.getOutputStream().write(REQUEST);
                        byte[] response = socket.getInputStream().readAllBytes(); // until the server closes
                        if (new String(response, 0, Math.min(12, response.length), StandardCharsets.US_ASCII).equals("HTTP/1.1 200")) {
                            latenciesMicros.add((System.nanoTime() - began) / 1_000);
                        } else {
                            failures.incrementAndGet();
                        }
                    } catch (IOException timedOutOrRefused) {
                        if (System.nanoTime() < end) {
                            failures.incrementAndGet();
                        }
                    }
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        if (slowClient != null) {
            slowClient.join();
        }
        List<Long> sorted = new ArrayList<>(latenciesMicros);
        Collections.sort(sorted);
        String median = sorted.isEmpty() ? "-" : String.format("%.1f ms", sorted.get(sorted.size() / 2) / 1000.0);
        String worst = sorted.isEmpty() ? "-" : String.format("%.0f ms", sorted.get(sorted.size() - 1) / 1000.0);
        System.out.printf("| %d | %d | %.0f | %s | %s | %d | %d |%n", sorted.size(), seconds, sorted.size() / elapsed,
                median, worst, failures.get(), slowVisits.get());
    }

    private static String option(String[] args, String name, String fallback) {
        for (int i = 0; i + 1 < args.length; i++) {
            if (args[i].equals(name)) {
                return args[i + 1];
            }
        }
        return fallback;
    }
}
