package dev.httpfromscratch.bench;

import dev.httpfromscratch.common.CommandLine;
import dev.httpfromscratch.common.Server;
import dev.httpfromscratch.common.ServerMain;
import dev.httpfromscratch.common.UsageException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import java.io.PrintStream;
import java.net.InetSocketAddress;

/**
 * Peer: the hello server of Netty's own examples, the stack under Reactor Netty, Vert.x and gRPC.
 * {@link HttpServerCodec} parses requests and encodes responses; one event loop thread per
 * {@code --threads} runs an epoll (native, {@code epoll_wait} on a JNI-made fd) or NIO
 * ({@code java.nio.channels.Selector}, which is epoll underneath too) loop.
 *
 * <p>Answers {@code GET} anything with the 35-byte text of step 3 and {@code POST} with a small
 * JSON object once the whole body has arrived (no JSON parsing: the peer reads the body, that is
 * all). The response is built per request from a shared, pre-encoded body (as Netty's
 * TechEmpower entry does), with a Date field cached once a second.
 *
 * <p>{@code --api jackson} makes it the Netty + Jackson peer of the {@code post-json} workload
 * instead: {@link NettyJacksonHandler} parses the body and answers what final-server answers.
 */
public final class NettyHelloServer implements Server {
    private static final AsciiString SERVER = AsciiString.cached(HelloResponse.SERVER_NAME);
    static final AsciiString TEXT_PLAIN = AsciiString.cached(HelloResponse.TEXT_PLAIN);
    static final AsciiString APPLICATION_JSON = AsciiString.cached(HelloResponse.APPLICATION_JSON);
    private static final ByteBuf ROOT_BODY =
            Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(HelloResponse.ascii(HelloResponse.ROOT_BODY)));
    private static final ByteBuf API_BODY =
            Unpooled.unreleasableBuffer(Unpooled.directBuffer().writeBytes(HelloResponse.ascii(HelloResponse.API_BODY)));

    private final int requestedPort;
    private final int threads;
    private final boolean epoll;
    private final boolean jackson;
    private final PrintStream console;
    private EventLoopGroup group;
    private Channel listening;

    public NettyHelloServer(int port, int threads, boolean epoll, PrintStream console) {
        this(port, threads, epoll, false, console);
    }

    public NettyHelloServer(int port, int threads, boolean epoll, boolean jackson, PrintStream console) {
        this.requestedPort = port;
        this.threads = threads;
        this.epoll = epoll;
        this.jackson = jackson;
        this.console = console;
    }

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine("netty-hello", "Benchmark peer: Netty HttpServerCodec hello server.")
                .portFlag()
                .flag("transport", "NAME", "epoll (native, Linux) or nio (java.nio Selector)", "nio")
                .flag("threads", "N", "event loop threads (the same number of reactors as final-server)",
                        String.valueOf(Runtime.getRuntime().availableProcessors()))
                .flag("api", "MODE", "POST /api: fixed (read the body, answer fixed bytes) or jackson (parse it, echo its fields)", "fixed");
        ServerMain.main(args, commandLine, NettyHelloServer::create);
    }

    static NettyHelloServer create(CommandLine.Options options, PrintStream console) throws UsageException {
        boolean epoll = options.choice("transport", "epoll", "nio").equals("epoll");
        boolean jackson = options.choice("api", "fixed", "jackson").equals("jackson");
        return new NettyHelloServer(options.port(), options.integer("threads", 1, 256), epoll, jackson, console);
    }

    @Override
    public void start() {
        IoHandlerFactory handlers;
        if (epoll) {
            Epoll.ensureAvailability(); // fails here, with the reason, when the native library cannot load
            handlers = EpollIoHandler.newFactory();
        } else {
            handlers = NioIoHandler.newFactory();
        }
        group = new MultiThreadIoEventLoopGroup(threads, handlers);
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        if (jackson) {
                            // What a Netty + Jackson service does: a whole FullHttpRequest, then the mapper.
                            channel.pipeline().addLast(new HttpServerCodec(),
                                    new HttpObjectAggregator(NettyJacksonHandler.MAX_BODY_BYTES), new NettyJacksonHandler());
                        } else {
                            channel.pipeline().addLast(new HttpServerCodec(), new HelloHandler());
                        }
                    }
                });
        listening = bootstrap.bind(new InetSocketAddress(requestedPort)).syncUninterruptibly().channel();
        console.println("netty-hello: " + (epoll ? "epoll" : "nio") + " transport, " + threads + " event loop threads"
                + (jackson ? ", POST /api parsed with Jackson" : ""));
    }

    @Override
    public int port() {
        return ((InetSocketAddress) listening.localAddress()).getPort();
    }

    @Override
    public void close() {
        if (listening != null) {
            listening.close().syncUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** The GET / body every peer answers, shared and read-only (a duplicate per response). */
    static ByteBuf rootBody() {
        return ROOT_BODY.duplicate();
    }

    /**
     * Queues one response with the header fields every peer sends; the handler's
     * {@code channelReadComplete} flushes. A {@code Connection: close} request is flushed at once
     * and the connection closed once the bytes are out.
     */
    static void respond(ChannelHandlerContext context, HttpResponseStatus status, ByteBuf body, AsciiString contentType,
            boolean keepAlive) {
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
        response.headers()
                .set(HttpHeaderNames.DATE, HelloResponse.date())
                .set(HttpHeaderNames.SERVER, SERVER)
                .set(HttpHeaderNames.CONTENT_TYPE, contentType)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes())
                .set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        if (keepAlive) {
            context.write(response, context.voidPromise());
        } else {
            context.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Answers each request when its last content arrives; writes are flushed once per read batch. */
    private static final class HelloHandler extends SimpleChannelInboundHandler<HttpObject> {
        private boolean keepAlive;
        private boolean post;

        @Override
        protected void channelRead0(ChannelHandlerContext context, HttpObject message) {
            if (message instanceof HttpRequest request) {
                keepAlive = HttpUtil.isKeepAlive(request);
                post = request.method().equals(HttpMethod.POST);
            }
            // HttpServerCodec follows every request with a LastHttpContent (an empty one when there
            // is no body): answer then, so a POST is answered after its whole body was read.
            if (message instanceof LastHttpContent) {
                if (post) {
                    respond(context, HttpResponseStatus.OK, API_BODY.duplicate(), APPLICATION_JSON, keepAlive);
                } else {
                    respond(context, HttpResponseStatus.OK, ROOT_BODY.duplicate(), TEXT_PLAIN, keepAlive);
                }
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext context) {
            context.flush(); // one write() syscall for all responses of one read: pipelining pays off
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            if (!(cause instanceof java.io.IOException)) {
                cause.printStackTrace(); // a bug in this peer, not a client going away
            }
            context.close(); // a reset client, say: that connection only
        }
    }
}
