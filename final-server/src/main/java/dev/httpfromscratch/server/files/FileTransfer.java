package dev.httpfromscratch.server.files;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A region of a file sent to a socket without passing through the heap (docs/08-files.md,
 * "Code: sending a file without copying"). {@link FileChannel#transferTo} to a socket channel is
 * {@code sendfile(2)} on Linux: the kernel moves pages from the page cache into the socket's send
 * buffer, and the bytes never enter user space, let alone the Java heap.
 *
 * <p>On a non-blocking socket {@code sendfile} returns as soon as the send buffer is full, after
 * any number of bytes (a partial transfer). The position remembers where it stopped, and the
 * event loop calls {@link #writeTo} again when the socket reports OP_WRITE. One call writes at
 * most {@link #MAX_BYTES_PER_TURN}: a reader on loopback drains as fast as we write, and without
 * a cap one download would keep the loop from every other connection it owns.
 */
public final class FileTransfer implements BodySource {
    /** The fair share of one event-loop turn: then the loop serves the others and comes back on OP_WRITE. */
    static final long MAX_BYTES_PER_TURN = 512 * 1024;

    private final FileChannel file;
    private final long end;
    private final long length;
    private long position;
    private boolean closed;

    FileTransfer(FileChannel file, long first, long length) {
        this.file = file;
        this.position = first;
        this.end = first + length;
        this.length = length;
    }

    /** Opens {@code path} (open(2): one descriptor, held until {@link #close()}) to send {@code length} bytes from {@code first}. */
    public static FileTransfer open(Path path, long first, long length) throws IOException {
        return new FileTransfer(FileChannel.open(path, StandardOpenOption.READ), first, length);
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public long remaining() {
        return end - position;
    }

    @Override
    public boolean isDone() {
        return position >= end;
    }

    @Override
    public long writeTo(WritableByteChannel socket) throws IOException {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Files: send the rest of the file region to the socket, as much as it takes now, and remember where you stopped (docs/08-files.md, 'Code: sending a file without copying')");
        long written = 0;
        while (position < end && written < MAX_BYTES_PER_TURN) {
            long count = Math.min(end - position, MAX_BYTES_PER_TURN - written);
            long n = file.transferTo(position, count, socket); // sendfile(out_fd, in_fd, &offset, count)
            if (n <= 0) {
                if (position >= file.size()) {
                    // The file shrank under us: the promised Content-Length cannot be kept, so
                    // the connection must close (the client sees a short body, not a wrong one).
                    throw new IOException("the file shrank while it was being sent");
                }
                break; // the send buffer is full: the loop waits for OP_WRITE
            }
            position += n;
            written += n;
        }
        return written;
        // END SOLUTION
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            file.close(); // close(2): the descriptor goes back to the process's table
        } catch (IOException ignored) {
            // a read-only descriptor has nothing left to flush: it is released either way
        }
    }
}
