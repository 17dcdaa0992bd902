package dev.httpfromscratch.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The idle-connections check of docs/06-performance.md: opens N keep-alive connections to a
 * server, sends one {@code GET /} on each and reads its answer (so each is a real keep-alive
 * connection with a finished request, as a browser leaves it), then holds them all idle and reads
 * the server's resident memory ({@code VmRSS} in {@code /proc/<pid>/status}) and its open file
 * descriptors. Then it checks the server still serves: a request on a new connection, and one on
 * every 100th idle connection.
 *
 * <p>One client address has only the ephemeral ports of {@code ip_local_port_range} (28,232 by
 * default) to connect from, so 100,000 connections need several: {@code --sources K} binds
 * connection i to 127.0.0.(1 + i mod K) before connecting, and the whole 127.0.0.0/8 is loopback.
 *
 * <p>The figure that matters is the memory per connection above the server's idle baseline:
 * the RSS after a warm-up of a few thousand requests on one connection, before the N connections.
 * RSS also counts heap the JVM has grown but not filled (garbage from opening the connections,
 * headroom the collector keeps), so from run to run it moves by more than the connections weigh
 * at a few tens of thousands of them. Beside it the check reports what the connections really
 * keep: the server's live heap after a full collection ({@code jcmd <pid> GC.class_histogram},
 * which collects first), before and while holding them, each read after the RSS so it cannot lower it.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.httpfromscratch.bench.IdleConnectionsCheck
 * --port 8080 --pid 1234 [--connections 100000] [--sources 8] [--max-kib-per-connection 2]
 * [--max-rss-mib M] [--settle-seconds S]}; exit code 0 when every check passed. Needs {@code ulimit -n} above N for
 * this process and the server (bench/idle-check.sh checks it). Loopback only.
 */
public final class IdleConnectionsCheck {
    private static final byte[] REQUEST =
            "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    /** Ephemeral ports one source address can use against one server, with Linux's default range. */
    static final int PORTS_PER_SOURCE = 28_000;

    private IdleConnectionsCheck() {}

    public static void main(String[] args) throws Exception {
        int port = 0;
        long pid = -1;
        int connections = 100_000;
        int sources = 0;
        double maxKibPerConnection = 2;
        long maxRssMib = 0; // 0: no limit on the total, only on the memory per connection
        long settleSeconds = 2; // between opening the last connection and reading the RSS held
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--pid" -> pid = Long.parseLong(args[i + 1]);
                case "--connections" -> connections = Integer.parseInt(args[i + 1]);
                case "--sources" -> sources = Integer.parseInt(args[i + 1]);
                case "--max-kib-per-connection" -> maxKibPerConnection = Double.parseDouble(args[i + 1]);
                case "--max-rss-mib" -> maxRssMib = Long.parseLong(args[i + 1]);
                case "--settle-seconds" -> settleSeconds = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (port == 0 || pid < 0) {
            System.err.println("usage: IdleConnectionsCheck --port N --pid SERVER_PID [--connections N] [--sources K]"
                    + " [--max-kib-per-connection KIB] [--max-rss-mib M] [--settle-seconds S]");
            System.exit(2);
        }
        if (sources <= 0) {
            sources = connections / PORTS_PER_SOURCE + 1;
        }
        if ((long) sources * PORTS_PER_SOURCE < connections) {
            System.out.printf("%d connections need at least %d source addresses (%d ephemeral ports each): --sources%n",
                    connections, connections / PORTS_PER_SOURCE + 1, PORTS_PER_SOURCE);
            System.out.println("FAIL");
            System.exit(1);
        }
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);

        // The idle baseline: a warmed-up server (JIT, buffers, heap grown by real requests), no client.
        try (SocketChannel warm = SocketChannel.open(server)) {
            for (int i = 0; i < 5_000; i++) {
                exchange(warm);
            }
        }
        Thread.sleep(2_000);
        long rssBefore = rssKib(pid);
        int fdsBefore = openFiles(pid);
        // After the RSS: the full collection could shrink the heap and lower the baseline. jcmd's
        // attach leaves a thread in the server, a few pages of the RSS held.
        long liveBefore = liveHeapBytes(pid);

        List<SocketChannel> idle = new ArrayList<>(connections);
        long started = System.nanoTime();
        int failedToOpen = 0;
        for (int i = 0; i < connections; i++) {
            InetAddress source = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte) (1 + i % sources)});
            try {
                SocketChannel channel = SocketChannel.open();
                channel.bind(new InetSocketAddress(source, 0)); // an ephemeral port of this source address
                channel.connect(server); // a new fd here and one in the server
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                if (exchange(channel)) {
                    idle.add(channel);
                } else {
                    channel.close();
                    failedToOpen++;
                }
            } catch (IOException failed) {
                if (failedToOpen++ == 0) {
                    System.out.println("connection " + i + " from " + source.getHostAddress() + " failed: " + failed);
                }
            }
            if ((i + 1) % 20_000 == 0) {
                System.out.printf("  %d connections open, %.1f s%n", idle.size(), (System.nanoTime() - started) / 1e9);
            }
        }
        double openSeconds = (System.nanoTime() - started) / 1e9;
        long sourcesUsed = idle.stream().map(IdleConnectionsCheck::sourceAddress).distinct().count();
        Thread.sleep(settleSeconds * 1000); // let the server's GC and allocator settle before reading RSS
        long rssHeld = rssKib(pid);
        int fdsHeld = openFiles(pid);
        long liveHeld = liveHeapBytes(pid);

        boolean newConnectionServed;
        try (SocketChannel fresh = SocketChannel.open(server)) {
            newConnectionServed = exchange(fresh);
        } catch (IOException failed) {
            newConnectionServed = false;
        }
        int probed = 0;
        int probedServed = 0;
        for (int i = 0; i < idle.size(); i += 100) {
            probed++;
            try {
                if (exchange(idle.get(i))) {
                    probedServed++;
                }
            } catch (IOException closed) {
                // counted as not served
            }
        }
        for (SocketChannel channel : idle) {
            channel.close();
        }

        double kibPerConnection = idle.isEmpty() ? 0.0 : (rssHeld - rssBefore) / (double) idle.size();
        System.out.printf("connections opened and answered: %d of %d in %.1f s, from %d source addresses (127.0.0.1-%d)%n",
                idle.size(), connections, openSeconds, sourcesUsed, sources);
        System.out.printf("server open files: %d idle baseline, %d holding them (+%d)%n", fdsBefore, fdsHeld, fdsHeld - fdsBefore);
        System.out.printf("server VmRSS: %.1f MiB idle baseline, %.1f MiB holding them: %.2f KiB per connection above the baseline"
                + " (budget %.2f)%n", rssBefore / 1024.0, rssHeld / 1024.0, kibPerConnection, maxKibPerConnection);
        if (liveBefore > 0 && liveHeld > 0 && !idle.isEmpty()) {
            System.out.printf("server live heap after a full GC: %.1f MiB idle baseline, %.1f MiB holding them: %.2f KiB per connection%n",
                    liveBefore / 1048576.0, liveHeld / 1048576.0, (liveHeld - liveBefore) / 1024.0 / idle.size());
        } else {
            System.out.println("server live heap: not measured (jcmd could not attach)");
        }
        System.out.println("new connection served while holding them: " + newConnectionServed);
        System.out.println("idle connections still served (every 100th): " + probedServed + " of " + probed);
        List<String> failures = new ArrayList<>();
        if (idle.size() != connections) {
            failures.add((connections - idle.size()) + " connections were not opened and answered");
        }
        if (fdsHeld - fdsBefore < idle.size() * 0.99) {
            failures.add("the server holds " + (fdsHeld - fdsBefore) + " more files, not one socket per connection");
        }
        if (kibPerConnection > maxKibPerConnection) {
            failures.add(String.format("%.2f KiB per connection is over the budget of %.2f", kibPerConnection, maxKibPerConnection));
        }
        if (maxRssMib > 0 && rssHeld > maxRssMib * 1024) {
            failures.add("VmRSS over " + maxRssMib + " MiB");
        }
        if (!newConnectionServed) {
            failures.add("a new connection was not served");
        }
        if (probedServed != probed) {
            failures.add((probed - probedServed) + " idle connections were no longer served");
        }
        failures.forEach(failure -> System.out.println("  - " + failure));
        System.out.println(failures.isEmpty() ? "PASS" : "FAIL");
        System.exit(failures.isEmpty() ? 0 : 1);
    }

    /** Sends one GET / and reads until a whole 200 response head and its Content-Length body arrived. */
    private static boolean exchange(SocketChannel channel) throws IOException {
        channel.write(ByteBuffer.wrap(REQUEST));
        ByteBuffer in = ByteBuffer.allocate(4096);
        while (true) {
            if (channel.read(in) < 0) {
                return false;
            }
            String text = new String(in.array(), 0, in.position(), StandardCharsets.ISO_8859_1);
            int headEnd = text.indexOf("\r\n\r\n");
            if (headEnd < 0) {
                continue;
            }
            int lengthAt = text.toLowerCase().indexOf("content-length:");
            int bodyLength = 0;
            if (lengthAt >= 0 && lengthAt < headEnd) {
                int lineEnd = text.indexOf("\r\n", lengthAt);
                bodyLength = Integer.parseInt(text.substring(lengthAt + "content-length:".length(), lineEnd).trim());
            }
            if (in.position() >= headEnd + 4 + bodyLength) {
                return text.startsWith("HTTP/1.1 200");
            }
        }
    }

    private static InetAddress sourceAddress(SocketChannel channel) {
        try {
            return ((InetSocketAddress) channel.getLocalAddress()).getAddress();
        } catch (IOException closed) {
            return null;
        }
    }

    /**
     * The server's live heap in bytes: the total of {@code jcmd <pid> GC.class_histogram}, which
     * runs a full collection first. -1 when jcmd is missing or cannot attach (another user's JVM).
     */
    private static long liveHeapBytes(long pid) throws InterruptedException {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        try {
            Process process = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.class_histogram")
                    .redirectErrorStream(true).start();
            long total = -1;
            try (var lines = process.inputReader(StandardCharsets.UTF_8).lines()) {
                for (String line : (Iterable<String>) lines::iterator) {
                    String[] fields = line.trim().split("\\s+");
                    if (fields.length == 3 && fields[0].equals("Total")) {
                        total = Long.parseLong(fields[2]);
                    }
                }
            }
            return process.waitFor() == 0 ? total : -1;
        } catch (IOException | NumberFormatException failed) {
            return -1;
        }
    }

    private static long rssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS in /proc/" + pid + "/status");
    }

    /** The server's open file descriptors: one per connection it holds, plus its own few. */
    private static int openFiles(long pid) throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            return (int) fds.count();
        }
    }
}
