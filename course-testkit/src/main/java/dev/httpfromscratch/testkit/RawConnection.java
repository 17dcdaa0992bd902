package dev.httpfromscratch.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.opentest4j.AssertionFailedError;

/**
 * A raw TCP client for tests: it sends exactly the bytes it is given, in the fragments and with
 * the pauses it is told, and reads responses with a deadline, so no test can hang.
 *
 * <p>Everything sent and received is kept, so a failure can show the student the whole
 * conversation ({@link #transcript()}).
 */
public final class RawConnection implements AutoCloseable {
    /** The longest any test waits for a server: only there to stop a hang, never a speed check. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(15);

    /** How the connection ended, as seen from the client. */
    public enum Closed { BY_SERVER_EOF, BY_SERVER_RESET, STILL_OPEN }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private byte[] received = new byte[8192];
    private int receivedLength;
    private int responseStart; // where the next unread response begins in `received`
    private boolean endOfStream;
    private boolean reset;

    private RawConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects to 127.0.0.1:{@code port}; a refused connection fails the test with a hint. */
    public static RawConnection open(int port) {
        Socket socket = new Socket();
        try {
            socket.setTcpNoDelay(true); // each send() leaves as its own segment, so fragments stay fragments
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), (int) DEFAULT_DEADLINE.toMillis());
            return new RawConnection(socket);
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // nothing more to release
            }
            throw new AssertionFailedError("Could not connect to 127.0.0.1:" + port + " (" + e.getMessage()
                    + "): nothing listens on that port now. Either the server never bound it, or it has stopped since "
                    + "(a server whose loop ended closes its listening socket): look at what the server printed.", e);
        }
    }

    public int localPort() {
        return socket.getLocalPort();
    }

    public Socket socket() {
        return socket;
    }

    // ---- sending -------------------------------------------------------------------------

    public RawConnection send(String text) {
        return send(text.getBytes(StandardCharsets.UTF_8));
    }

    public RawConnection send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            sent.write(bytes);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("sending failed after " + sent.size() + " bytes: " + e.getMessage() + "\n" + transcript(), e);
        }
    }

    /** Sends {@code bytes} in pieces of {@code pieceSize} bytes with {@code pause} between them. */
    public RawConnection sendInPieces(byte[] bytes, int pieceSize, Duration pause) {
        for (int from = 0; from < bytes.length; from += pieceSize) {
            if (from > 0) {
                sleep(pause);
            }
            send(Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + pieceSize)));
        }
        return this;
    }

    /** Sends {@code bytes} cut at the given offsets, pausing between the fragments. */
    public RawConnection sendSplitAt(byte[] bytes, Duration pause, int... cuts) {
        int from = 0;
        for (int cut : cuts) {
            send(Arrays.copyOfRange(bytes, from, cut));
            sleep(pause);
            from = cut;
        }
        return send(Arrays.copyOfRange(bytes, from, bytes.length));
    }

    /** Half-closes: the server reads end-of-stream, but this side can still read (shutdown(SHUT_WR)). */
    public RawConnection shutdownOutput() {
        try {
            socket.shutdownOutput();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes with SO_LINGER 0, so the kernel sends a TCP RST instead of a FIN. */
    public void reset() {
        try {
            socket.setSoLinger(true, 0);
            socket.close();
        } catch (IOException ignored) {
            // already gone: just as good for a test of resets
        }
    }

    // ---- receiving -----------------------------------------------------------------------

    /** Reads the next response (status line, headers, body) within the default deadline. */
    public RawResponse readResponse() {
        return readResponse(DEFAULT_DEADLINE, false);
    }

    /** Reads the response to a HEAD request: headers only, whatever Content-Length says. */
    public RawResponse readHeadResponse() {
        return readResponse(DEFAULT_DEADLINE, true);
    }

    /**
     * Reads one response within {@code deadline}. The body is framed as RFC 9112 §6.3 says: none
     * for HEAD, 1xx, 204 and 304; chunked; Content-Length; or everything until the server closes.
     */
    public RawResponse readResponse(Duration deadline, boolean headRequest) {
        long end = System.nanoTime() + deadline.toNanos();
        int headerEnd;
        while ((headerEnd = indexOf(CRLFCRLF, responseStart)) < 0) {
            if (!fill(end)) {
                throw noResponse(deadline);
            }
        }
        int start = responseStart;
        String head = new String(received, start, headerEnd - start, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r\n", -1);
        String statusLine = lines[0];
        String[] parts = statusLine.split(" ", 3);
        int status;
        try {
            status = Integer.parseInt(parts[1]);
        } catch (RuntimeException e) {
            throw new AssertionFailedError("The status line \"" + statusLine + "\" is not \"HTTP/1.1 <3-digit code> <reason>\".\n" + transcript());
        }
        List<RawResponse.Header> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                throw new AssertionFailedError("The header line \"" + lines[i] + "\" has no \"name: value\" form.\n" + transcript());
            }
            headers.add(new RawResponse.Header(lines[i].substring(0, colon), lines[i].substring(colon + 1).strip()));
        }
        int bodyStart = headerEnd + 4;
        responseStart = bodyStart;
        byte[] body = readBody(status, headers, headRequest, end, deadline);
        byte[] raw = Arrays.copyOfRange(received, start, responseStart);
        return new RawResponse(statusLine, parts[0], status, parts.length > 2 ? parts[2] : "", List.copyOf(headers), body, raw, transcript());
    }

    private byte[] readBody(int status, List<RawResponse.Header> headers, boolean headRequest, long end, Duration deadline) {
        if (headRequest || status / 100 == 1 || status == 204 || status == 304) {
            return new byte[0];
        }
        String transferEncoding = value(headers, "Transfer-Encoding");
        if (transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).endsWith("chunked")) {
            return readChunkedBody(end, deadline);
        }
        String contentLength = value(headers, "Content-Length");
        if (contentLength != null) {
            int length;
            try {
                length = Integer.parseInt(contentLength.trim());
            } catch (NumberFormatException e) {
                throw new AssertionFailedError("Content-Length \"" + contentLength + "\" is not a number.\n" + transcript());
            }
            while (receivedLength - responseStart < length) {
                if (!fill(end)) {
                    throw new AssertionFailedError("The response announced Content-Length: " + length + " but only "
                            + (receivedLength - responseStart) + " body bytes came " + (endOfStream ? "before the server closed the connection" : "within " + deadline.toSeconds() + " s") + ".\n" + transcript());
                }
            }
            byte[] body = Arrays.copyOfRange(received, responseStart, responseStart + length);
            responseStart += length;
            return body;
        }
        while (fill(end)) {
            // no length: the body runs until the server closes the connection
        }
        if (!endOfStream && !reset) {
            throw new AssertionFailedError("The response has neither Content-Length nor chunked framing, and the server did not close the connection within "
                    + deadline.toSeconds() + " s, so the client cannot know where the body ends.\n" + transcript());
        }
        byte[] body = Arrays.copyOfRange(received, responseStart, receivedLength);
        responseStart = receivedLength;
        return body;
    }

    private byte[] readChunkedBody(long end, Duration deadline) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            int lineEnd;
            while ((lineEnd = indexOf(CRLF, responseStart)) < 0) {
                requireMore(end, deadline, "a chunk size line");
            }
            String sizeLine = new String(received, responseStart, lineEnd - responseStart, StandardCharsets.ISO_8859_1);
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
            responseStart = lineEnd + 2;
            if (size == 0) {
                int trailerEnd;
                while ((trailerEnd = indexOf(CRLF, responseStart)) < 0) {
                    requireMore(end, deadline, "the end of the chunked body");
                }
                while (trailerEnd != responseStart) { // skip trailer fields up to the empty line
                    responseStart = trailerEnd + 2;
                    while ((trailerEnd = indexOf(CRLF, responseStart)) < 0) {
                        requireMore(end, deadline, "the end of the trailer section");
                    }
                }
                responseStart = trailerEnd + 2;
                return body.toByteArray();
            }
            while (receivedLength - responseStart < size + 2) {
                requireMore(end, deadline, "a chunk of " + size + " bytes");
            }
            body.write(received, responseStart, size);
            responseStart += size + 2;
        }
    }

    private void requireMore(long end, Duration deadline, String waitingFor) {
        if (!fill(end)) {
            throw new AssertionFailedError("Waiting for " + waitingFor + ", but " + (endOfStream ? "the server closed the connection" : "nothing came within " + deadline.toSeconds() + " s") + ".\n" + transcript());
        }
    }

    /**
     * Waits until the server closes the connection (or resets it), reading whatever it still sends.
     * Returns {@link Closed#STILL_OPEN} if it is still open when the deadline passes.
     */
    public Closed awaitClose(Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        while (fill(end)) {
            // drain until EOF, reset or deadline
        }
        if (reset) {
            return Closed.BY_SERVER_RESET;
        }
        return endOfStream ? Closed.BY_SERVER_EOF : Closed.STILL_OPEN;
    }

    /** Everything received since the last complete response (the bytes not yet read as one). */
    public byte[] unreadBytes() {
        return Arrays.copyOfRange(received, responseStart, receivedLength);
    }

    /** Every byte received so far. */
    public byte[] receivedBytes() {
        return Arrays.copyOf(received, receivedLength);
    }

    /** Reads until the server closes or the deadline passes and returns every byte received. */
    public byte[] readUntilClosed(Duration deadline) {
        awaitClose(deadline);
        return receivedBytes();
    }

    /** What was sent and what came back, for failure messages. */
    public String transcript() {
        return "The test sent:\n" + Bytes.block(sent.toByteArray()) + "\nThe server answered:\n"
                + Bytes.block(Arrays.copyOf(received, receivedLength))
                + (reset ? "\n    (then reset the connection)" : endOfStream ? "\n    (then closed the connection)" : "");
    }

    private AssertionFailedError noResponse(Duration deadline) {
        String what;
        if (receivedLength == responseStart) {
            what = reset ? "The server reset the connection without answering."
                    : endOfStream ? "The server closed the connection without answering (EOF)."
                    : "No response came within " + deadline.toSeconds() + " s. Is the server still waiting for more bytes of the request, or did it never write?";
        } else {
            what = endOfStream || reset ? "The server closed the connection before the end of the header section (\\r\\n\\r\\n)."
                    : "The header section of the response never ended with \\r\\n\\r\\n within " + deadline.toSeconds() + " s.";
        }
        return new AssertionFailedError(what + "\n" + transcript());
    }

    /** Reads once more from the socket; false on end-of-stream, reset or deadline. */
    private boolean fill(long end) {
        if (endOfStream || reset) {
            return false;
        }
        long left = end - System.nanoTime();
        if (left <= 0) {
            return false;
        }
        try {
            socket.setSoTimeout((int) Math.max(1, Duration.ofNanos(left).toMillis()));
            if (receivedLength == received.length) {
                received = Arrays.copyOf(received, received.length * 2);
            }
            int n = in.read(received, receivedLength, received.length - receivedLength);
            if (n < 0) {
                endOfStream = true;
                return false;
            }
            receivedLength += n;
            return true;
        } catch (SocketTimeoutException timeout) {
            return false;
        } catch (SocketException gone) {
            reset = true;
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final byte[] CRLF = {'\r', '\n'};
    private static final byte[] CRLFCRLF = {'\r', '\n', '\r', '\n'};

    private int indexOf(byte[] pattern, int from) {
        outer:
        for (int i = from; i <= receivedLength - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (received[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String value(List<RawResponse.Header> headers, String name) {
        return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(RawResponse.Header::value).findFirst().orElse(null);
    }

    static void sleep(Duration pause) {
        try {
            Thread.sleep(pause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pausing between fragments", e);
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing a test connection cannot fail in a way that matters
        }
    }
}
