package dev.httpfromscratch.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.httpfromscratch.common.CommandLine;
import dev.httpfromscratch.common.Server;
import dev.httpfromscratch.common.ServerMain;
import dev.httpfromscratch.common.UsageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Peer: the HTTP server every JDK carries ({@code jdk.httpserver}, package com.sun.net.httpserver).
 * One dispatcher thread runs a {@code Selector} over all connections and hands each request to an
 * executor: here, by default, a new virtual thread per request (what a JDK 21+ user writes first);
 * {@code --executor fixed} uses a pool of {@code availableProcessors()} platform threads and
 * {@code --executor dispatcher} runs the handler on the dispatcher thread itself.
 */
public final class JdkHttpServerHello implements Server {
    private static final byte[] ROOT_BODY = HelloResponse.ascii(HelloResponse.ROOT_BODY);
    private static final byte[] API_BODY = HelloResponse.ascii(HelloResponse.API_BODY);

    private final int requestedPort;
    private final String executorKind;
    private final PrintStream console;
    private HttpServer server;
    private ExecutorService executor;

    public JdkHttpServerHello(int port, String executorKind, PrintStream console) {
        this.requestedPort = port;
        this.executorKind = executorKind;
        this.console = console;
    }

    public static void main(String[] args) {
        CommandLine commandLine = new CommandLine("jdk-httpserver-hello", "Benchmark peer: com.sun.net.httpserver hello server.")
                .portFlag()
                .flag("executor", "KIND", "who runs the handler: virtual (a virtual thread per request), fixed "
                        + "(availableProcessors() platform threads) or dispatcher (the selector thread)", "virtual");
        ServerMain.main(args, commandLine, JdkHttpServerHello::create);
    }

    static JdkHttpServerHello create(CommandLine.Options options, PrintStream console) throws UsageException {
        return new JdkHttpServerHello(options.port(), options.choice("executor", "virtual", "fixed", "dispatcher"), console);
    }

    @Override
    public void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(requestedPort), 4096);
        server.createContext("/", JdkHttpServerHello::handle);
        executor = switch (executorKind) {
            case "virtual" -> Executors.newVirtualThreadPerTaskExecutor();
            case "fixed" -> Executors.newFixedThreadPool(Runtime.getRuntime().availableProcessors());
            default -> null; // HttpServer's own dispatcher thread runs the handler
        };
        server.setExecutor(executor);
        server.start();
        console.println("jdk-httpserver-hello: executor " + executorKind);
    }

    private static void handle(HttpExchange exchange) throws IOException {
        boolean post = exchange.getRequestMethod().equals("POST");
        try (InputStream body = exchange.getRequestBody()) {
            body.transferTo(OutputStream.nullOutputStream()); // read the whole body before answering
        }
        byte[] bytes = post ? API_BODY : ROOT_BODY;
        // HttpServer writes Date and Connection itself; Content-Length comes from the length given here.
        exchange.getResponseHeaders().set("Server", HelloResponse.SERVER_NAME);
        exchange.getResponseHeaders().set("Content-Type", post ? HelloResponse.APPLICATION_JSON : HelloResponse.TEXT_PLAIN);
        // HttpServer closes after a "Connection: close" request but does not say so in the response
        // (RFC 9112 §9.6 only SHOULDs it): a client such as wrk then counts every close as a read
        // error. Saying it, as nginx and Netty do, is one header.
        String connection = exchange.getRequestHeaders().getFirst("Connection");
        if (connection != null && connection.toLowerCase(java.util.Locale.ROOT).contains("close")) {
            exchange.getResponseHeaders().set("Connection", "close");
        }
        exchange.sendResponseHeaders(200, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
        }
        if (executor != null) {
            executor.shutdownNow();
        }
    }
}
