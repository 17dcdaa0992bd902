package dev.httpfromscratch.step2;

import dev.httpfromscratch.common.VisibleBytes;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;

/**
 * One connection from its first byte to its last (docs/02-io.md, "Stage 1: read a request and
 * answer it" and "Stage 3: drop clients that misbehave"): set the read timeout, read the header
 * section, print it, write the fixed response.
 *
 * <p>Every way a client can misbehave arrives here as an exception of the socket: end of stream
 * before the blank line, a reset (ECONNRESET), a broken pipe on write (EPIPE), silence longer than
 * the read timeout. Each is caught and printed as one line; none may escape to the thread that
 * serves the next client. The caller ({@link BlockingServer}) closes the socket afterwards.
 */
public final class ConnectionHandler {
    /** Whatever a rejected client still sends after our answer is read and dropped, up to this much. */
    private static final int DISCARD_AT_MOST_BYTES = 64 * 1024;

    private final int readTimeoutMillis;
    private final PrintStream console;

    /**
     * @param readTimeoutMillis how long one {@code read()} may wait for a byte before the client
     *                          is dropped (SO_TIMEOUT; 0 would mean forever, which this step forbids)
     * @param console           where the raw request and one line per connection go
     */
    public ConnectionHandler(int readTimeoutMillis, PrintStream console) {
        if (readTimeoutMillis <= 0) {
            throw new IllegalArgumentException("a read timeout of " + readTimeoutMillis + " ms would let one client hang a thread forever");
        }
        this.readTimeoutMillis = readTimeoutMillis;
        this.console = console;
    }

    /**
     * Serves {@code client}: SO_TIMEOUT of {@code readTimeoutMillis}, read the header section with
     * {@link RequestReader}, print "request from &lt;peer&gt; (...)" and the bytes made visible with
     * {@link VisibleBytes}, write {@link FixedResponse#ok()}, print "response sent to &lt;peer&gt;".
     * A client that closes early, resets, or stays silent is dropped with one "dropped &lt;peer&gt;"
     * line; a header section over the limit gets {@link FixedResponse#headerSectionTooLarge()} and a
     * "rejected &lt;peer&gt;: ... 431" line.
     * Never throws.
     */
    public void handle(Socket client) {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Step 2: read one request, print it, answer it with the fixed response; a client that closes, resets or stays silent is dropped with one line, never hangs the thread (docs/02-io.md, 'Stage 3: drop clients that misbehave')");
        SocketAddress peer = client.getRemoteSocketAddress();
        try {
            // From now on a read() that waits longer than this throws SocketTimeoutException.
            // Underneath, the JDK waits in poll(fd, POLLIN, timeout) before each read().
            client.setSoTimeout(readTimeoutMillis);
            RequestReader.HeaderSection request = RequestReader.readHeaderSection(client.getInputStream());
            // One println for the whole block, so requests printed by several threads never interleave.
            console.println("request from " + peer + " (" + request.bytes().length + " bytes in " + request.reads()
                    + (request.reads() == 1 ? " read" : " reads") + "):\n" + VisibleBytes.of(request.bytes(), "  "));
            byte[] response = FixedResponse.ok();
            OutputStream out = client.getOutputStream();
            out.write(response); // write(fd, ...) until every byte is in the kernel's send buffer
            out.flush();
            console.println("response sent to " + peer + ": HTTP/1.1 200 OK, " + response.length + " bytes, closing");
        } catch (SocketTimeoutException silent) {
            console.println("dropped " + peer + ": nothing arrived for " + readTimeoutMillis + " ms (read timeout)");
        } catch (EOFException closedEarly) {
            console.println("dropped " + peer + ": it " + closedEarly.getMessage());
        } catch (HeaderSectionTooLargeException tooLarge) {
            console.println("rejected " + peer + ": " + tooLarge.getMessage() + "; answering 431");
            answerAndDiscardTheRest(client, FixedResponse.headerSectionTooLarge());
        } catch (IOException broken) {
            // "Connection reset" (ECONNRESET from read), "Broken pipe" (EPIPE from write), or
            // "Socket closed" when the server itself shuts down under this thread.
            console.println("dropped " + peer + ": " + broken.getMessage());
        }
        // END SOLUTION
    }

    /**
     * Writes {@code response} to a client whose request was not read to its end, then half-closes
     * and reads what it still sends until it closes too.
     *
     * <p>Why not just write and close: closing a socket whose receive buffer still holds unread
     * bytes makes the kernel send RST instead of FIN, and a client that receives RST may throw
     * away our answer before its application has read it (RFC 9112 §9.6). {@code shutdownOutput()}
     * (shutdown(fd, SHUT_WR)) sends FIN after the answer; reading until the client's own FIN
     * empties the buffer, so the final close() is a clean one. The reading is bounded in bytes and
     * by the read timeout.
     */
    void answerAndDiscardTheRest(Socket client, byte[] response) {
        try {
            OutputStream out = client.getOutputStream();
            out.write(response);
            out.flush();
            client.shutdownOutput();
            InputStream in = client.getInputStream();
            byte[] discard = new byte[RequestReader.BUFFER_SIZE];
            int discarded = 0;
            int count;
            while (discarded < DISCARD_AT_MOST_BYTES && (count = in.read(discard)) != -1) {
                discarded += count;
            }
        } catch (IOException gone) {
            // The client reset or went silent: either way there is nobody left to answer.
        }
    }
}
