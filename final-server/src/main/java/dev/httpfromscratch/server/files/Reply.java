package dev.httpfromscratch.server.files;

import dev.httpfromscratch.step3.HttpResponse;
import dev.httpfromscratch.step3.ResponseWriter;
import java.nio.charset.StandardCharsets;

/**
 * What a route of the file extension answers: a response whose body is either in the heap (the
 * usual {@link HttpResponse}: errors, 304, small texts) or a {@link BodySource} read from a file
 * while it is sent (docs/08-files.md, "Code: sending a file without copying").
 *
 * @param response status and fields; its body is used only when {@code body} is null
 * @param body     the streamed body, or null
 */
public record Reply(HttpResponse response, BodySource body) {

    /** A reply whose body is in the heap. */
    public static Reply of(HttpResponse response) {
        return new Reply(response, null);
    }

    /**
     * The head of a streamed reply: what step 3's writer writes for a HEAD of this response, with
     * the body's real framing in place of the "Content-Length: 0" the writer counted for the empty
     * byte array: Content-Length for a file region, Transfer-Encoding: chunked for a stream whose
     * length is known only at its end. The writer keeps everything else it owns (status line,
     * Date, Server, Connection, the check that no field splits the response).
     */
    public byte[] encodeHead(ResponseWriter writer, boolean close) {
        String head = new String(writer.encode(response, true, close), StandardCharsets.ISO_8859_1);
        String counted = "\r\nContent-Length: 0\r\n";
        int at = head.lastIndexOf(counted);
        if (at < 0) {
            throw new IllegalStateException("the writer sent no Content-Length for a " + response.status());
        }
        String framing = body.length() < 0 ? "Transfer-Encoding: chunked" : "Content-Length: " + body.length();
        return (head.substring(0, at + 2) + framing + head.substring(at + counted.length() - 2)).getBytes(StandardCharsets.ISO_8859_1);
    }
}
