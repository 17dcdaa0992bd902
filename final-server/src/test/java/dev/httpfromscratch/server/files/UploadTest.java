package dev.httpfromscratch.server.files;

import static dev.httpfromscratch.testkit.ResponseAssert.assertThatResponse;
import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.server.Conditions;
import dev.httpfromscratch.server.FinalServer;
import dev.httpfromscratch.step3.ParserLimits;
import dev.httpfromscratch.testkit.Extension;
import dev.httpfromscratch.testkit.Points;
import dev.httpfromscratch.testkit.RawConnection;
import dev.httpfromscratch.testkit.RunningServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** POST /files/{name} (docs/08-files.md, "Code: storing an upload"): 201 with Location, one-segment names, bounded, atomic. */
@Extension("files")
@DisplayName("Files: storing an upload")
class UploadTest {
    @TempDir
    Path dir;

    private static String post(String target, String body) {
        return "POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    private List<String> names() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    @Points(1)
    @DisplayName("POST /files/notes.txt stores the body: 201 with Location, the file readable by GET, no temporary file left; a second POST replaces it")
    void storeAndReplace() throws IOException {
        try (RunningServer server = FileServers.start(dir); RawConnection client = server.connect()) {
            assertThatResponse(client.send(post("/files/notes.txt", "first version")).readResponse())
                    .hasStatus(201).hasHeader("Location", "/files/notes.txt");
            assertThat(Files.readString(dir.resolve("notes.txt"))).as("the stored file").isEqualTo("first version");
            assertThatResponse(client.send(post("/files/notes.txt", "second")).readResponse()).hasStatus(201);
            assertThatResponse(client.send("GET /files/notes.txt HTTP/1.1\r\nHost: x\r\n\r\n").readResponse()).hasStatus(200).hasBody("second");
            assertThat(names()).as("the directory after two uploads: the file alone, no temporary file beside it").containsExactly("notes.txt");
        }
    }

    @Test
    @Points(1)
    @DisplayName("an upload name is one plain segment: ../x, a/b, .hidden and %2e%2e get 400 and store nothing")
    void namesAreOneSegment() throws IOException {
        try (RunningServer server = FileServers.start(dir); RawConnection client = server.connect()) {
            for (String target : new String[] {"/files/../escaped.txt", "/files/a/b.txt", "/files/.hidden", "/files/%2e%2e", "/files/a%2fb", "/files/"}) {
                assertThatResponse(client.send(post(target, "x")).readResponse()).as("POST %s", target).hasStatus(400);
            }
            assertThat(names()).as("nothing stored by refused uploads").isEmpty();
            assertThat(Files.exists(dir.getParent().resolve("escaped.txt"))).as("../escaped.txt outside the directory").isFalse();
        }
    }

    @Test
    @Points(1)
    @DisplayName("a body over the limit gets 413, and a client that disconnects mid-body leaves no file and no temporary file")
    void boundedAndAtomic() throws IOException {
        try (RunningServer server = FileServers.start(dir, config -> config.toBuilder().parserLimits(new ParserLimits(8192, 32768, 100, 1000)).build())) {
            try (RawConnection client = server.connect()) {
                assertThatResponse(client.send(post("/files/fits.bin", "x".repeat(1000))).readResponse())
                        .as("a body of exactly the limit (1000 bytes)").hasStatus(201);
                assertThatResponse(client.send(post("/files/big.bin", "x".repeat(2000))).readResponse()).hasStatus(413);
            }
            try (RawConnection client = server.connect()) {
                client.send("POST /files/half.bin HTTP/1.1\r\nHost: x\r\nContent-Length: 900\r\n\r\n" + "x".repeat(400));
                client.reset();
            }
            FinalServer finalServer = (FinalServer) server.server();
            Conditions.await("the server to close the connection that left mid-body", () -> Conditions.activeConnections(finalServer) == 0,
                    () -> Conditions.activeConnections(finalServer) + " connections open");
            assertThat(names()).as("no file, whole, half or temporary, from a refused body or a client that left mid-body")
                    .containsExactly("fits.bin");
        }
    }
}
