package dev.httpfromscratch.step2;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Reads a request's header section off a connection, however TCP cut it into pieces
 * (docs/02-io.md, "Stage 2: keep reading until the blank line").
 *
 * <p>TCP delivers a stream of bytes, not messages: one {@code read()} may return one byte of a
 * request, half of it, or the end of one request and the start of the next. The only way to know
 * the header section is complete is to find the blank line that ends it, {@code \r\n\r\n}, in
 * everything read so far, and those four bytes may themselves arrive in different reads.
 */
public final class RequestReader {
    /** What one {@code read()} asks the kernel for: CerberusHTTP's {@code recv(fd, buffer, 1024, 0)}. */
    public static final int BUFFER_SIZE = 1024;
    /** Reading stops here without a blank line: 16 KiB is plenty for real headers and bounds memory per connection. */
    public static final int MAX_HEADER_SECTION_BYTES = 16 * 1024;

    private static final byte[] END_OF_HEADER_SECTION = {'\r', '\n', '\r', '\n'};

    /**
     * Everything read up to and including the {@code \r\n\r\n}, plus whatever came after it in the
     * same {@code read()} (the start of a body; this step ignores it).
     *
     * @param bytes the bytes read, in order
     * @param reads how many {@code read()} calls returned data: more than one means TCP split the request
     */
    public record HeaderSection(byte[] bytes, int reads) {}

    private RequestReader() {}

    /**
     * Reads from {@code in} into a {@link #BUFFER_SIZE}-byte buffer, appending each piece to what
     * came before, until the bytes read so far contain {@code \r\n\r\n}.
     *
     * @throws EOFException                    the client closed its side first ({@code read()} returned -1)
     * @throws java.net.SocketTimeoutException nothing arrived for as long as the socket's SO_TIMEOUT
     * @throws HeaderSectionTooLargeException  over {@link #MAX_HEADER_SECTION_BYTES} without a blank line
     * @throws IOException                     the connection was reset, or another error of the socket
     */
    public static HeaderSection readHeaderSection(InputStream in) throws IOException {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Step 2: return every byte of the header section, up to its blank line, however many reads it arrives in (docs/02-io.md, 'Stage 2: keep reading until the blank line')");
        byte[] buffer = new byte[BUFFER_SIZE];
        byte[] received = new byte[BUFFER_SIZE];
        int length = 0;
        int reads = 0;
        while (true) {
            // read(fd, buffer, 1024): sleeps in the kernel until at least one byte is there, the
            // peer's FIN arrives (-1), or SO_TIMEOUT passes. It returns whatever has arrived, 1 to
            // 1024 bytes, never "one request".
            int count = in.read(buffer, 0, BUFFER_SIZE);
            if (count == -1) {
                throw new EOFException("closed the connection after " + length
                        + " bytes, before the end of the header section (\\r\\n\\r\\n)");
            }
            reads++;
            if (length + count > received.length) {
                received = Arrays.copyOf(received, Math.max(received.length * 2, length + count));
            }
            System.arraycopy(buffer, 0, received, length, count);
            // The terminator may straddle two reads ("...\r\n\r" then "\n"), so the search starts
            // three bytes before the new piece, not at its first byte.
            int searchFrom = Math.max(0, length - (END_OF_HEADER_SECTION.length - 1));
            length += count;
            if (indexOf(END_OF_HEADER_SECTION, received, searchFrom, length) >= 0) {
                return new HeaderSection(Arrays.copyOf(received, length), reads);
            }
            if (length > MAX_HEADER_SECTION_BYTES) {
                throw new HeaderSectionTooLargeException(length);
            }
        }
        // END SOLUTION
    }

    /** Where {@code pattern} starts in {@code bytes[from, to)}, or -1. */
    static int indexOf(byte[] pattern, byte[] bytes, int from, int to) {
        outer:
        for (int i = from; i <= to - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (bytes[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
