package dev.httpfromscratch.server;

import dev.httpfromscratch.testkit.RawConnection;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The final server in a child JVM, for what only a process shows: its heap (-Xmx), its exit
 * code, what it prints before it dies. The output goes to a file, not a pipe (a pipe read while
 * the process exits can lose its last lines, and those are the ones the tests check).
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");

    private final Process process;
    private final Path output;
    private final int port;

    private ServerProcess(Process process, Path output) {
        this.process = process;
        this.output = output;
        Conditions.await("the server process to say its port", () -> portIn(output()) > 0 || !process.isAlive(), this::output);
        if (!process.isAlive()) {
            throw new AssertionError("the server process ended before it listened:\n" + output());
        }
        this.port = portIn(output());
    }

    /** Starts {@code mainClass} (Main, or a test's own main) with {@code jvmOptions} and {@code args}; stdin stays a pipe. */
    static ServerProcess start(List<String> jvmOptions, Class<?> mainClass, String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> command = new ArrayList<>(List.of(java));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass.getName()));
        command.addAll(List.of(args));
        Path output = Files.createTempFile("final-server-process", ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        return new ServerProcess(process, output);
    }

    int port() {
        return port;
    }

    Process process() {
        return process;
    }

    /** Everything the process printed so far (stdout and stderr). */
    String output() {
        try {
            return Files.readString(output, StandardCharsets.UTF_8);
        } catch (IOException unreadable) {
            return "";
        }
    }

    /** The body of GET {@code path} on a fresh connection, or fails with the process output when there is no 200. */
    String get(String path) {
        try (RawConnection client = RawConnection.open(port)) {
            var response = client.send("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").readResponse();
            if (response.status() != 200) {
                throw new AssertionError("GET " + path + " answered " + response.statusLine() + "; server output:\n" + tail());
            }
            return response.bodyText();
        }
    }

    /** A sample of the process's /metrics, e.g. ("jvm_memory_bytes_used", "area=\"heap\""); -1 when absent. */
    double metric(String name, String labels) {
        Matcher matcher = Pattern.compile("(?m)^" + Pattern.quote(name) + (labels.isEmpty() ? "" : "\\{" + Pattern.quote(labels) + ",?\\}")
                + " (\\S+)$").matcher(get("/metrics"));
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : -1;
    }

    /** A full GC in the process (jcmd GC.run), so that used heap means retained heap. */
    void fullGc() throws IOException, InterruptedException {
        Path jcmd = Path.of(ProcessHandle.current().info().command().orElseThrow()).resolveSibling("jcmd");
        Process gc = new ProcessBuilder(jcmd.toString(), Long.toString(process.pid()), "GC.run").redirectErrorStream(true).start();
        String said = new String(gc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!gc.waitFor(RawConnection.DEFAULT_DEADLINE.toSeconds(), TimeUnit.SECONDS) || gc.exitValue() != 0) {
            throw new AssertionError("jcmd " + process.pid() + " GC.run failed: " + said);
        }
    }

    /** The process's resident set (VmRSS in /proc/PID/status), in bytes. */
    long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        return -1;
    }

    /** The last lines of the output, for a failure message. */
    String tail() {
        String text = output();
        return text.length() <= 4_000 ? text : "..." + text.substring(text.length() - 4_000);
    }

    private static int portIn(String text) {
        Matcher matcher = LISTENING.matcher(text);
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : 0;
    }

    @Override
    public void close() throws IOException {
        process.destroyForcibly();
        try {
            process.waitFor(RawConnection.DEFAULT_DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(output);
    }
}
