package dev.httpfromscratch.server;

import dev.httpfromscratch.step3.ResponseWriter;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * An event loop built as FinalServer builds one, but on an {@link InMemorySelector} and driven by
 * the test: {@link #open} hands it an {@link InMemoryChannel} as the acceptor would and lets it
 * take the connection at a time the test chooses. No thread runs the loop.
 */
final class LoopUnderTest implements AutoCloseable {
    final ServerMetrics metrics = new ServerMetrics();
    final InMemorySelector selector = new InMemorySelector();
    final EventLoop loop;
    private final ByteArrayOutputStream consoleBytes = new ByteArrayOutputStream();
    private final LogWriter log = new LogWriter("test-log", new PrintStream(OutputStream.nullOutputStream()));
    private final ServerContext context;

    LoopUnderTest(ServerConfig config) {
        ResponseWriter writer = new ResponseWriter();
        RouteTable routes = FinalRoutes.create(metrics, () -> false, Duration.ZERO);
        PrintStream console = new PrintStream(consoleBytes, true, StandardCharsets.UTF_8);
        context = new ServerContext(config, RunOptions.defaults(), routes, writer, metrics, console, log);
        loop = new EventLoop(0, context, routes.encodeConstants(writer), selector);
    }

    /** A client's connection as the acceptor leaves it: non-blocking. */
    InMemoryChannel channel() {
        InMemoryChannel channel = new InMemoryChannel();
        try {
            channel.configureBlocking(false);
        } catch (java.io.IOException cannotHappen) {
            throw new UncheckedIOException(cannotHappen);
        }
        return channel;
    }

    /** The acceptor hands a new connection over, and the loop's turn at {@code now} takes it. */
    InMemoryChannel open(long now) {
        InMemoryChannel channel = channel();
        context.openConnections.incrementAndGet(); // as the acceptor counts it
        if (!loop.adopt(channel)) {
            throw new IllegalStateException("adopt() refused a connection on a running loop");
        }
        loop.turnAt(now);
        return channel;
    }

    /** The Connection the loop attached to this channel's key. */
    Connection connectionOf(InMemoryChannel channel) {
        return selector.registered.stream().filter(key -> key.channel() == channel).findFirst()
                .orElseThrow(() -> new AssertionError("the loop never registered this channel with its selector"))
                .connection();
    }

    /** A sample of the server's registry (0 when absent). */
    double sample(String name, String... labelNamesThenValues) {
        int half = labelNamesThenValues.length / 2;
        String[] names = java.util.Arrays.copyOfRange(labelNamesThenValues, 0, half);
        String[] values = java.util.Arrays.copyOfRange(labelNamesThenValues, half, labelNamesThenValues.length);
        Double value = metrics.registry().getSampleValue(name, names, values);
        return value == null ? 0 : value;
    }

    /** What the loop printed on its console (errors). */
    String console() {
        return consoleBytes.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        log.close(100);
    }
}
