package dev.httpfromscratch.server;

import io.prometheus.client.Collector;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.CounterMetricFamily;
import io.prometheus.client.GaugeMetricFamily;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The series that describe the server itself rather than its traffic (docs/05-final-server.md,
 * "Metrics"): {@code final_server_build_info} (the version and Java runtime as labels, value 1,
 * the usual way to join a version onto other series), {@code http_connections_max} (so a
 * dashboard can show {@code http_connections_active / http_connections_max}) and
 * {@code final_server_log_dropped_total} (log chunks dropped because standard output was not read).
 */
final class ServerInfo extends Collector {
    private static final Pattern BUCKET_BOUND = Pattern.compile("le=\"([0-9.]+E-?[0-9]+)\"");

    private final int maxConnections;
    private final LongSupplier droppedLogChunks;

    private ServerInfo(int maxConnections, LongSupplier droppedLogChunks) {
        this.maxConnections = maxConnections;
        this.droppedLogChunks = droppedLogChunks;
    }

    static void register(CollectorRegistry registry, int maxConnections, LongSupplier droppedLogChunks) {
        new ServerInfo(maxConnections, droppedLogChunks).register(registry);
    }

    @Override
    public List<MetricFamilySamples> collect() {
        String version = ServerInfo.class.getPackage().getImplementationVersion();
        GaugeMetricFamily build = new GaugeMetricFamily("final_server_build_info",
                "The running final server: its version and the Java runtime, as labels; always 1.", List.of("version", "java_version"));
        build.addMetric(List.of(version == null ? "dev" : version, Runtime.version().toString()), 1);
        return List.of(build,
                new GaugeMetricFamily("http_connections_max", "Open connections at most (--max-connections); beyond, 503.", maxConnections),
                new CounterMetricFamily("final_server_log_dropped", "Log chunks dropped because standard output or error was not read fast enough.",
                        droppedLogChunks.getAsLong()));
    }

    /**
     * The families without their {@code *_created} samples. A family keeps its HELP and TYPE lines
     * even with no sample yet (http_requests_total before the first request), which simpleclient's
     * own name filter would drop with the family.
     */
    static Enumeration<MetricFamilySamples> withoutCreated(Enumeration<MetricFamilySamples> families) {
        List<MetricFamilySamples> kept = new ArrayList<>();
        while (families.hasMoreElements()) {
            MetricFamilySamples family = families.nextElement();
            List<MetricFamilySamples.Sample> samples = new ArrayList<>(family.samples.size());
            for (MetricFamilySamples.Sample sample : family.samples) {
                if (!sample.name.endsWith("_created")) {
                    samples.add(sample);
                }
            }
            kept.add(new MetricFamilySamples(family.name, family.unit, family.type, family.help, samples));
        }
        return Collections.enumeration(kept);
    }

    /** {@code le="1.0E-4"} (Java's Double.toString) becomes {@code le="0.0001"}: the same number, readable. */
    static String plainBucketBounds(String exposition) {
        Matcher matcher = BUCKET_BOUND.matcher(exposition);
        StringBuilder out = new StringBuilder(exposition.length());
        while (matcher.find()) {
            matcher.appendReplacement(out, "le=\"" + new BigDecimal(matcher.group(1)).stripTrailingZeros().toPlainString() + "\"");
        }
        matcher.appendTail(out);
        return out.toString();
    }
}
