package dev.httpfromscratch.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.httpfromscratch.testkit.RawConnection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling restart behind a real nginx (Debian's {@code nginx} package; .ci/run installs it):
 * two instances behind one upstream block, clients sending GETs and POSTs through nginx without
 * pause, and each instance in turn closed (what SIGTERM does) and started again on its port.
 * Nothing may be lost: no failed request, POSTs included (nginx cannot retry a POST it has sent),
 * and no {@code recv() failed} in nginx's error log (a connection closed under a request). Skips
 * where nginx is not installed. Loopback only; about ten seconds.
 */
@DisplayName("Final server: a rolling restart behind nginx")
class RollingRestartTest {
    private static final Duration DRAIN_DELAY = Duration.ofMillis(2_000);
    private static final int CLIENTS = 8;
    private static final String BODY = "{\"order\":42,\"items\":[\"a\",\"b\"]}";

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static FinalServer startInstance(int port) throws IOException {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        FinalServer server = new FinalServer(TestServers.config().withPort(port),
                RunOptions.defaults().withDrainDelay(DRAIN_DELAY).withBindAddress(InetAddress.getLoopbackAddress()), quiet, quiet);
        server.start();
        return server;
    }

    /**
     * nginx as the chapter recommends it: keep-alive to the upstreams, whose idle connections it
     * closes itself (keepalive_timeout 1 s) before the server's drain delay (2 s) ends; max_fails=0
     * so a refused connect() during a restart only moves the request to the other instance.
     */
    private static String nginxConfig(Path prefix, int listen, int first, int second) {
        boolean root = "root".equals(System.getProperty("user.name"));
        return (root ? "user root;\n" : "") + """
                worker_processes 1;
                daemon off;
                pid %1$s/nginx.pid;
                error_log %1$s/error.log info;
                events { worker_connections 256; }
                http {
                    access_log off;
                    client_body_temp_path %1$s/body;
                    proxy_temp_path %1$s/proxy;
                    fastcgi_temp_path %1$s/fastcgi;
                    uwsgi_temp_path %1$s/uwsgi;
                    scgi_temp_path %1$s/scgi;
                    upstream final_server {
                        server 127.0.0.1:%3$d max_fails=0;
                        server 127.0.0.1:%4$d max_fails=0;
                        keepalive 16;
                        keepalive_timeout 1s;
                    }
                    server {
                        listen 127.0.0.1:%2$d;
                        location / {
                            proxy_pass http://final_server;
                            proxy_http_version 1.1;
                            proxy_set_header Connection "";
                        }
                    }
                }
                """.formatted(prefix, listen, first, second);
    }

    @Test
    @DisplayName("two instances behind nginx, each closed and restarted in turn under GET and POST load: no request fails, no 'recv() failed'")
    void rollingRestartLosesNothing(@TempDir Path prefix) throws Exception {
        Path nginx = Executables.find("nginx");
        assumeTrue(nginx != null, "nginx is not installed (Debian: apt-get install nginx)");
        int[] ports = {freePort(), freePort()};
        FinalServer[] instances = {startInstance(ports[0]), startInstance(ports[1])};
        int listen = freePort();
        Files.writeString(prefix.resolve("nginx.conf"), nginxConfig(prefix, listen, ports[0], ports[1]));
        Process proxy = new ProcessBuilder(nginx.toString(), "-p", prefix.toString(), "-c", prefix.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(prefix.resolve("nginx.out").toFile()).start();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong gets = new AtomicLong();
        AtomicLong posts = new AtomicLong();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        CountDownLatch clientsDone = new CountDownLatch(CLIENTS);
        try {
            Conditions.await("nginx to listen on port " + listen, () -> Conditions.accepts(listen), () -> Conditions.readOrEmpty(prefix.resolve("nginx.out")));
            HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
            URI root = URI.create("http://127.0.0.1:" + listen + "/");
            URI api = URI.create("http://127.0.0.1:" + listen + "/api");
            for (int c = 0; c < CLIENTS; c++) {
                boolean posting = c % 2 == 1;
                Thread.ofPlatform().name("rolling-restart-client-" + c).start(() -> {
                    try {
                        while (running.get()) {
                            HttpRequest request = posting
                                    ? HttpRequest.newBuilder(api).timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
                                            .POST(HttpRequest.BodyPublishers.ofString(BODY)).build()
                                    : HttpRequest.newBuilder(root).timeout(Duration.ofSeconds(10)).GET().build();
                            try {
                                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                                if (response.statusCode() != 200) {
                                    failures.add(request.method() + " -> " + response.statusCode() + " " + response.body().strip());
                                }
                            } catch (IOException failed) {
                                failures.add(request.method() + " -> " + failed);
                            }
                            (posting ? posts : gets).incrementAndGet();
                        }
                    } catch (InterruptedException interrupted) {
                        Thread.currentThread().interrupt();
                    } finally {
                        clientsDone.countDown();
                    }
                });
            }
            Thread.sleep(1_000);
            for (int i = 0; i < instances.length; i++) {
                instances[i].close(); // what SIGTERM does: not ready, drain delay, port closed, requests in flight finished
                instances[i] = startInstance(ports[i]); // the new version, on the same port
                Thread.sleep(1_000);
            }
            running.set(false);
            assertThat(clientsDone.await(RawConnection.DEFAULT_DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("the clients stopped").isTrue();
            String errorLog = Conditions.readOrEmpty(prefix.resolve("error.log"));
            // At most ten of each in the message: a broken drain fails thousands of requests.
            assertThat(failures.size()).as("requests that failed through nginx during the rolling restart (%d GETs, %d POSTs sent); the first:%n%s%nnginx's first errors:%n%s",
                    gets.get(), posts.get(), String.join("\n", failures.stream().limit(10).toList()),
                    String.join("\n", errorLog.lines().filter(line -> line.contains("[error]")).limit(10).toList())).isZero();
            assertThat(gets.get()).as("GETs sent").isPositive();
            assertThat(posts.get()).as("POSTs sent").isPositive();
            assertThat(errorLog.lines().filter(line -> line.contains("recv() failed") || line.contains("prematurely closed")).limit(10).toList())
                    .as("nginx's error log: an upstream connection closed under a request (the first ten)").isEmpty();
        } finally {
            running.set(false);
            clientsDone.await(RawConnection.DEFAULT_DEADLINE.toSeconds(), TimeUnit.SECONDS);
            proxy.destroy();
            proxy.waitFor(5, TimeUnit.SECONDS);
            proxy.destroyForcibly();
            for (FinalServer instance : instances) {
                instance.close();
            }
        }
    }
}
