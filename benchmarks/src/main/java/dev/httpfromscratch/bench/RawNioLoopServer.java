package dev.httpfromscratch.bench;

import dev.httpfromscratch.common.CommandLine;
import dev.httpfromscratch.common.Server;
import dev.httpfromscratch.common.ServerMain;
import dev.httpfromscratch.common.UsageException;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The floor: the least a Java NIO server can do per request on a given machine. One acceptor thread
 * ({@code accept()} blocking) deals connections round-robin to {@code --reactors} threads, each
 * with its own {@link Selector} (an epoll fd); a reactor reads whatever arrived, counts the
 * {@code \r\n\r\n} that end request heads, and writes that many copies of one pre-encoded response.
 *
 * <p>It parses nothing: no method, no target, no header is looked at, a body is not framed (the
 * benchmark's JSON body holds no CRLFCRLF, so it is simply skipped). The one thing it watches for
 * is the exact bytes {@code Connection: close}, so that wrk's connection-per-request run makes a
 * new connection per request here too. Not a server anyone should run; a measuring stick for
 * what parsing, routing and encoding cost in final-server.
 */
public final class RawNioLoopServer implements Server {
    private static final byte[] KEEP_ALIVE_RESPONSE =
            HelloResponse.preEncoded(HelloResponse.ROOT_BODY, HelloResponse.TEXT_PLAIN, false);
    private static final byte[] CLOSE_RESPONSE =
            HelloResponse.preEncoded(HelloResponse.ROOT_BODY, HelloResponse.TEXT_PLAIN, true);
    private static final byte[] HEAD_END = {'\r', '\n', '\r', '\n'};
    private static final byte[] CLOSE_FIELD = HelloResponse.ascii("Connection: close");

    private final int requestedPort;
    private final int reactorCount;
    private final PrintStream console;
    private final List<Reactor> reactors = new ArrayList<>();
    private ServerSocketChannel listening;
    private Thread acceptor;

    public RawNioLoopServer(int port, int reactorCount, PrintStream console) {
        this.requestedPort = port;
        this.reactorCount = reactorCount;
        this.console = console;
    }

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine("raw-nio-loop",
                "Benchmark floor: multi-reactor NIO loop answering every request head with fixed bytes.")
                .portFlag()
                .flag("reactors", "N", "selector threads", String.valueOf(Runtime.getRuntime().availableProcessors()));
        ServerMain.main(args, commandLine, RawNioLoopServer::create);
    }

    static RawNioLoopServer create(CommandLine.Options options, PrintStream console) throws UsageException {
        return new RawNioLoopServer(options.port(), options.integer("reactors", 1, 256), console);
    }

    @Override
    public void start() throws IOException {
        listening = ServerSocketChannel.open();
        listening.setOption(StandardSocketOptions.SO_REUSEADDR, true);
        listening.bind(new InetSocketAddress(requestedPort), 4096);
        for (int i = 0; i < reactorCount; i++) {
            Reactor reactor = new Reactor(Selector.open());
            reactors.add(reactor);
            reactor.thread = Thread.ofPlatform().name("raw-reactor-" + i).start(reactor::run);
        }
        acceptor = Thread.ofPlatform().name("raw-acceptor").start(this::acceptLoop);
        console.println("raw-nio-loop: " + reactorCount + " reactors, " + KEEP_ALIVE_RESPONSE.length + "-byte response");
    }

    private void acceptLoop() {
        int next = 0;
        while (listening.isOpen()) {
            try {
                SocketChannel client = listening.accept();
                client.setOption(StandardSocketOptions.TCP_NODELAY, true);
                client.configureBlocking(false);
                Reactor reactor = reactors.get(next++ % reactors.size());
                reactor.incoming.add(client);
                reactor.selector.wakeup();
            } catch (IOException failed) {
                if (!listening.isOpen()) {
                    return;
                }
            }
        }
    }

    @Override
    public int port() {
        return listening.socket().getLocalPort();
    }

    @Override
    public void close() {
        try {
            if (listening != null) {
                listening.close();
            }
            for (Reactor reactor : reactors) {
                reactor.selector.close();
                reactor.thread.join(2_000);
            }
            if (acceptor != null) {
                acceptor.join(2_000);
            }
        } catch (IOException | InterruptedException ignored) {
            // best effort at shutdown
        }
    }

    /** Per connection: how much of CRLFCRLF and of "Connection: close" the last bytes matched. */
    private static final class Connection {
        int headEndMatched;
        int closeMatched;
        boolean closeRequested; // the current request head holds "Connection: close"
        boolean closing;        // its answer is written: close once the socket took it
        ByteBuffer pending; // responses the socket could not take yet (OP_WRITE is on while set)
    }

    private static final class Reactor {
        final Selector selector;
        final Queue<SocketChannel> incoming = new ConcurrentLinkedQueue<>();
        final ByteBuffer readBuffer = ByteBuffer.allocateDirect(64 * 1024);
        final ByteBuffer writeBuffer = ByteBuffer.allocateDirect(64 * 1024);
        Thread thread;

        Reactor(Selector selector) {
            this.selector = selector;
        }

        void run() {
            // BEGIN SOLUTION
            // STUB: throw new UnsupportedOperationException("Step 4: this peer is an NIO event loop, step 4's answer; the starter ships it once step 4 is due (docs/04-multiplexing.md, 'The reactor pattern')");
            try {
                while (selector.isOpen()) {
                    selector.select();
                    SocketChannel client;
                    while ((client = incoming.poll()) != null) {
                        client.register(selector, SelectionKey.OP_READ, new Connection());
                    }
                    Iterator<SelectionKey> ready = selector.selectedKeys().iterator();
                    while (ready.hasNext()) {
                        SelectionKey key = ready.next();
                        ready.remove();
                        try {
                            serve(key);
                        } catch (IOException reset) {
                            key.channel().close();
                        }
                    }
                }
            } catch (IOException | ClosedSelectorException stopped) {
                // close() closed the selector
            }
            // END SOLUTION
        }

        private void serve(SelectionKey key) throws IOException {
            // BEGIN SOLUTION
            // STUB: throw new UnsupportedOperationException("Step 4: this peer is an NIO event loop, step 4's answer; the starter ships it once step 4 is due (docs/04-multiplexing.md, 'The reactor pattern')");
            SocketChannel channel = (SocketChannel) key.channel();
            Connection connection = (Connection) key.attachment();
            if (key.isWritable()) {
                channel.write(connection.pending);
                if (connection.pending.hasRemaining()) {
                    return;
                }
                connection.pending = null;
                key.interestOps(SelectionKey.OP_READ);
                if (connection.closing) {
                    channel.close();
                    return;
                }
            }
            if (!key.isReadable()) {
                return;
            }
            readBuffer.clear();
            int read = channel.read(readBuffer); // read(fd, ...) of whatever the kernel holds
            if (read < 0) {
                channel.close();
                return;
            }
            int requests = 0;
            for (int i = 0; i < read && !connection.closing; i++) {
                byte b = readBuffer.get(i);
                connection.closeMatched = b == CLOSE_FIELD[connection.closeMatched] ? connection.closeMatched + 1
                        : (b == CLOSE_FIELD[0] ? 1 : 0);
                if (connection.closeMatched == CLOSE_FIELD.length) {
                    connection.closeMatched = 0;
                    connection.closeRequested = true;
                }
                connection.headEndMatched = b == HEAD_END[connection.headEndMatched] ? connection.headEndMatched + 1
                        : (b == '\r' ? 1 : 0);
                if (connection.headEndMatched == HEAD_END.length) {
                    connection.headEndMatched = 0;
                    requests++;
                    connection.closing = connection.closeRequested; // the last request this connection answers
                }
            }
            if (requests == 0) {
                return;
            }
            int needed = requests * KEEP_ALIVE_RESPONSE.length + (CLOSE_RESPONSE.length - KEEP_ALIVE_RESPONSE.length);
            // A read of very many tiny pipelined requests may need more than the reusable buffer.
            ByteBuffer out = needed <= writeBuffer.capacity() ? writeBuffer.clear() : ByteBuffer.allocate(needed);
            for (int r = 0; r < requests; r++) {
                out.put(connection.closing && r == requests - 1 ? CLOSE_RESPONSE : KEEP_ALIVE_RESPONSE);
            }
            out.flip();
            channel.write(out); // one write() for every response of this read
            if (out.hasRemaining()) {
                connection.pending = ByteBuffer.allocate(out.remaining()).put(out).flip();
                key.interestOps(SelectionKey.OP_WRITE);
            } else if (connection.closing) {
                channel.close();
            }
            // END SOLUTION
        }
    }
}
