package dev.httpfromscratch.server;

import static dev.httpfromscratch.testkit.ResponseAssert.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Named.named;

import dev.httpfromscratch.step3.ParserLimits;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RawResponse;
import dev.httpfromscratch.testkit.RunningServer;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * JSON bodies built to hurt the parser behind POST /api (docs/07-security.md, "Hostile JSON"):
 * nesting deep enough to overflow a recursive parser's stack, names or numbers too long, invalid
 * UTF-8, duplicate keys. Each is a 400 with a JSON reason that names the limit and not the
 * library, the connection stays usable (a bad body is not a framing error), and never a 500, a
 * stack trace or a dead loop thread. What the body limit bounds (the length of a string, the
 * number of tokens) has no second, smaller limit: a valid document the body limit allows is answered.
 */
@DisplayName("Final server: hostile JSON bodies")
class HostileJsonTest {
    private static RunningServer server;

    @BeforeAll
    static void start() {
        server = TestServers.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Stream<Arguments> hostileBodies() {
        return Stream.of(
                body("100,000 nested arrays (a recursive parser overflows its stack)", "[".repeat(100_000)),
                body("10,000 nested objects", "{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000)),
                body("65 levels of nesting, one past the limit of 64", "{\"a\":" + "[".repeat(64) + "]".repeat(64) + "}"),
                body("a number of 1,000 digits (BigInteger parsing is quadratic)", "{\"n\":" + "9".repeat(1_000) + "}"),
                body("a field name of 2,000 characters", "{\"" + "k".repeat(2_000) + "\":1}"),
                body("duplicate keys (two readers keep different values)", "{\"role\":\"user\",\"role\":\"admin\"}"),
                bytes("invalid UTF-8: a lone continuation byte", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0x80, '"', '}'}),
                bytes("invalid UTF-8: an overlong encoding of '/'", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC0, (byte) 0xAF, '"', '}'}),
                bytes("invalid UTF-8: a truncated sequence", new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xE2, (byte) 0x82, '"', '}'}),
                body("NaN, which JSON does not have", "{\"n\":NaN}"),
                body("a comment", "/* hi */{\"a\":1}"),
                body("single quotes", "{'a':1}"),
                body("trailing content after the document", "{\"a\":1} trailing"),
                body("two documents back to back", "{\"a\":1}{\"b\":2}"),
                body("an unterminated string", "{\"a\":\"" + "x".repeat(10_000)),
                body("a document that is not an object", "[1,2,3]"),
                body("an empty body", ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileBodies")
    @DisplayName("a hostile JSON body gets 400 with a JSON reason, and the connection goes on")
    void hostileBody(String name, byte[] body) {
        try (RawConnection client = server.connect()) {
            RawResponse response = post(client, body);
            assertThatResponse(response).as(name).hasStatus(400).hasHeader("Content-Type", "application/json").hasBodyContaining("\"error\"");
            assertThat(response.bodyText()).as("%s: a reason, not Java internals", name).doesNotContain("Exception").doesNotContain("\tat ")
                    .doesNotContain("StreamReadConstraints").hasSizeLessThan(1_000);
            assertThatResponse(client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n").readResponse())
                    .as("%s: a bad body is not a framing error, so the connection is still usable", name).hasStatus(200);
        }
        assertThat(server.console().text()).as("%s: nothing unexpected on the server's console", name)
                .doesNotContain("handler failed").doesNotContain("unexpected error").doesNotContain("StackOverflowError");
    }

    @Test
    @DisplayName("a document of exactly the body limit (1 MiB) is accepted; one byte more is 413 before it is read")
    void hugeDocumentAtTheLimit() {
        int limit = TestServers.config().parserLimits().maxBodyBytes();
        String prefix = "{\"big\":\"";
        String suffix = "\"}";
        byte[] atLimit = (prefix + "x".repeat(limit - prefix.length() - suffix.length()) + suffix).getBytes(StandardCharsets.US_ASCII);
        try (RawConnection client = server.connect()) {
            RawResponse response = post(client, atLimit);
            assertThatResponse(response).hasStatus(200).hasBodyContaining("\"name\":\"big\"");
        }
        try (RawConnection client = server.connect()) {
            client.send("POST /api HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + (limit + 1) + "\r\n\r\n");
            assertThatResponse(client.readResponse()).hasStatus(413).hasHeader("Connection", "close");
        }
    }

    @Test
    @DisplayName("a valid document the body limit allows is answered, however many tokens it has (no token limit of the JSON library's own)")
    void manyTokensWithinTheBodyLimit() {
        String manyFields = fields(60_000); // 120,000 tokens in 590 KiB
        String bigArray = "[" + "1,".repeat(460_000) + "1]"; // 460,001 tokens in 900 KiB
        try (RawConnection client = server.connect()) {
            RawResponse response = post(client, manyFields.getBytes(StandardCharsets.US_ASCII));
            assertThatResponse(response).as("an object of 60,000 fields (120,000 tokens) in %d bytes, under the 1 MiB body limit", manyFields.length())
                    .hasStatus(200).hasBodyContaining("\"received\":60000");
            response = post(client, bigArray.getBytes(StandardCharsets.US_ASCII));
            assertThatResponse(response).as("a valid array of 460,001 tokens in %d bytes: refused only because /api wants an object", bigArray.length())
                    .hasStatus(400).hasBodyContaining("not an object");
            assertThat(response.bodyText()).as("no limit of the JSON library's own").doesNotContain("Token count");
        }
    }

    @Test
    @DisplayName("the JSON limits follow the configured body limit: with --max-body-bytes 4 MiB, a 3 MiB string is answered")
    void jsonLimitsFollowTheBodyLimit() {
        String document = "{\"big\":\"" + "x".repeat(3 << 20) + "\"}";
        try (RunningServer large = TestServers.start(config -> config.withParserLimits(ParserLimits.DEFAULTS.withMaxBodyBytes(4 << 20)));
             RawConnection client = large.connect()) {
            RawResponse response = post(client, document.getBytes(StandardCharsets.US_ASCII));
            assertThat(response.status()).as("a %d-byte string in a %d-byte body under a 4 MiB body limit: %s", 3 << 20, document.length(),
                    response.bodyText().length() < 300 ? response.bodyText() : "(a long body)").isEqualTo(200);
        }
    }

    @Test
    @DisplayName("a lone surrogate escape (\\ud800) is valid JSON text and is answered without a failure")
    void loneSurrogateEscape() {
        try (RawConnection client = server.connect()) {
            RawResponse response = post(client, "{\"a\":\"\\ud800\"}".getBytes(StandardCharsets.US_ASCII));
            assertThat(response.status()).as("a lone surrogate must not become a 500%n%s", client.transcript()).isIn(200, 400);
        }
        assertThat(server.console().text()).doesNotContain("handler failed");
    }

    @Test
    @DisplayName("100,000 nested arrays sent as a chunked body get the same 400")
    void deepNestingChunked() {
        String nested = "[".repeat(100_000);
        try (RawConnection client = server.connect()) {
            client.send("POST /api HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(nested.length()) + "\r\n" + nested + "\r\n0\r\n\r\n");
            assertThatResponse(client.readResponse()).hasStatus(400).hasBodyContaining("\"error\"");
        }
    }

    private static RawResponse post(RawConnection client, byte[] body) {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("POST /api HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(body);
        return client.send(request.toByteArray()).readResponse();
    }

    private static String fields(int count) {
        StringBuilder json = new StringBuilder("{");
        for (int i = 0; i < count; i++) {
            json.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":1");
        }
        return json.append('}').toString();
    }

    private static Arguments body(String name, String json) {
        return Arguments.of(named(name, name), json.getBytes(StandardCharsets.UTF_8));
    }

    private static Arguments bytes(String name, byte[] raw) {
        return Arguments.of(named(name, name), raw);
    }
}
