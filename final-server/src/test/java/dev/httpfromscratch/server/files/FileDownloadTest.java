package dev.httpfromscratch.server.files;

import static dev.httpfromscratch.testkit.ResponseAssert.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.testkit.Extension;
import dev.httpfromscratch.testkit.Points;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RawResponse;
import dev.httpfromscratch.testkit.RunningServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * GET and HEAD /files/... over real sockets (docs/08-files.md): the whole file, its fields,
 * revalidation (304), ranges (206, 416), gzip, requests split across writes and pipelined behind
 * a file. Each test starts a server on port 0 serving a fresh temporary directory.
 */
@Extension("files")
@DisplayName("Files: downloading over a socket")
class FileDownloadTest {
    @TempDir
    Path dir;
    private byte[] data;
    private String text;

    @BeforeEach
    void files() throws IOException {
        data = Files.readAllBytes(FileServers.patterned(dir, "data.bin", 200_000));
        text = "line of text that compresses well\n".repeat(2_000);
        Files.writeString(dir.resolve("page.html"), text);
        Files.writeString(dir.resolve("tiny.txt"), "hi\n");
        Files.write(dir.resolve("photo.png"), Arrays.copyOf(data, 5_000));
    }

    private static String get(String target, String... fields) {
        return "GET " + target + " HTTP/1.1\r\nHost: x\r\n" + String.join("", Arrays.stream(fields).map(f -> f + "\r\n").toList()) + "\r\n";
    }

    private static byte[] gunzip(byte[] body, RawResponse response) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            return in.readAllBytes();
        } catch (IOException notGzip) {
            throw new AssertionError("The body says Content-Encoding: gzip but is not a gzip stream (" + notGzip.getMessage() + ").\n" + response.transcript());
        }
    }

    @Test
    @Points(2)
    @DisplayName("GET /files/data.bin sends the file byte for byte, with Content-Length, Content-Type, ETag and Last-Modified")
    void wholeFile() {
        try (RunningServer server = FileServers.start(dir); RawConnection client = server.connect()) {
            RawResponse response = client.send(get("/files/data.bin")).readResponse();
            assertThatResponse(response).hasStatus(200).hasHeader("Content-Length", "200000")
                    .hasHeader("Content-Type", "application/octet-stream").hasHeader("ETag").hasHeader("Last-Modified")
                    .hasHeader("Vary", "Accept-Encoding");
            assertThat(Arrays.equals(response.body(), data))
                    .as("the body of GET /files/data.bin must be the file's 200000 bytes exactly; %d bytes came, first difference at byte %d",
                            response.body().length, Arrays.mismatch(response.body(), data)).isTrue();
            RawResponse html = client.send(get("/files/page.html")).readResponse();
            assertThatResponse(html).hasStatus(200).hasHeader("Content-Type", "text/html; charset=utf-8");
        }
    }

    @Test
    @Points(1)
    @DisplayName("HEAD /files/data.bin has GET's fields (Content-Length 200000) and no body; the next request on the connection is answered")
    void head() {
        try (RunningServer server = FileServers.start(dir); RawConnection client = server.connect()) {
            RawResponse head = client.send("HEAD /files/data.bin HTTP/1.1\r\nHost: x\r\n\r\n").readHeadResponse();
            assertThatResponse(head).hasStatus(200).hasHeader("Content-Length", "200000").hasHeader("ETag");
            RawResponse next = client.send(get("/files/tiny.txt")).readResponse();
            assertThatResponse(next).as("a HEAD must send no body: the next response must start right after its head").hasStatus(200).hasBody("hi\n");
        }
    }

    @Test
    @Points(2)
    @DisplayName("If-None-Match with the ETag, or If-Modified-Since, gets 304 without a body; If-None-Match wins over the date")
    void revalidation() {
        try (RunningServer server = FileServers.start(dir); RawConnection client = server.connect()) {
            RawResponse first = client.send(get("/files/data.bin")).readResponse();
            String etag = first.header("ETag").orElseThrow();
            String lastModified = first.header("Last-Modified").orElseThrow();
            RawResponse byTag = client.send(get("/files/data.bin", "If-None-Match: " + etag)).readResponse();
            assertThatResponse(byTag).as("If-None-Match: %s, the file unchanged", etag).hasStatus(304).hasEmptyBody().hasHeader("ETag", etag);
            RawResponse byDate = client.send(get("/files/data.bin", "If-Modified-Since: " + lastModified)).readResponse();
            assertThatResponse(byDate).as("If-Modified-Since: %s, the file unchanged", lastModified).hasStatus(304).hasEmptyBody();
            RawResponse otherTag = client.send(get("/files/data.bin", "If-None-Match: \"other\"", "If-Modified-Since: " + lastModified)).readResponse();
            assertThatResponse(otherTag).as("If-None-Match names another tag: 200, even though If-Modified-Since alone would give 304 (RFC 9110 §13.2.2)")
                    .hasStatus(200);
            RawResponse old = client.send(get("/files/data.bin", "If-Modified-Since: Thu, 01 Jan 1970 00:00:00 GMT")).readResponse();
            assertThatResponse(old).as("If-Modified-Since long before the file's time").hasStatus(200);
        }
    }

    @Test
    @Points(1)
    @DisplayName("Range: bytes=1000-1999 gets 206 with Content-Range and exactly those bytes; bytes=-10 the last ten")
    void ranges() {
        try (RunningServer server = FileServers.start(dir); RawConnection client = server.connect()) {
            RawResponse part = client.send(get("/files/data.bin", "Range: bytes=1000-1999")).readResponse();
            assertThatResponse(part).hasStatus(206).hasHeader("Content-Range", "bytes 1000-1999/200000").hasHeader("Content-Length", "1000");
            assertThat(Arrays.equals(part.body(), Arrays.copyOfRange(data, 1000, 2000)))
                    .as("the body of a 206 for bytes=1000-1999 must be bytes 1000 to 1999 of the file (first difference at %d)",
                            Arrays.mismatch(part.body(), Arrays.copyOfRange(data, 1000, 2000))).isTrue();
            RawResponse suffix = client.send(get("/files/data.bin", "Range: bytes=-10")).readResponse();
            assertThatResponse(suffix).hasStatus(206).hasHeader("Content-Range", "bytes 199990-199999/200000");
            assertThat(suffix.body()).as("the last ten bytes").isEqualTo(Arrays.copyOfRange(data, 199_990, 200_000));
        }
    }

    @Test
    @Points(1)
    @DisplayName("a range past the end gets 416 with Content-Range: bytes */size; several ranges or a stale If-Range get the whole file (200)")
    void unsatisfiableAndIgnoredRanges() {
        try (RunningServer server = FileServers.start(dir); RawConnection client = server.connect()) {
            RawResponse past = client.send(get("/files/data.bin", "Range: bytes=200000-")).readResponse();
            assertThatResponse(past).hasStatus(416).hasHeader("Content-Range", "bytes */200000");
            RawResponse several = client.send(get("/files/data.bin", "Range: bytes=0-1,5-9")).readResponse();
            assertThatResponse(several).as("several ranges: this server sends the whole file").hasStatus(200).hasHeader("Content-Length", "200000");
            RawResponse stale = client.send(get("/files/data.bin", "Range: bytes=0-9", "If-Range: \"not-the-tag\"")).readResponse();
            assertThatResponse(stale).as("If-Range names another version: the Range is ignored").hasStatus(200).hasHeader("Content-Length", "200000");
            String etag = stale.header("ETag").orElseThrow();
            RawResponse current = client.send(get("/files/data.bin", "Range: bytes=0-9", "If-Range: " + etag)).readResponse();
            assertThatResponse(current).as("If-Range with the current ETag: the Range holds").hasStatus(206).hasHeader("Content-Length", "10");
        }
    }

    @Test
    @Points(2)
    @DisplayName("Accept-Encoding: gzip gets a gzip body (chunked) that inflates to the file, with Vary; never for a range, a PNG or a tiny file")
    void gzip() {
        try (RunningServer server = FileServers.start(dir); RawConnection client = server.connect()) {
            RawResponse zipped = client.send(get("/files/page.html", "Accept-Encoding: gzip, deflate, br")).readResponse();
            assertThatResponse(zipped).hasStatus(200).hasHeader("Content-Encoding", "gzip").hasHeader("Vary", "Accept-Encoding")
                    .doesNotHaveHeader("Content-Length");
            assertThat(new String(gunzip(zipped.body(), zipped), StandardCharsets.UTF_8)).as("the gzip body, inflated, must be the file").isEqualTo(text);
            assertThat(zipped.body().length).as("the gzip body of a repetitive text must be smaller than the text").isLessThan(text.length() / 4);
            RawResponse plain = client.send(get("/files/page.html")).readResponse();
            assertThatResponse(plain).as("no Accept-Encoding: no coding").doesNotHaveHeader("Content-Encoding").hasHeader("Vary", "Accept-Encoding");
            assertThat(plain.header("ETag")).as("the gzip representation and the plain one have different strong ETags").isNotEqualTo(zipped.header("ETag"));
            RawResponse range = client.send(get("/files/page.html", "Accept-Encoding: gzip", "Range: bytes=0-99")).readResponse();
            assertThatResponse(range).as("a range of a file is of its plain bytes").hasStatus(206).doesNotHaveHeader("Content-Encoding");
            RawResponse png = client.send(get("/files/photo.png", "Accept-Encoding: gzip")).readResponse();
            assertThatResponse(png).as("a PNG is compressed already").hasHeader("Content-Type", "image/png").doesNotHaveHeader("Content-Encoding");
            RawResponse tiny = client.send(get("/files/tiny.txt", "Accept-Encoding: gzip")).readResponse();
            assertThatResponse(tiny).as("a 3-byte file is not worth compressing").doesNotHaveHeader("Content-Encoding").hasBody("hi\n");
            RawResponse forced = client.send(get("/files/tiny.txt", "Accept-Encoding: gzip, identity;q=0")).readResponse();
            assertThatResponse(forced).as("identity;q=0: gzip is the only acceptable answer").hasHeader("Content-Encoding", "gzip");
            assertThat(new String(gunzip(forced.body(), forced), StandardCharsets.UTF_8)).isEqualTo("hi\n");
        }
    }

    @Test
    @Points(1)
    @DisplayName("a request split across writes, and a request pipelined behind a large file, are answered in order")
    void splitAndPipelined() {
        try (RunningServer server = FileServers.start(dir); RawConnection client = server.connect()) {
            byte[] request = get("/files/data.bin", "Range: bytes=10-19").getBytes(StandardCharsets.US_ASCII);
            RawResponse split = client.sendSplitAt(request, Duration.ofMillis(30), 3, 9, 17, request.length - 2).readResponse();
            assertThatResponse(split).hasStatus(206).hasHeader("Content-Length", "10");
            assertThat(split.body()).isEqualTo(Arrays.copyOfRange(data, 10, 20));
            client.send(get("/files/data.bin") + get("/files/tiny.txt") + get("/files/data.bin", "Range: bytes=0-0"));
            RawResponse big = client.readResponse();
            assertThatResponse(big).as("the first of three pipelined requests").hasStatus(200).hasHeader("Content-Length", "200000");
            assertThat(Arrays.equals(big.body(), data)).as("the 200000-byte file, whole, before the next response (first difference at %d)",
                    Arrays.mismatch(big.body(), data)).isTrue();
            assertThatResponse(client.readResponse()).as("the second pipelined request, after the file").hasStatus(200).hasBody("hi\n");
            assertThatResponse(client.readResponse()).as("the third pipelined request").hasStatus(206).hasHeader("Content-Length", "1");
        }
    }

    @Test
    @Points(2)
    @DisplayName("over the socket: ../, %2e%2e, %2f, a backslash and %00 never reach a file outside the directory")
    void traversalOverTheSocket() throws IOException {
        Path served = Files.createDirectories(dir.resolve("served"));
        Files.writeString(served.resolve("ok.txt"), "ok");
        try (RunningServer server = FileServers.start(served); RawConnection client = server.connect()) {
            for (String target : new String[] {"/files/../data.bin", "/files/%2e%2e/data.bin", "/files/..%2fdata.bin", "/files/..\\data.bin",
                    "/files/ok.txt%00", "/files//" + dir.toString().substring(1) + "/data.bin", "/files/%2E%2e%2Fdata.bin"}) {
                RawResponse response = client.send(get(target)).readResponse();
                assertThat(response.status()).as("GET %s must be refused (400 or 404), never the file outside the directory; it got:%n%s",
                        target, response.statusLine()).isIn(400, 404);
            }
            assertThatResponse(client.send(get("/files/ok.txt")).readResponse()).as("the connection still serves files after the refusals").hasBody("ok");
        }
    }

    @Test
    @Points(1)
    @DisplayName("GET /echo/{text} answers the text, GET /user-agent the User-Agent field")
    void echoAndUserAgent() {
        try (RunningServer server = FileServers.start(dir); RawConnection client = server.connect()) {
            assertThatResponse(client.send(get("/echo/hello%20world")).readResponse()).hasStatus(200).hasBody("hello world");
            assertThatResponse(client.send(get("/user-agent", "User-Agent: curl/8.0")).readResponse()).hasStatus(200).hasBody("curl/8.0");
            RawResponse zipped = client.send(get("/echo/abc", "Accept-Encoding: gzip")).readResponse();
            assertThatResponse(zipped).hasHeader("Content-Encoding", "gzip");
            assertThat(new String(gunzip(zipped.body(), zipped), StandardCharsets.UTF_8)).isEqualTo("abc");
        }
    }

    @Test
    @DisplayName("without --files-dir, /files/..., /echo/... and /user-agent answer 404 as before")
    void offByDefault() {
        try (RunningServer server = RunningServer.start(console -> new dev.httpfromscratch.server.FinalServer(
                dev.httpfromscratch.server.ServerConfig.defaults().withPort(0).withEventLoops(1).withAccessLog(false), console));
             RawConnection client = server.connect()) {
            for (String target : new String[] {"/files/data.bin", "/echo/x", "/user-agent"}) {
                assertThatResponse(client.send(get(target, "User-Agent: x")).readResponse()).as("GET %s without --files-dir", target).hasStatus(404);
            }
        }
    }
}
