package dev.httpfromscratch.server;

import dev.httpfromscratch.step3.Methods;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.exporter.common.TextFormat;
import io.prometheus.client.hotspot.DefaultExports;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The server's metrics, in a registry of its own (docs/05-final-server.md, "Metrics").
 *
 * <p>A fresh {@link CollectorRegistry} per server instead of the JVM-wide default one: two
 * servers in one JVM (two tests) each count their own requests, and registering twice never
 * fails. Names follow Prometheus' conventions: counters end in {@code _total}, units are base
 * units ({@code _seconds}, {@code _bytes}), and every label value comes from a bounded set
 * (methods folded into ten values, status codes, {@link ParseErrorReason}); never a path or a
 * client address, which would make one time series per client.
 *
 * <p>Cost on the hot path: simpleclient's counters are {@code DoubleAdder}s (a thread adds to
 * its own cell, no lock, no CAS contention between event loops). The expensive part is finding a
 * labelled child ({@code labels("GET", "200")} hashes a list), so each event loop keeps a
 * {@link Recorder} that looks each child up once and then reuses it from an array. The counters
 * touched per request or per read are built {@code withoutExemplars()}: otherwise every
 * increment asks simpleclient's exemplar sampler for a trace to attach, and this server has no
 * tracer, so the exposition is the same either way and only the per-request cost differs. The
 * duration histogram is recorded per loop without any atomic addition ({@link DurationHistogram}).
 */
public final class ServerMetrics {
    /** The method label values; any other method is counted as OTHER. */
    static final String[] METHODS = labelsOf(Methods.KNOWN);
    private static final int OTHER_METHOD = METHODS.length - 1;

    private final CollectorRegistry registry = new CollectorRegistry(true);
    private final Counter requests = Counter.build("http_requests_total", "HTTP requests answered, by method and status code.")
            .labelNames("method", "status").withoutExemplars().register(registry);
    private final DurationHistogram duration = new DurationHistogram("http_request_duration_seconds",
            "Time from the first byte of a request read to its response queued for writing.",
            0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
            .register(registry);
    private final Gauge activeConnections = Gauge.build("http_connections_active", "Open client connections.")
            .register(registry);
    private final Counter rejectedConnections = Counter.build("http_connections_rejected_total",
            "Connections answered 503 and closed because max-connections were open.").register(registry);
    private final Counter timeouts = Counter.build("http_timeouts_total",
            "Connections closed by a timeout, by phase: header, body, idle, write.").labelNames("phase").register(registry);
    private final Counter receivedBytes = Counter.build("http_received_bytes_total", "Bytes read from client connections.")
            .withoutExemplars().register(registry);
    private final Counter sentBytes = Counter.build("http_sent_bytes_total", "Bytes written to client connections.")
            .withoutExemplars().register(registry);
    private final Gauge draining = Gauge.build("http_server_draining",
            "1 from the moment a shutdown began (readiness answers 503), else 0.").register(registry);
    private final Counter forcedCloses = Counter.build("http_shutdown_forced_closes_total",
            "Connections the shutdown deadline closed with a request or response unfinished.").register(registry);
    private final Counter parseErrors = Counter.build("http_parse_errors_total",
            "Requests refused by the parser, by reason (a fixed set).").labelNames("reason").register(registry);

    public ServerMetrics() {
        DefaultExports.register(registry); // JVM metrics: memory pools, GC, threads, class loading, process CPU and fds
        for (ParseErrorReason reason : ParseErrorReason.values()) {
            parseErrors.labels(reason.label); // every reason exported from the start at 0, so rate() sees the first one
        }
        for (Phase phase : Phase.values()) {
            timeouts.labels(phase.label);
        }
    }

    /** The parser's known methods, and OTHER for every other token (a label value per method a client invents would be unbounded). */
    private static String[] labelsOf(java.util.List<String> known) {
        String[] labels = known.toArray(new String[known.size() + 1]);
        labels[known.size()] = "OTHER";
        return labels;
    }

    public CollectorRegistry registry() {
        return registry;
    }

    void connectionOpened() {
        activeConnections.inc();
    }

    void connectionClosed() {
        activeConnections.dec();
    }

    /** A connection beyond max-connections: answered 503 before any request was read, so its method is OTHER. */
    void connectionRejected() {
        rejectedConnections.inc();
        requests.labels(METHODS[OTHER_METHOD], "503").inc(); // every response is in http_requests_total, this one too
    }

    void draining() {
        draining.set(1);
    }

    void forcedClose() {
        forcedCloses.inc();
    }

    /** The gauges that describe this server rather than its traffic: build_info, max connections, dropped log lines. */
    void describeServer(int maxConnections, java.util.function.LongSupplier droppedLogChunks) {
        ServerInfo.register(registry, maxConnections, droppedLogChunks);
    }

    /** The exposition for GET /metrics, in the format {@code accept} asks for (Prometheus asks for OpenMetrics). */
    Exposition expose(String accept) {
        String contentType = TextFormat.chooseContentType(accept);
        StringWriter text = new StringWriter(16 * 1024);
        try {
            // No *_created series: simpleclient adds one per counter and histogram child (a fifth of
            // all series here) that no dashboard of this server uses.
            TextFormat.writeFormat(contentType, text, ServerInfo.withoutCreated(registry.metricFamilySamples()));
        } catch (IOException cannotHappen) {
            throw new UncheckedIOException(cannotHappen); // a StringWriter does no I/O
        }
        return new Exposition(contentType, ServerInfo.plainBucketBounds(text.toString()).getBytes(StandardCharsets.UTF_8));
    }

    record Exposition(String contentType, byte[] body) {}

    /** A new recorder for one event loop (not thread-safe: only its loop uses it). */
    Recorder recorder() {
        return new Recorder();
    }

    /** One event loop's handle on the metrics: labelled children looked up once, then reused. */
    final class Recorder {
        private final Counter.Child[][] requestChildren = new Counter.Child[METHODS.length][600];
        private final Counter.Child[] parseErrorChildren = new Counter.Child[ParseErrorReason.values().length];
        private final Counter.Child[] timeoutChildren = new Counter.Child[Phase.values().length];
        /** This loop's share of http_request_duration_seconds, summed with the other loops' at a scrape. */
        private final DurationHistogram.Recording durations = duration.recording();

        private Recorder() {}

        /**
         * One answered request: its method and status, and how long it took in nanoseconds. The
         * scrape and probe endpoints are counted but kept out of the latency histogram: at low
         * traffic their own timings would be most of its samples.
         */
        void request(String method, int status, String target, long nanos) {
            // BEGIN SOLUTION
            // STUB: throw new UnsupportedOperationException("Final server: count the request by method and status, and observe its duration unless an operator's endpoint asked (docs/05-final-server.md, 'Code: Recorder.request and FinalRoutes.metricsPage')");
            int m = methodIndex(method);
            int s = status >= 100 && status < 600 ? status : 0;
            Counter.Child child = requestChildren[m][s];
            if (child == null) {
                child = requests.labels(METHODS[m], Integer.toString(status));
                requestChildren[m][s] = child;
            }
            child.inc();
            if (!FinalRoutes.isOperational(target)) {
                durations.observe(nanos);
            }
            // END SOLUTION
        }

        void parseError(int status) {
            ParseErrorReason reason = ParseErrorReason.forStatus(status);
            Counter.Child child = parseErrorChildren[reason.ordinal()];
            if (child == null) {
                child = parseErrors.labels(reason.label);
                parseErrorChildren[reason.ordinal()] = child;
            }
            child.inc();
        }

        void timeout(Phase phase) {
            Counter.Child child = timeoutChildren[phase.ordinal()];
            if (child == null) {
                child = timeouts.labels(phase.label);
                timeoutChildren[phase.ordinal()] = child;
            }
            child.inc();
        }

        void received(long bytes) {
            receivedBytes.inc(bytes);
        }

        void sent(long bytes) {
            sentBytes.inc(bytes);
        }
    }

    /** The label value for {@code method}: its index in {@link Methods#KNOWN}, else OTHER. */
    static int methodIndex(String method) {
        int known = Methods.indexOf(method);
        return known < 0 ? OTHER_METHOD : known;
    }
}
