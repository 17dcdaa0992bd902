package dev.httpfromscratch.server;

import static org.assertj.core.api.Assertions.fail;

import dev.httpfromscratch.testkit.RawConnection;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Waiting for something the server does on its own threads (closing a socket, counting a
 * timeout) without sleeping a fixed time: poll the condition, and give up only at the hang
 * deadline, so a slow machine makes the test slower, never red. Also the two numbers the leak
 * and flood tests watch: the server's open-connection gauge and this JVM's open descriptors.
 */
public final class Conditions {
    private Conditions() {}

    /** Returns as soon as {@code condition} holds; fails with {@code description} and the last {@code state} at the deadline. */
    public static void await(String description, BooleanSupplier condition, Supplier<Object> state) {
        long giveUp = System.nanoTime() + RawConnection.DEFAULT_DEADLINE.toNanos() * 2;
        long pauseMillis = 1;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - giveUp > 0) {
                fail("Waited " + RawConnection.DEFAULT_DEADLINE.toSeconds() * 2 + " s for " + description + "; it never happened. Last seen: " + state.get());
            }
            try {
                Thread.sleep(pauseMillis);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                fail("interrupted while waiting for " + description);
            }
            pauseMillis = Math.min(50, pauseMillis * 2);
        }
    }

    /** The server's http_connections_active gauge: connections an event loop owns right now. */
    public static double activeConnections(FinalServer server) {
        Double value = server.metrics().registry().getSampleValue("http_connections_active");
        return value == null ? 0 : value;
    }

    /** A counter or gauge of the server's registry, 0 when it has no sample yet. */
    static double sample(FinalServer server, String name, String[] labelNames, String[] labelValues) {
        Double value = server.metrics().registry().getSampleValue(name, labelNames, labelValues);
        return value == null ? 0 : value;
    }

    /** This JVM's descriptors that belong to Selectors: an epoll instance and an eventfd (its wakeup()) each. */
    static int selectorDescriptors() {
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            return (int) entries.filter(fd -> {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    return target.contains("[eventpoll]") || target.contains("[eventfd]");
                } catch (IOException closedMeanwhile) {
                    return false;
                }
            }).count();
        } catch (IOException unreadable) {
            throw new IllegalStateException("cannot list /proc/self/fd (not Linux?)", unreadable);
        }
    }

    /** Open file descriptors of this JVM: one entry each in /proc/self/fd (sockets, files, epoll instances, pipes). */
    static int openFileDescriptors() {
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            return (int) entries.count();
        } catch (IOException unreadable) {
            throw new IllegalStateException("cannot list /proc/self/fd (not Linux?)", unreadable);
        }
    }

    /** True once something accepts TCP connections on the loopback {@code port} (a server or a proxy that has started). */
    static boolean accepts(int port) {
        try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** A log file's text so far, or "" when it cannot be read (yet): for failure messages. */
    static String readOrEmpty(Path file) {
        try {
            return Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException unreadable) {
            return "";
        }
    }
}
