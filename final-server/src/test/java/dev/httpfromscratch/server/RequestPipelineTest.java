package dev.httpfromscratch.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.step3.ResponseWriter;
import dev.httpfromscratch.testkit.Points;
import dev.httpfromscratch.testkit.Stage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The request pipeline in memory: no socket, no event loop, a clock the test sets. Bytes go in,
 * and the test reads what a client would have received and whether the connection stays open.
 */
@Stage(value = 2, title = "a request in, its answer out", section = "docs/05-final-server.md#code-requestpipelineprocess")
@DisplayName("Final server: the request pipeline, in memory")
class RequestPipelineTest {
    private static final String GET_ROOT = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final String GET_HEALTH = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final String POST_API = "POST /api HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 9\r\n\r\n{\"n\":\"x\"}";
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 (\\d{3}) ");

    /** A socket's sending side: takes up to {@code room} bytes per write (Integer.MAX_VALUE: all), or fails like EPIPE. */
    private static final class FakeSocket implements WritableByteChannel {
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        int room = Integer.MAX_VALUE;
        boolean reset;

        @Override
        public int write(ByteBuffer source) throws IOException {
            if (reset) {
                throw new IOException("Broken pipe");
            }
            int n = Math.min(room, source.remaining());
            byte[] bytes = new byte[n];
            source.get(bytes);
            received.write(bytes, 0, n);
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {}

        String text() {
            return received.toString(StandardCharsets.ISO_8859_1);
        }
    }

    private final FakeSocket socket = new FakeSocket();
    private final ServerMetrics metrics = new ServerMetrics();
    private final LogWriter log = new LogWriter("test-log", new PrintStream(OutputStream.nullOutputStream()));
    private long now = 5_000_000_000L;
    private ServerContext context;
    private OutputQueue output;
    private RequestPipeline pipeline;

    private RequestPipeline pipeline(ServerConfig config) {
        ResponseWriter writer = new ResponseWriter();
        RouteTable routes = FinalRoutes.create(metrics, () -> false, Duration.ZERO);
        context = new ServerContext(config, RunOptions.defaults(), routes, writer, metrics, log.printStream(), log);
        LoopResources loop = new LoopResources(ByteBuffer.allocate(64 * 1024), ByteBuffer.allocate(64 * 1024),
                routes.encodeConstants(writer), metrics.recorder(), new AccessLog(log), connection -> { });
        output = new OutputQueue(socket, loop.writeBuffer(), loop.metrics());
        pipeline = new RequestPipeline(context, loop, output, () -> now, "test");
        return pipeline;
    }

    @AfterEach
    void stopLog() {
        log.close(100);
    }

    private void feed(String bytes) {
        pipeline.accept(ByteBuffer.wrap(bytes.getBytes(StandardCharsets.ISO_8859_1)), now);
        output.endTurn();
    }

    private String statuses() {
        StringBuilder statuses = new StringBuilder();
        Matcher matcher = STATUS_LINE.matcher(socket.text());
        while (matcher.find()) {
            statuses.append(statuses.isEmpty() ? "" : " ").append(matcher.group(1));
        }
        return statuses.toString();
    }

    @Test
    @Points(2)
    @DisplayName("three pipelined requests in one read: three responses in order, the connection kept")
    void pipelined() {
        pipeline(TestServers.config());
        feed(GET_ROOT + GET_HEALTH + POST_API + "GET /nowhere HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(statuses()).as("the status codes sent, in order; all bytes sent:%n%s", socket.text()).isEqualTo("200 200 200 404");
        assertThat(pipeline.completedRequests()).isEqualTo(4);
        assertThat(pipeline.closing()).as("HTTP/1.1 without Connection: close keeps the connection").isFalse();
        assertThat(pipeline.waitingFor()).isEqualTo(Phase.IDLE);
    }

    @Test
    @DisplayName("the Host check is remembered per connection only for a value that passed: a later request with another, invalid Host gets 400")
    void hostCheckedForEveryNewValue() {
        pipeline(TestServers.config());
        feed("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n" + "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"
                + "GET / HTTP/1.1\r\nHost: exa mple.com\r\n\r\n");
        assertThat(statuses()).as("a valid Host twice, then an invalid one on the same connection (RFC 9112 §3.2: 400);"
                + " a server that skipped the check after the first request answers 200 here; all bytes sent:%n%s", socket.text())
                .isEqualTo("200 200 400");
        assertThat(pipeline.closing()).as("a refused request closes the connection").isTrue();
    }

    /** One read as the loop hands it over: the bytes at the start of a larger buffer, which the read did not fill. */
    private void read(String bytes) {
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024).put(bytes.getBytes(StandardCharsets.ISO_8859_1)).flip();
        pipeline.accept(buffer, now);
        output.endTurn();
    }

    @Test
    @DisplayName("a close the client asked for, with nothing read behind it, needs no lingering close; anything else lingers")
    void closeAtOnceOnlyWhenNothingIsUnread() {
        pipeline(TestServers.config());
        read("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(pipeline.mayCloseAtOnce()).as("Connection: close and nothing behind it: close() sends FIN, never RST").isTrue();

        pipeline(TestServers.config());
        read("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\n");
        assertThat(pipeline.mayCloseAtOnce()).as("bytes pipelined behind the close are unread: closing at once would send RST").isFalse();

        pipeline(TestServers.config());
        read("GET / HTTP/1.0\r\n\r\n");
        assertThat(pipeline.mayCloseAtOnce()).as("HTTP/1.0 without keep-alive asked for the close too").isTrue();

        pipeline(TestServers.config());
        read("BAD REQUEST\r\n\r\n");
        assertThat(pipeline.closing()).as("400: the connection closes").isTrue();
        assertThat(pipeline.mayCloseAtOnce()).as("a refused request: the client may still be sending, so the server lingers").isFalse();

        pipeline(TestServers.config());
        read(GET_ROOT);
        assertThat(pipeline.mayCloseAtOnce()).as("a kept-alive connection is not closing at all").isFalse();
    }

    @Test
    @Points(2)
    @DisplayName("Connection: close answers that request, then nothing more: the requests behind it are not run")
    void closeStopsThePipeline() {
        pipeline(TestServers.config());
        feed(GET_ROOT + "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" + GET_ROOT);
        assertThat(statuses()).as("all bytes sent:%n%s", socket.text()).isEqualTo("200 200");
        assertThat(socket.text()).contains("Connection: close");
        assertThat(pipeline.closing()).isTrue();
    }

    @Test
    @Points(1)
    @DisplayName("HTTP/1.0 without keep-alive closes; a rejected request answers its 4xx and closes")
    void http10AndRejection() {
        pipeline(TestServers.config());
        feed("GET / HTTP/1.0\r\n\r\n");
        assertThat(pipeline.closing()).as("after an HTTP/1.0 request without keep-alive").isTrue();

        socket.received.reset();
        pipeline(TestServers.config());
        feed("GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n" + GET_ROOT);
        assertThat(statuses()).as("all bytes sent:%n%s", socket.text()).isEqualTo("400");
        assertThat(pipeline.closing()).as("after a rejected request").isTrue();
    }

    @Test
    @Points(2)
    @DisplayName("a request cut across reads waits in the parser; its duration runs from its first byte, on the pipeline's clock")
    void partialRequestAndDuration() {
        pipeline(TestServers.config());
        feed("GET /nowhere HTTP/1.1\r\nHo");
        assertThat(pipeline.waitingFor()).as("after half a head").isEqualTo(Phase.HEADER);
        assertThat(socket.text()).as("nothing is answered for half a request").isEmpty();
        now += 250_000_000L; // 0.25 s later, the rest
        feed("st: x\r\n\r\n");
        assertThat(statuses()).isEqualTo("404");
        double seconds = metrics.registry().getSampleValue("http_request_duration_seconds_sum");
        assertThat(seconds).as("the recorded duration of the request, in seconds").isEqualTo(0.25);
    }

    @Test
    @Points(1)
    @DisplayName("Expect: 100-continue: 100 for a routed request, the final 404 and a close for an unrouted one")
    void expectContinue() {
        pipeline(TestServers.config());
        feed("POST /api HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 9\r\nExpect: 100-continue\r\n\r\n");
        assertThat(statuses()).as("all bytes sent:%n%s", socket.text()).isEqualTo("100");
        assertThat(pipeline.waitingFor()).isEqualTo(Phase.BODY);
        feed("{\"n\":\"x\"}");
        assertThat(statuses()).isEqualTo("100 200");

        socket.received.reset();
        pipeline(TestServers.config());
        feed("POST /nowhere HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\nExpect: 100-continue\r\n\r\n");
        assertThat(statuses()).as("all bytes sent:%n%s", socket.text()).isEqualTo("404");
        assertThat(pipeline.closing()).isTrue();
    }

    @Test
    @Points(2)
    @DisplayName("backpressure: a client that does not read stops the pipeline; once it reads, the rest is answered in order")
    void backpressure() {
        pipeline(TestServers.config());
        socket.room = 0; // the client reads nothing: the socket's send buffer is full
        StringBuilder requests = new StringBuilder();
        int count = 3000; // ~300 KiB of 200s: more than OutputQueue.MAX_PENDING_BYTES
        for (int i = 0; i < count; i++) {
            requests.append(GET_ROOT);
        }
        feed(requests.toString());
        assertThat(output.isFull()).as("the output queue after %d unread responses", pipeline.completedRequests()).isTrue();
        assertThat(pipeline.hasStash()).as("unanswered requests wait").isTrue();
        assertThat(pipeline.completedRequests()).as("requests answered while the client reads nothing").isLessThan(count);
        socket.room = Integer.MAX_VALUE; // the client reads
        while (output.hasPending() || pipeline.hasStash()) {
            output.drain();
            pipeline.resume(now);
            output.endTurn();
        }
        assertThat(pipeline.completedRequests()).isEqualTo(count);
        assertThat(statuses().split(" ")).as("every request answered").hasSize(count).containsOnly("200");
    }

    @Test
    @Points(1)
    @DisplayName("a write that fails (the client left) stops the pipeline: the requests behind are not run")
    void brokenPipe() {
        pipeline(TestServers.config());
        socket.reset = true;
        StringBuilder requests = new StringBuilder();
        for (int i = 0; i < 3000; i++) {
            requests.append(GET_ROOT);
        }
        feed(requests.toString());
        assertThat(output.isBroken()).isTrue();
        assertThat(pipeline.completedRequests()).as("requests run after the client left").isLessThan(3000);
    }

    @Test
    @Points(1)
    @DisplayName("a timed-out request gets 408 and the connection closes")
    void timeout() {
        pipeline(TestServers.config());
        feed("GET / HTTP/1.1\r\nHo");
        pipeline.timedOut(Phase.HEADER);
        output.endTurn();
        assertThat(statuses()).isEqualTo("408");
        assertThat(pipeline.closing()).isTrue();
    }
}
