package dev.httpfromscratch.server.files;

import static org.assertj.core.api.Assertions.fail;

import dev.httpfromscratch.server.FinalServer;
import dev.httpfromscratch.server.RunOptions;
import dev.httpfromscratch.server.ServerConfig;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RunningServer;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * What the file tests share: the final server started on port 0 with {@code --files-dir}, a
 * download read as a stream (a 1 GiB body is counted, never held), and the numbers the leak and
 * heap tests watch.
 */
final class FileServers {
    private FileServers() {}

    static RunningServer start(Path directory) {
        return start(directory, UnaryOperator.identity());
    }

    /** Port 0, two event loops, no access log, files from {@code directory}; {@code change} adjusts the limits. */
    static RunningServer start(Path directory, UnaryOperator<ServerConfig> change) {
        ServerConfig config = change.apply(ServerConfig.defaults().withPort(0).withEventLoops(2).withAccessLog(false));
        RunOptions options = RunOptions.defaults().withFilesDir(directory);
        return RunningServer.start(console -> new FinalServer(config, options, console, console));
    }

    /** A file of {@code size} bytes whose byte i is (i * 31 + i / 251) mod 256: every range is distinguishable. */
    static Path patterned(Path directory, String name, int size) throws IOException {
        byte[] bytes = new byte[size];
        for (int i = 0; i < size; i++) {
            bytes[i] = (byte) (i * 31 + i / 251);
        }
        return Files.write(directory.resolve(name), bytes);
    }

    /** A socket whose receive buffer is pinned small (before connect, so the window is small too): the server's writes come back partial. */
    static Socket smallWindowSocket(int port, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        socket.setReceiveBufferSize(receiveBuffer);
        socket.setSoTimeout((int) RawConnection.DEFAULT_DEADLINE.toMillis());
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        return socket;
    }

    /** A response read as a stream: the head parsed, the body counted and checked by the caller. */
    static final class Download {
        final String statusLine;
        final Map<String, String> headers = new LinkedHashMap<>();
        private final InputStream in;

        Download(InputStream in) throws IOException {
            this.in = in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 64 * 1024);
            String head = readHead(this.in);
            String[] lines = head.split("\r\n");
            statusLine = lines[0];
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip());
            }
        }

        int status() {
            return Integer.parseInt(statusLine.split(" ")[1]);
        }

        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        long contentLength() {
            String value = header("Content-Length");
            if (value == null) {
                fail("The response to a file download has no Content-Length; its head was:%n%s %s", statusLine, headers);
            }
            return Long.parseLong(value);
        }

        /** Reads up to {@code buffer.length} body bytes; -1 at the end of the stream. */
        int read(byte[] buffer, int length) throws IOException {
            return in.read(buffer, 0, length);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                fail("The server closed the connection before the end of a response head; it sent:%n%s",
                        head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        return text.substring(0, text.length() - 4);
    }

    /** This JVM's open file descriptors (server and test share it), from /proc/self/fd. */
    static int openDescriptors() {
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            return (int) entries.count();
        } catch (IOException unreadable) {
            throw new IllegalStateException("/proc/self/fd cannot be read", unreadable);
        }
    }

    /** Descriptors of this JVM open on files under {@code directory}: a download's file left open shows here. */
    static long descriptorsUnder(Path directory) {
        Path real;
        try {
            real = directory.toRealPath();
        } catch (IOException gone) {
            return 0;
        }
        try (Stream<Path> entries = Files.list(Path.of("/proc/self/fd"))) {
            return entries.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).startsWith(real);
                } catch (IOException closedMeanwhile) {
                    return false;
                }
            }).count();
        } catch (IOException unreadable) {
            throw new IllegalStateException("/proc/self/fd cannot be read", unreadable);
        }
    }
}
