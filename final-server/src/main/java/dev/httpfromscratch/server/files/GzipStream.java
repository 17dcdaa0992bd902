package dev.httpfromscratch.server.files;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * A file compressed with gzip while it is sent, never as a whole compressed copy (docs/08-files.md,
 * "Code: negotiating gzip"). The compressed length is unknown until the end, so the body goes out
 * with the chunked transfer-coding (RFC 9112 §7.1): each turn reads at most {@link #READ_BYTES}
 * of the file, deflates them, and frames what the deflater gave back as one chunk.
 *
 * <p>Memory per download is bounded: the read buffer, the deflater's window and hash tables
 * (about 256 KiB of native memory for zlib's defaults, released by {@link #close()}), and one
 * chunk. Compression runs on the event loop's thread, so it uses level 1 (nginx's default
 * {@code gzip_comp_level}): most of the saving for a fraction of the CPU.
 *
 * <p>sendfile cannot be used here: the bytes must pass through user space to be compressed.
 */
public final class GzipStream implements BodySource {
    static final int READ_BYTES = 16 * 1024;
    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] LAST_CHUNK = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private final FileChannel file;
    private final long end;
    private long position;
    private final ByteBuffer input = ByteBuffer.allocate(READ_BYTES);
    /** What the deflater produced since the last chunk (reset per chunk: at most a few times READ_BYTES). */
    private final ByteArrayOutputStream compressed = new ByteArrayOutputStream(READ_BYTES);
    private final GZIPOutputStream gzip;
    private ByteBuffer chunk = ByteBuffer.allocate(0);
    private boolean finished;
    private boolean closed;

    private GzipStream(FileChannel file, long length) throws IOException {
        this.file = file;
        this.end = length;
        this.gzip = new GZIPOutputStream(compressed, 8192) {
            {
                def.setLevel(Deflater.BEST_SPEED);
            }
        };
    }

    /** Opens {@code path} to send its first {@code length} bytes gzip-compressed. */
    public static GzipStream open(Path path, long length) throws IOException {
        FileChannel file = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return new GzipStream(file, length);
        } catch (IOException | RuntimeException failed) {
            file.close();
            throw failed;
        }
    }

    @Override
    public long length() {
        return -1;
    }

    @Override
    public long remaining() {
        return end - position + chunk.remaining();
    }

    @Override
    public boolean isDone() {
        return finished && !chunk.hasRemaining();
    }

    @Override
    public long writeTo(WritableByteChannel socket) throws IOException {
        long written = 0;
        while (written < FileTransfer.MAX_BYTES_PER_TURN) {
            if (chunk.hasRemaining()) {
                written += socket.write(chunk);
                if (chunk.hasRemaining()) {
                    return written; // the send buffer is full: wait for OP_WRITE
                }
            }
            if (finished) {
                return written;
            }
            nextChunk();
        }
        return written;
    }

    /** Reads the next piece of the file and frames what the deflater gives back as one chunk (none if it gave nothing yet). */
    private void nextChunk() throws IOException {
        input.clear().limit((int) Math.min(READ_BYTES, Math.max(0, end - position)));
        int read = position < end ? file.read(input, position) : -1; // pread(2) into the heap: compression needs the bytes
        if (read < 0) {
            gzip.finish(); // the deflater's last block and the gzip trailer (CRC-32, length)
            finished = true;
        } else {
            gzip.write(input.array(), 0, read);
            position += read;
        }
        byte[] data = compressed.toByteArray();
        compressed.reset();
        ByteArrayOutputStream framed = new ByteArrayOutputStream(data.length + 16);
        if (data.length > 0) { // a chunk of size 0 would end the body: skip it
            framed.write(Integer.toHexString(data.length).getBytes(StandardCharsets.US_ASCII));
            framed.write(CRLF);
            framed.write(data);
            framed.write(CRLF);
        }
        if (finished) {
            framed.write(LAST_CHUNK);
        }
        chunk = ByteBuffer.wrap(framed.toByteArray());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            gzip.close(); // ends the deflater: its native memory is freed now, not at some later GC
        } catch (IOException ignored) {
            // it only wrote into memory
        }
        try {
            file.close();
        } catch (IOException ignored) {
            // released either way
        }
    }
}
