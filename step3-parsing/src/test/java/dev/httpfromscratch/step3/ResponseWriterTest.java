package dev.httpfromscratch.step3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.httpfromscratch.testkit.Bytes;
import dev.httpfromscratch.testkit.Points;
import dev.httpfromscratch.testkit.Stage;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Checkpoint 3, the response writer on its own: exact bytes for a fixed clock, so a failure shows
 * the student the whole response they produced next to the one expected.
 */
@DisplayName("Step 3: the response writer")
@Stage(value = 5, title = "the response writer", section = "docs/03-parsing.md#code-responsewriterencode")
class ResponseWriterTest {
    /** The example date of RFC 9110 §5.6.7: a single-digit day, so the zero padding shows. */
    private static final Clock RFC_EXAMPLE_CLOCK = Clock.fixed(Instant.parse("1994-11-06T08:49:37Z"), ZoneOffset.UTC);
    private final ResponseWriter writer = new ResponseWriter("test-server", RFC_EXAMPLE_CLOCK);

    private static void assertBytes(byte[] actual, String expected, String what) {
        assertThat(new String(actual, StandardCharsets.ISO_8859_1))
                .as("%s. Expected exactly:%n%s%nbut the writer produced:%n%s", what, Bytes.block(Bytes.ascii(expected)), Bytes.block(actual))
                .isEqualTo(expected);
    }

    @Test
    @Points(2)
    @DisplayName("RFC 9112 §4: status line, Date (IMF-fixdate), Server, Content-Type, exact Content-Length, Connection, body")
    void writesAFullResponse() {
        byte[] bytes = writer.encode(HttpResponse.text(200, "[SERVER] This is the test response."), false, true);
        assertBytes(bytes, "HTTP/1.1 200 OK\r\n"
                + "Date: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
                + "Server: test-server\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: 35\r\n"
                + "Connection: close\r\n"
                + "\r\n"
                + "[SERVER] This is the test response.", "a 200 with a 35-byte text body, closing the connection");
    }

    @Test
    @Points(1)
    @DisplayName("Content-Length counts bytes, not characters (UTF-8 body)")
    void countsBytesNotCharacters() {
        byte[] bytes = writer.encode(HttpResponse.text(200, "caf\u00e9 \u2615"), false, false);
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        assertThat(text).as("'caf\u00e9 \u2615' is 6 characters but 9 bytes in UTF-8").contains("Content-Length: 9\r\n").contains("Connection: keep-alive\r\n");
        assertThat(bytes.length - text.indexOf("\r\n\r\n") - 4).as("body bytes after the empty line").isEqualTo(9);
    }

    @Test
    @Points(1)
    @DisplayName("RFC 9110 §9.3.2: HEAD gets the same header fields as GET and no body")
    void headHasNoBody() {
        byte[] bytes = writer.encode(HttpResponse.text(200, "hello"), true, true);
        assertBytes(bytes, "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nServer: test-server\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 5\r\nConnection: close\r\n\r\n", "the answer to HEAD");
    }

    @Test
    @Points(1)
    @DisplayName("RFC 9110 §15: reason phrases, and the handler's own fields such as Allow")
    void reasonPhrasesAndExtraFields() {
        String text = new String(writer.encode(HttpResponse.error(405, "no").withHeader("Allow", "GET, HEAD"), false, true), StandardCharsets.ISO_8859_1);
        assertThat(text).startsWith("HTTP/1.1 405 Method Not Allowed\r\n").contains("\r\nAllow: GET, HEAD\r\n");
        assertThat(new String(writer.encode(HttpResponse.error(431, "big"), false, true), StandardCharsets.ISO_8859_1))
                .startsWith("HTTP/1.1 431 Request Header Fields Too Large\r\n");
        assertThat(new String(writer.encode(HttpResponse.empty(204), false, true), StandardCharsets.ISO_8859_1))
                .as("204 No Content has no body and so no Content-Length (RFC 9110 §8.6)")
                .startsWith("HTTP/1.1 204 No Content\r\n").doesNotContain("Content-Length");
    }

    @Test
    @Points(1)
    @DisplayName("refuses a header value with CR or LF (response splitting)")
    void refusesResponseSplitting() {
        HttpResponse evil = HttpResponse.text(200, "x").withHeader("X-Name", "a\r\nSet-Cookie: stolen=1");
        assertThatThrownBy(() -> writer.encode(evil, false, true))
                .as("a value holding CRLF would let whoever chose it add header fields of their own")
                .isInstanceOf(IllegalArgumentException.class);
    }
}
