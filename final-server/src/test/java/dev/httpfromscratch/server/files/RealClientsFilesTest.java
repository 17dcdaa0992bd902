package dev.httpfromscratch.server.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.httpfromscratch.server.Executables;
import dev.httpfromscratch.testkit.Extension;
import dev.httpfromscratch.testkit.RunningServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real clients against GET /files/... (docs/08-files.md): curl's {@code -r},
 * {@code --compressed}, {@code -z}, {@code -O} and {@code -C -}, wget's {@code -c}, Python
 * {@code requests} and Node's {@code fetch} (what a browser's page script calls), each skipped when
 * the tool is not installed (Debian packages: curl, wget, python3-requests, nodejs). They check
 * what a student checks by hand, so they carry no points.
 */
@Extension("files")
@ExtendWith(ServerLogOnFailure.class)
@DisplayName("Files: curl, wget, Python requests and Node fetch download, resume and revalidate")
class RealClientsFilesTest {
    @TempDir
    Path temp;
    private Path served;
    private Path work;
    private byte[] data;
    private String text;

    @BeforeEach
    void files() throws IOException {
        served = Files.createDirectories(temp.resolve("served"));
        work = Files.createDirectories(temp.resolve("work"));
        data = Files.readAllBytes(FileServers.patterned(served, "data.bin", 300_000));
        text = "a line that compresses\n".repeat(5_000);
        Files.writeString(served.resolve("page.txt"), text);
    }

    /** Runs {@code command} in the work directory; returns its standard output, failing with both outputs if it exits non-zero. */
    private String run(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("%s finished", String.join(" ", command)).isTrue();
        String out = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("%s exited with %d; it printed:%n%s", String.join(" ", command), process.exitValue(), out).isZero();
        return out;
    }

    private static String tool(String name) {
        Path path = Executables.find(name);
        assumeTrue(path != null, name + " is not installed (Debian package: " + name + ")");
        return path.toString();
    }

    @Test
    @DisplayName("curl: -r 0-99, --compressed, -z (304), -O, and -C - resuming a half download")
    void curl() throws Exception {
        String curl = tool("curl");
        try (RunningServer server = FileServers.start(served)) {
            String base = "http://127.0.0.1:" + server.port() + "/files/";
            run(curl, "-sS", "-r", "0-99", "-o", "range.bin", base + "data.bin");
            assertThat(Files.readAllBytes(work.resolve("range.bin"))).as("curl -r 0-99").isEqualTo(Arrays.copyOf(data, 100));

            String headers = run(curl, "-sS", "--compressed", "-D", "-", "-o", "page.txt", base + "page.txt");
            assertThat(headers).as("curl --compressed: the response head").containsIgnoringCase("Content-Encoding: gzip");
            assertThat(Files.readString(work.resolve("page.txt"))).as("curl --compressed: the inflated body").isEqualTo(text);

            Files.setLastModifiedTime(work.resolve("page.txt"), Files.getLastModifiedTime(served.resolve("page.txt")));
            String status = run(curl, "-sS", "-z", "page.txt", "-o", "/dev/null", "-w", "%{http_code}", base + "page.txt");
            assertThat(status).as("curl -z page.txt (a copy as new as the server's)").isEqualTo("304");

            run(curl, "-sS", "-O", base + "data.bin");
            assertThat(Files.readAllBytes(work.resolve("data.bin"))).as("curl -O").isEqualTo(data);

            Files.write(work.resolve("resumed.bin"), Arrays.copyOf(data, 123_456));
            run(curl, "-sS", "-C", "-", "-o", "resumed.bin", base + "data.bin");
            assertThat(Files.readAllBytes(work.resolve("resumed.bin"))).as("curl -C - after 123456 bytes").isEqualTo(data);
        }
    }

    @Test
    @DisplayName("wget: a whole download, and -c resuming a half one")
    void wget() throws Exception {
        String wget = tool("wget");
        try (RunningServer server = FileServers.start(served)) {
            String url = "http://127.0.0.1:" + server.port() + "/files/data.bin";
            run(wget, "-q", "-O", "whole.bin", url);
            assertThat(Files.readAllBytes(work.resolve("whole.bin"))).as("wget").isEqualTo(data);
            Files.write(work.resolve("data.bin"), Arrays.copyOf(data, 100_000));
            Files.setLastModifiedTime(work.resolve("data.bin"), FileTime.fromMillis(0));
            run(wget, "-q", "-c", url);
            assertThat(Files.readAllBytes(work.resolve("data.bin"))).as("wget -c after 100000 bytes").isEqualTo(data);
        }
    }

    @Test
    @DisplayName("Python requests: a range (206), a gzip body it inflates itself, and a revalidation (304)")
    void pythonRequests() throws Exception {
        String python = tool("python3");
        Process probe = new ProcessBuilder(python, "-c", "import requests").redirectErrorStream(true).start();
        probe.getInputStream().readAllBytes();
        assumeTrue(probe.waitFor() == 0, "Python requests is not installed (Debian package: python3-requests)");
        String script = String.join("\n",
                "import sys, requests",
                "base = sys.argv[1]",
                "r = requests.get(base + 'data.bin', headers={'Range': 'bytes=10-19'})",
                "assert r.status_code == 206 and len(r.content) == 10, (r.status_code, r.headers)",
                "r = requests.get(base + 'page.txt')",
                "assert r.headers.get('Content-Encoding') == 'gzip', r.headers",
                "assert r.text == open(sys.argv[2]).read(), 'inflated body differs'",
                "r2 = requests.get(base + 'page.txt', headers={'If-None-Match': r.headers['ETag']})",
                "assert r2.status_code == 304 and r2.content == b'', (r2.status_code, r2.headers)",
                "print('ok')");
        try (RunningServer server = FileServers.start(served)) {
            List<String> command = new ArrayList<>(List.of(python, "-c", script, "http://127.0.0.1:" + server.port() + "/files/",
                    served.resolve("page.txt").toString()));
            assertThat(run(command.toArray(String[]::new)).strip()).as("the Python requests script").isEqualTo("ok");
        }
    }

    @Test
    @DisplayName("Node fetch: a range (206), a gzip body it inflates itself, and a revalidation (304)")
    void nodeFetch() throws Exception {
        String node = tool("node");
        // fetch is Node's (18 and later) implementation of the browser API: it asks for gzip itself
        // and inflates the body, as a browser does; --no-warnings keeps Node 18's "experimental"
        // notice out of the output the test compares.
        String script = String.join("\n",
                "const fs = require('fs');",
                "const [base, local] = process.argv.slice(1);",
                "const check = (ok, what) => { if (!ok) { console.log(what); process.exit(1); } };",
                "(async () => {",
                "  let r = await fetch(base + 'data.bin', { headers: { Range: 'bytes=10-19' } });",
                "  check(r.status === 206 && (await r.arrayBuffer()).byteLength === 10, 'range: ' + r.status);",
                "  r = await fetch(base + 'page.txt');",
                "  check(r.headers.get('content-encoding') === 'gzip', 'no gzip: ' + [...r.headers]);",
                "  check((await r.text()) === fs.readFileSync(local, 'utf8'), 'inflated body differs');",
                "  const again = await fetch(base + 'page.txt', { headers: { 'If-None-Match': r.headers.get('etag') } });",
                "  check(again.status === 304, 'revalidation: ' + again.status);",
                "  console.log('ok');",
                "})().catch(e => { console.log(String(e)); process.exit(1); });");
        try (RunningServer server = FileServers.start(served)) {
            String output = run(node, "--no-warnings", "-e", script, "http://127.0.0.1:" + server.port() + "/files/",
                    served.resolve("page.txt").toString());
            assertThat(output.strip()).as("the Node fetch script").isEqualTo("ok");
        }
    }
}
