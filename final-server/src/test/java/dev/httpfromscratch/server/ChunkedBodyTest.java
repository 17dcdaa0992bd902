package dev.httpfromscratch.server;

import static dev.httpfromscratch.testkit.ResponseAssert.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.httpfromscratch.step3.ParserLimits;
import dev.httpfromscratch.step3.RequestRejection;
import dev.httpfromscratch.testkit.Points;
import dev.httpfromscratch.testkit.Stage;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RawResponse;
import dev.httpfromscratch.testkit.RunningServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Chunked request bodies (RFC 9112 §7.1) and the request-smuggling defences around them: every
 * framing two readers could disagree about is refused with 400 and a close.
 */
@Stage(value = 5, title = "chunked request bodies", section = "docs/05-final-server.md#code-chunkedbody")
@DisplayName("Final server: chunked request bodies and smuggling defences")
class ChunkedBodyTest {
    private static final Duration DEADLINE = RawConnection.DEFAULT_DEADLINE;
    private static final String HEAD = "POST /api HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
    /** {"k":"value"} in three chunks, one with an extension, and a trailer field. */
    private static final String BODY = "5;note=first\r\n{\"k\":\r\n3\r\n\"va\r\n005\r\nlue\"}\r\n0\r\nChecksum: 1234\r\n\r\n";

    @Test
    @Points(3)
    @DisplayName("a chunked body with extensions and trailer fields is decoded, and the next request on the connection is read correctly")
    void chunkedBody() {
        try (RunningServer server = TestServers.start(); RawConnection client = server.connect()) {
            client.send(HEAD + BODY + "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThatResponse(client.readResponse()).hasStatus(200).hasBody("{\"received\":1,\"fields\":[{\"name\":\"k\",\"value\":\"value\"}]}");
            assertThatResponse(client.readResponse()).hasStatus(200).hasHeader("Content-Length", "35");
        }
    }

    @Test
    @Points(2)
    @DisplayName("a chunked body that arrives one byte per packet is decoded the same")
    void chunkedBodyOneBytePerPacket() {
        try (RunningServer server = TestServers.start(); RawConnection client = server.connect()) {
            client.send(HEAD).sendInPieces(BODY.getBytes(StandardCharsets.US_ASCII), 1, Duration.ofMillis(1));
            assertThatResponse(client.readResponse()).hasStatus(200).hasBodyContaining("\"value\":\"value\"");
        }
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @Points(4)
    @DisplayName("framings that could smuggle a request are refused with their status and a close")
    @CsvSource(delimiter = '|', textBlock = """
        Content-Length and Transfer-Encoding (RFC 9112 §6.1)   | Content-Length: 5\\r\\nTransfer-Encoding: chunked                 | 0\\r\\n\\r\\n      | 400
        Transfer-Encoding not ending in chunked (§6.3)          | Transfer-Encoding: chunked, gzip                                | 0\\r\\n\\r\\n      | 400
        Transfer-Encoding without chunked (§6.3)                | Transfer-Encoding: gzip                                         | x                  | 400
        chunked applied twice (§6.1)                            | Transfer-Encoding: chunked\\r\\nTransfer-Encoding: chunked        | 0\\r\\n\\r\\n      | 400
        a coding this server does not decode (§6.1)             | Transfer-Encoding: gzip, chunked                                | 0\\r\\n\\r\\n      | 501
        chunk size not hexadecimal (§7.1)                       | Transfer-Encoding: chunked                                      | zz\\r\\n           | 400
        chunk size with 0x prefix (§7.1)                        | Transfer-Encoding: chunked                                      | 0x5\\r\\nhello\\r\\n | 400
        negative chunk size (§7.1)                              | Transfer-Encoding: chunked                                      | -1\\r\\n           | 400
        chunk size after whitespace (§7.1)                      | Transfer-Encoding: chunked                                      | \\u00205\\r\\n     | 400
        chunk size that overflows 64 bits (§7.1)                | Transfer-Encoding: chunked                                      | 10000000000000005\\r\\n | 400
        chunk data longer than its size (§7.1)                  | Transfer-Encoding: chunked                                      | 3\\r\\nhello\\r\\n  | 400
        chunk-size line ending in a bare LF (§7.1)              | Transfer-Encoding: chunked                                      | 5\\nhello\\r\\n    | 400
        trailer line without a colon (§7.1.2)                   | Transfer-Encoding: chunked                                      | 0\\r\\nbroken\\r\\n\\r\\n | 400
        Transfer-Encoding in an HTTP/1.0 request (§6.1)         | HTTP/1.0 Transfer-Encoding: chunked                             | 0\\r\\n\\r\\n      | 400
        """)
    void smugglingDefences(String name, String fields, String body, int status) {
        boolean http10 = fields.startsWith("HTTP/1.0 ");
        String head = "POST /api HTTP/" + (http10 ? "1.0" : "1.1") + "\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + unescape(http10 ? fields.substring(9) : fields) + "\r\n\r\n";
        try (RunningServer server = TestServers.start(); RawConnection client = server.connect()) {
            RawResponse response = client.send(head + unescape(body) + "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n").readResponse();
            assertThatResponse(response).hasStatus(status).hasHeader("Connection", "close");
            assertThat(client.awaitClose(DEADLINE)).as("%s: after a framing error the connection must close.%n%s", name, client.transcript())
                    .isEqualTo(RawConnection.Closed.BY_SERVER_EOF);
            assertThat(client.unreadBytes()).as("%s: the bytes after the broken body must never be answered as a request.%n%s",
                    name, client.transcript()).isEmpty();
        }
    }

    @Test
    @Points(2)
    @DisplayName("chunks adding up to more than the body limit get 413 before the data is read")
    void chunkedBodyTooLarge() {
        try (RunningServer server = TestServers.start(config -> config.withParserLimits(ParserLimits.DEFAULTS.withMaxBodyBytes(10)));
             RawConnection client = server.connect()) {
            RawResponse response = client.send(HEAD + "8\r\n12345678\r\n8\r\n").readResponse();
            assertThatResponse(response).hasStatus(413).hasHeader("Connection", "close");
        }
    }

    @Test
    @DisplayName("ChunkedBody decodes the same body cut at every byte position")
    void decoderAtEverySplit() throws RequestRejection {
        byte[] wire = BODY.getBytes(StandardCharsets.US_ASCII);
        for (int cut = 0; cut <= wire.length; cut++) {
            ChunkedBody decoder = new ChunkedBody(ParserLimits.DEFAULTS);
            ByteBuffer first = ByteBuffer.wrap(wire, 0, cut);
            boolean done = decoder.decode(first);
            assertThat(first.hasRemaining()).as("cut at %d: the decoder takes every byte it is given", cut).isFalse();
            if (!done) {
                ByteBuffer rest = ByteBuffer.wrap(wire, cut, wire.length - cut);
                done = decoder.decode(rest);
            }
            assertThat(done).as("cut at %d: complete", cut).isTrue();
            assertThat(new String(decoder.body(), StandardCharsets.US_ASCII)).as("cut at %d", cut).isEqualTo("{\"k\":\"value\"}");
        }
    }

    @Test
    @DisplayName("ChunkedBody stops at the end of the message and leaves the next request's bytes in the buffer")
    void decoderLeavesTheNextRequest() throws RequestRejection {
        ByteBuffer input = ByteBuffer.wrap(("0\r\n\r\nGET / HTTP/1.1").getBytes(StandardCharsets.US_ASCII));
        ChunkedBody decoder = new ChunkedBody(ParserLimits.DEFAULTS);
        assertThat(decoder.decode(input)).isTrue();
        assertThat(StandardCharsets.US_ASCII.decode(input).toString()).isEqualTo("GET / HTTP/1.1");
        assertThat(decoder.body()).isEmpty();
    }

    @Test
    @DisplayName("ChunkedBody bounds the trailer section like a header section (431)")
    void decoderBoundsTrailers() {
        ParserLimits small = new ParserLimits(64, 64, 10, 1024);
        ChunkedBody decoder = new ChunkedBody(small);
        ByteBuffer input = ByteBuffer.wrap(("0\r\nX: " + "a".repeat(100) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        assertThatThrownBy(() -> decoder.decode(input)).isInstanceOfSatisfying(RequestRejection.class,
                rejection -> assertThat(rejection.status()).isEqualTo(431));
    }

    private static String unescape(String text) {
        return text.replace("\\r", "\r").replace("\\n", "\n").replace("\\u0020", " ");
    }
}
