package dev.httpfromscratch.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The 10,000-idle-connections check of docs/06-performance.md: opens N keep-alive connections to a
 * server, sends one {@code GET /} on each and reads its answer (so each is a real keep-alive
 * connection with a finished request, as a browser leaves it), then holds them all idle and reads
 * the server's resident memory ({@code VmRSS} in {@code /proc/<pid>/status}). Then it checks the
 * server still serves: a request on a new connection, and one on every 100th idle connection.
 *
 * <p>Usage: {@code java -cp benchmarks.jar dev.httpfromscratch.bench.IdleConnectionsCheck
 * --port 8080 --pid 1234 [--connections 10000] [--max-rss-mib 200]}; exit code 0 when every check
 * passed. Needs {@code ulimit -n} above N for this process and the server (bench/idle-check.sh
 * raises it). Loopback only.
 */
public final class IdleConnectionsCheck {
    private static final byte[] REQUEST =
            "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private IdleConnectionsCheck() {}

    public static void main(String[] args) throws Exception {
        int port = 0;
        long pid = -1;
        int connections = 10_000;
        long maxRssMib = 200;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--pid" -> pid = Long.parseLong(args[i + 1]);
                case "--connections" -> connections = Integer.parseInt(args[i + 1]);
                case "--max-rss-mib" -> maxRssMib = Long.parseLong(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (port == 0 || pid < 0) {
            System.err.println("usage: IdleConnectionsCheck --port N --pid SERVER_PID [--connections N] [--max-rss-mib M]");
            System.exit(2);
        }
        InetSocketAddress server = new InetSocketAddress("127.0.0.1", port);
        long rssBefore = rssKib(pid);
        List<SocketChannel> idle = new ArrayList<>(connections);
        long started = System.nanoTime();
        int failedToOpen = 0;
        for (int i = 0; i < connections; i++) {
            try {
                SocketChannel channel = SocketChannel.open(server); // connect(): a new fd here and one in the server
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                exchange(channel);
                idle.add(channel);
            } catch (IOException failed) {
                if (failedToOpen++ == 0) {
                    System.out.println("connection " + i + " failed: " + failed);
                }
            }
        }
        double openSeconds = (System.nanoTime() - started) / 1e9;
        Thread.sleep(2_000); // let the server's GC and allocator settle before reading RSS
        long rssHeld = rssKib(pid);

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

        System.out.printf("connections opened and answered: %d of %d in %.1f s%n", idle.size(), connections, openSeconds);
        System.out.printf("server VmRSS: %.1f MiB before, %.1f MiB holding them (%.1f KiB per connection)%n",
                rssBefore / 1024.0, rssHeld / 1024.0, idle.isEmpty() ? 0.0 : (rssHeld - rssBefore) / (double) idle.size());
        System.out.println("new connection served while holding them: " + newConnectionServed);
        System.out.println("idle connections still served (every 100th): " + probedServed + " of " + probed);
        boolean pass = idle.size() == connections && rssHeld < maxRssMib * 1024 && newConnectionServed && probedServed == probed;
        System.out.println(pass ? "PASS" : "FAIL");
        System.exit(pass ? 0 : 1);
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

    private static long rssKib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS in /proc/" + pid + "/status");
    }
}
