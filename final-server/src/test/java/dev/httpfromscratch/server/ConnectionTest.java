package dev.httpfromscratch.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.httpfromscratch.testkit.Points;
import dev.httpfromscratch.testkit.Stage;
import java.nio.channels.SelectionKey;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * One connection's read turn in memory ({@code Connection.onReadable}): the test queues what the
 * client's next reads return (bytes, FIN, a reset) and reads back what the server wrote, in how
 * many write() calls, and whether it shut its side or closed.
 */
@Stage(value = 3, title = "the event loop: a read turn, the hand-off, the deadlines and the sweep", section = "docs/05-final-server.md#code-connectiononreadable")
@DisplayName("Final server: a connection's read turn, in memory")
class ConnectionTest {
    private static final long T0 = 1_000_000_000_000L;
    private static final String GET_ROOT = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final String GET_HEALTH = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 (\\d{3}) ");

    private final LoopUnderTest test = new LoopUnderTest(TestServers.config());

    @AfterEach
    void stopLog() {
        test.close();
    }

    private static String statuses(InMemoryChannel channel) {
        StringBuilder statuses = new StringBuilder();
        Matcher matcher = STATUS_LINE.matcher(channel.sentText());
        while (matcher.find()) {
            statuses.append(statuses.isEmpty() ? "" : " ").append(matcher.group(1));
        }
        return statuses.toString();
    }

    @Test
    @Points(1)
    @DisplayName("one read of three pipelined requests: three answers in order, in one write(), the bytes counted")
    void oneReadOneWrite() {
        InMemoryChannel channel = test.open(T0);
        String requests = GET_ROOT + GET_HEALTH + GET_ROOT;
        channel.arrive(requests);
        test.connectionOf(channel).onReadable(T0);
        assertThat(statuses(channel)).as("the status codes written after one read of three requests; all bytes written:%n%s",
                channel.sentText()).isEqualTo("200 200 200");
        assertThat(channel.writes()).as("write() calls for the three answers: the turn ends with one write of everything it"
                + " produced (docs/05-final-server.md, 'Nagle, delayed ACKs and one write per response')").isEqualTo(1);
        assertThat(test.sample("http_received_bytes_total")).as("http_received_bytes_total after one read of %d bytes",
                requests.length()).isEqualTo(requests.length());
        assertThat(test.selector.registered.get(0).interestOps()).as("interest after the turn (OP_READ = 1: wait for the next request)")
                .isEqualTo(SelectionKey.OP_READ);
    }

    @Test
    @Points(1)
    @DisplayName("end of stream (read returns -1) after a request: the request is answered, then the connection closes; a reset closes at once")
    void endOfStreamAndReset() {
        InMemoryChannel halfClosed = test.open(T0);
        halfClosed.arrive(GET_ROOT).finish();
        Connection connection = test.connectionOf(halfClosed);
        connection.onReadable(T0);
        connection.onReadable(T0);
        assertThat(statuses(halfClosed)).as("answers to a client that sent GET / and then FIN; all bytes written:%n%s",
                halfClosed.sentText()).isEqualTo("200");
        assertThat(halfClosed.isOpen()).as("the connection after read() returned -1 with nothing left to send").isFalse();

        InMemoryChannel reset = test.open(T0);
        reset.reset();
        test.connectionOf(reset).onReadable(T0);
        assertThat(reset.isOpen()).as("the connection after read() threw 'Connection reset'").isFalse();
        assertThat(reset.sentText()).as("bytes written to a client that reset").isEmpty();
        assertThat(test.sample("http_connections_active")).as("http_connections_active after both closed").isEqualTo(0);
    }

    @Test
    @Points(1)
    @DisplayName("Connection: close with bytes behind it: the answer, then FIN; what the client still sends is read and dropped until it closes too")
    void lingeringClose() {
        InMemoryChannel channel = test.open(T0);
        Connection connection = test.connectionOf(channel);
        // A request behind the close is unread input: closing at once would make the kernel answer
        // it with RST, which can destroy the response before the client reads it.
        channel.arrive("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" + GET_ROOT);
        connection.onReadable(T0);
        assertThat(statuses(channel)).as("answers to a Connection: close request with another request behind it "
                + "(only the first is answered); all bytes written:%n%s", channel.sentText()).isEqualTo("200");
        assertThat(channel.outputShut()).as("the server shut its sending side (FIN right behind the response)").isTrue();

        channel.arrive(GET_ROOT);
        connection.onReadable(T0);
        assertThat(statuses(channel)).as("answers after a request sent behind Connection: close (it must be read and dropped)")
                .isEqualTo("200");
        assertThat(channel.isOpen()).as("the connection while the client has not closed yet (closing now could reset the response)").isTrue();

        channel.finish();
        connection.onReadable(T0);
        assertThat(channel.isOpen()).as("the connection once the client closed too").isFalse();
    }
}
