package dev.httpfromscratch.server.files;

import static dev.httpfromscratch.testkit.ResponseAssert.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.server.Conditions;
import dev.httpfromscratch.testkit.Extension;
import dev.httpfromscratch.testkit.Points;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RunningServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Large files on the event loop (docs/08-files.md, "Code: sending a file without copying"):
 * readers with a small window, so the kernel takes a little of the file at a time and the
 * transfer must resume on OP_WRITE; many downloads at once while other clients are still served;
 * a 1 GiB file with the heap staying flat; and no file descriptor left open, however a download ends.
 */
@Extension("files")
@DisplayName("Files: large files, slow readers, no copies, no leaks")
class LargeDownloadsTest {
    private static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;

    private static void request(Socket socket, String target) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Reads a whole download's body, pausing now and then, and returns its CRC-32. */
    private static long readBody(FileServers.Download download, long length, int pauseEveryBytes) throws IOException, InterruptedException {
        CRC32 crc = new CRC32();
        byte[] buffer = new byte[16 * 1024];
        long read = 0;
        long sincePause = 0;
        while (read < length) {
            int n = download.read(buffer, (int) Math.min(buffer.length, length - read));
            assertThat(n).as("the server closed the connection after %d of the %d body bytes it announced", read, length).isPositive();
            crc.update(buffer, 0, n);
            read += n;
            sincePause += n;
            if (pauseEveryBytes > 0 && sincePause >= pauseEveryBytes) {
                Thread.sleep(2);
                sincePause = 0;
            }
        }
        return crc.getValue();
    }

    private static long crcOf(Path file) throws IOException {
        CRC32 crc = new CRC32();
        crc.update(Files.readAllBytes(file));
        return crc.getValue();
    }

    @Test
    @Points(2)
    @DisplayName("a reader with a 16 KiB window gets an 8 MiB file whole: the transfer resumes each time the socket has room")
    void slowReader() throws Exception {
        Path file = FileServers.patterned(dir, "eight.bin", 8 * MIB);
        try (RunningServer server = FileServers.start(dir); Socket socket = FileServers.smallWindowSocket(server.port(), 16 * 1024)) {
            request(socket, "/files/eight.bin");
            FileServers.Download download = new FileServers.Download(socket.getInputStream());
            assertThat(download.status()).as("GET /files/eight.bin: %s", download.statusLine).isEqualTo(200);
            assertThat(download.contentLength()).isEqualTo(8L * MIB);
            assertThat(readBody(download, 8L * MIB, 256 * 1024))
                    .as("the CRC-32 of the 8 MiB body must be the file's: a transfer that does not resume where the socket stopped "
                            + "skips or repeats bytes (keep the file position of the last partial transfer)")
                    .isEqualTo(crcOf(file));
        }
    }

    @Test
    @Points(2)
    @DisplayName("eight clients that do not read a 4 MiB download hold their connections, and a keep-alive GET / is still answered")
    void concurrentDownloadsDoNotBlockTheLoop() throws Exception {
        Path file = FileServers.patterned(dir, "four.bin", 4 * MIB);
        long expected = crcOf(file);
        try (RunningServer server = FileServers.start(dir)) {
            List<Socket> readers = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    Socket socket = FileServers.smallWindowSocket(server.port(), 8 * 1024);
                    readers.add(socket);
                    request(socket, "/files/four.bin");
                }
                try (RawConnection other = server.connect()) {
                    for (int i = 0; i < 3; i++) {
                        assertThatResponse(other.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").readResponse())
                                .as("GET / on another connection while eight downloads wait for their readers (a loop stuck on one download answers nothing)")
                                .hasStatus(200);
                    }
                }
                for (Socket socket : readers) {
                    FileServers.Download download = new FileServers.Download(socket.getInputStream());
                    assertThat(download.status()).as("download: %s", download.statusLine).isEqualTo(200);
                    assertThat(readBody(download, download.contentLength(), 0)).as("the CRC-32 of a 4 MiB download read after the others").isEqualTo(expected);
                }
                Conditions.await("every downloaded file to be closed (no descriptor on " + dir + ")",
                        () -> FileServers.descriptorsUnder(dir) == 0, () -> FileServers.descriptorsUnder(dir) + " descriptors still open on the directory");
            } finally {
                for (Socket socket : readers) {
                    socket.close();
                }
            }
        }
    }

    @Test
    @Points(2)
    @DisplayName("a 1 GiB (sparse) file downloads whole while the heap stays flat: the file never passes through the heap")
    void oneGibibyteHeapStaysFlat() throws Exception {
        Path file = dir.resolve("huge.bin");
        try (RandomAccessFile sparse = new RandomAccessFile(file.toFile(), "rw")) {
            sparse.setLength(1024L * MIB); // a hole: no disk blocks, reads as zeros
        }
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        try (RunningServer server = FileServers.start(dir); Socket socket = FileServers.smallWindowSocket(server.port(), 256 * 1024)) {
            System.gc();
            long before = memory.getHeapMemoryUsage().getUsed();
            request(socket, "/files/huge.bin");
            FileServers.Download download = new FileServers.Download(socket.getInputStream());
            assertThat(download.contentLength()).as("Content-Length of the 1 GiB file").isEqualTo(1024L * MIB);
            byte[] buffer = new byte[256 * 1024];
            long read = 0;
            long peakAfterGc = 0;
            int nonZero = 0;
            while (read < 1024L * MIB) {
                int n = download.read(buffer, (int) Math.min(buffer.length, 1024L * MIB - read));
                assertThat(n).as("the server closed the connection after %d of 1 GiB", read).isPositive();
                for (int i = 0; i < n; i += 4096) {
                    nonZero |= buffer[i];
                }
                read += n;
                if (read % (256L * MIB) < n) { // four times during the download, as a slow reader pausing: the live heap
                    System.gc();
                    peakAfterGc = Math.max(peakAfterGc, memory.getHeapMemoryUsage().getUsed());
                }
            }
            assertThat(nonZero).as("a sparse file reads as zeros").isZero();
            long growth = peakAfterGc - before;
            assertThat(growth).as("the live heap grew by %d MiB during a 1 GiB download (before: %d MiB); a server that reads the file "
                    + "into a byte[] or ByteBuffer.allocate grows by hundreds of MiB: send it with FileChannel.transferTo", growth / MIB, before / MIB)
                    .isLessThan(64L * MIB);
        }
    }

    @Test
    @Points(2)
    @DisplayName("no file descriptor stays open after 300 downloads that end every way: whole, HEAD, 304, range, gzip, reset mid-body")
    void noDescriptorLeak() throws Exception {
        FileServers.patterned(dir, "two.bin", 2 * MIB);
        Files.writeString(dir.resolve("text.txt"), "some text to compress\n".repeat(100_000));
        int downloads = Integer.getInteger("files.downloads", 300);
        int before = FileServers.openDescriptors();
        try (RunningServer server = FileServers.start(dir)) {
            for (int i = 0; i < downloads; i++) {
                try (RawConnection client = server.connect()) {
                    switch (i % 6) {
                        case 0 -> {
                            byte[] whole = client.send("GET /files/two.bin HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                                    .readUntilClosed(RawConnection.DEFAULT_DEADLINE);
                            assertThat(whole.length).as("bytes of a whole 2 MiB download (head and body) before the server closed; it began:%n%s",
                                    new String(whole, 0, Math.min(whole.length, 300), StandardCharsets.ISO_8859_1)).isGreaterThan(2 * MIB);
                        }
                        case 1 -> client.send("HEAD /files/two.bin HTTP/1.1\r\nHost: x\r\n\r\n").readHeadResponse();
                        case 2 -> client.send("GET /files/two.bin HTTP/1.1\r\nHost: x\r\nIf-None-Match: *\r\n\r\n").readResponse();
                        case 3 -> client.send("GET /files/two.bin HTTP/1.1\r\nHost: x\r\nRange: bytes=100-\r\n\r\n").readResponse();
                        case 4 -> client.send("GET /files/text.txt HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n").reset();
                        default -> client.send("GET /files/two.bin HTTP/1.1\r\nHost: x\r\n\r\n").reset();
                    }
                }
            }
            Conditions.await("every file the " + downloads + " downloads opened to be closed",
                    () -> FileServers.descriptorsUnder(dir) == 0, () -> FileServers.descriptorsUnder(dir) + " descriptors still open on files of " + dir);
        }
        System.out.printf("files: %d downloads; open descriptors of this JVM before %d, after %d%n", downloads, before, FileServers.openDescriptors());
    }

    @Test
    @Points(1)
    @DisplayName("a client that stops reading a download is closed after the write timeout, and its file is closed")
    void stalledReaderTimesOut() throws Exception {
        FileServers.patterned(dir, "eight.bin", 8 * MIB);
        try (RunningServer server = FileServers.start(dir, config -> config.withWriteTimeout(Duration.ofMillis(300)));
             Socket socket = FileServers.smallWindowSocket(server.port(), 8 * 1024)) {
            request(socket, "/files/eight.bin");
            FileServers.Download download = new FileServers.Download(socket.getInputStream());
            assertThat(download.status()).as("GET /files/eight.bin: %s", download.statusLine).isEqualTo(200);
            assertThat(download.read(new byte[1024], 1024)).as("the first body bytes").isPositive();
            Conditions.await("the server to give up on a reader that stopped, and close the file",
                    () -> FileServers.descriptorsUnder(dir) == 0, () -> FileServers.descriptorsUnder(dir) + " descriptors still open on the directory");
        }
    }
}
