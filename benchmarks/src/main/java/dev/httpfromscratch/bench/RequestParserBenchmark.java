package dev.httpfromscratch.bench;

import dev.httpfromscratch.step3.ParseResult;
import dev.httpfromscratch.step3.RequestParser;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * JMH benchmark of step 3's {@link RequestParser} (docs/06-performance.md, "The parser under JMH").
 *
 * <p>Two requests: {@code small}, what wrk sends (request line and Host, 40 bytes), and
 * {@code browser}, what a desktop browser sends for a page (13 fields with cookies, about 900
 * bytes). Bytes per second = operations per second times the request's length (printed by
 * {@link #main}); allocations per request come from {@code -prof gc} (gc.alloc.rate.norm).
 *
 * <p>{@link #keepAliveConnection} reuses one parser, as one connection does for request after
 * request; {@link #newConnection} makes a parser per request, as connection-per-request does.
 *
 * <p>Run: {@code java -jar benchmarks/target/benchmarks.jar RequestParserBenchmark -prof gc}
 * (bench/jmh.sh does it with the JDK the build used).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RequestParserBenchmark {

    static final String SMALL = "GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\r\n";

    static final String BROWSER = "GET /articles/2026/http-from-scratch?page=2&sort=new HTTP/1.1\r\n"
            + "Host: www.example.com\r\n"
            + "Connection: keep-alive\r\n"
            + "sec-ch-ua: \"Chromium\";v=\"131\", \"Not_A Brand\";v=\"24\"\r\n"
            + "sec-ch-ua-mobile: ?0\r\n"
            + "sec-ch-ua-platform: \"Linux\"\r\n"
            + "Upgrade-Insecure-Requests: 1\r\n"
            + "User-Agent: Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36\r\n"
            + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8\r\n"
            + "Sec-Fetch-Site: same-origin\r\n"
            + "Sec-Fetch-Mode: navigate\r\n"
            + "Sec-Fetch-Dest: document\r\n"
            + "Referer: https://www.example.com/articles/2026/http-from-scratch\r\n"
            + "Accept-Encoding: gzip, deflate, br, zstd\r\n"
            + "Accept-Language: en-GB,en;q=0.9,de;q=0.8\r\n"
            + "Cookie: session=3f9a1c2e7b5d4e60a1b2c3d4e5f60718; theme=dark; _ga=GA1.1.1234567890.1732233445; consent=yes\r\n"
            + "\r\n";

    @Param({"small", "browser"})
    public String request;

    private ByteBuffer input;
    private RequestParser parser;

    @Setup(Level.Trial)
    public void setUp() {
        byte[] bytes = (request.equals("small") ? SMALL : BROWSER).getBytes(StandardCharsets.US_ASCII);
        input = ByteBuffer.wrap(bytes); // a heap buffer, as final-server's reactors read into
        parser = new RequestParser();
        if (!(parser.parse(input.duplicate()) instanceof ParseResult.Complete)) {
            throw new IllegalStateException("the benchmark request does not parse: " + request);
        }
    }

    /** One connection, request after request: the parser starts the next request by itself. */
    @Benchmark
    public ParseResult keepAliveConnection() {
        input.clear();
        return parser.parse(input);
    }

    /** A new connection per request: a new parser each time. */
    @Benchmark
    public ParseResult newConnection() {
        input.clear();
        return new RequestParser().parse(input);
    }

    /** Prints the request lengths, then runs JMH with the given arguments. */
    public static void main(String[] args) throws Exception {
        System.out.println("request bytes: small=" + SMALL.length() + " browser=" + BROWSER.length());
        org.openjdk.jmh.Main.main(args);
    }
}
