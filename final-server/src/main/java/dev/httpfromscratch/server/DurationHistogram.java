package dev.httpfromscratch.server;

import io.prometheus.client.Collector;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * {@code http_request_duration_seconds}: a Prometheus histogram recorded by each event loop on its
 * own and summed only when {@code /metrics} is scraped (docs/05-final-server.md, "Code:
 * Recorder.request and FinalRoutes.metricsPage").
 *
 * <p>Why not simpleclient's {@code Histogram}: every observation there is a scan of the bounds
 * plus two atomic additions (compare-and-swap loops, built for many writers), on every request;
 * with 16 pipelined requests per read that was a fifth of the server's own CPU
 * (docs/06-performance.md, "Profile"). Here each loop is the only writer of its
 * {@link Recording}: an observation is a scan and two plain increments, published with ordered
 * stores so a scrape on another thread reads whole values. A scrape happens every few seconds at
 * most, so the summing belongs there. The exposition is the same family, samples and labels as
 * simpleclient's histogram: {@code _bucket{le=...}} (cumulative), {@code _count}, {@code _sum}.
 */
final class DurationHistogram extends Collector {
    private final String name;
    private final String help;
    /** Upper bounds in nanoseconds (the {@code le} values times 1e9), ascending. */
    private final long[] boundsNanos;
    private final String[] boundLabels;
    private final List<Recording> recordings = new CopyOnWriteArrayList<>();

    /** @param boundsSeconds the buckets' upper bounds in seconds, ascending; +Inf is added */
    DurationHistogram(String name, String help, double... boundsSeconds) {
        this.name = name;
        this.help = help;
        this.boundsNanos = new long[boundsSeconds.length];
        this.boundLabels = new String[boundsSeconds.length + 1];
        for (int i = 0; i < boundsSeconds.length; i++) {
            boundsNanos[i] = Math.round(boundsSeconds[i] * 1e9);
            boundLabels[i] = doubleToGoString(boundsSeconds[i]); // as simpleclient writes le
        }
        boundLabels[boundsSeconds.length] = "+Inf";
    }

    /** A new recording for one event loop; only that loop's thread observes into it. */
    Recording recording() {
        Recording recording = new Recording();
        recordings.add(recording);
        return recording;
    }

    /** One loop's share of the histogram: a count per bucket (not cumulative) and the sum of durations. */
    final class Recording {
        private final AtomicLongArray counts = new AtomicLongArray(boundsNanos.length + 1);
        private final AtomicLong sumNanos = new AtomicLong();

        private Recording() {}

        /** Records one duration; called by the owning loop only, so a read-then-store is no race. */
        void observe(long nanos) {
            int bucket = 0;
            while (bucket < boundsNanos.length && nanos > boundsNanos[bucket]) {
                bucket++;
            }
            counts.lazySet(bucket, counts.get(bucket) + 1); // an ordered store: no compare-and-swap with one writer
            sumNanos.lazySet(sumNanos.get() + nanos);
        }
    }

    @Override
    public List<MetricFamilySamples> collect() {
        long[] cumulative = new long[boundLabels.length];
        long sum = 0;
        for (Recording recording : recordings) {
            for (int i = 0; i < cumulative.length; i++) {
                cumulative[i] += recording.counts.get(i);
            }
            sum += recording.sumNanos.get();
        }
        List<MetricFamilySamples.Sample> samples = new ArrayList<>(cumulative.length + 2);
        List<String> le = List.of("le");
        for (int i = 0; i < cumulative.length; i++) {
            if (i > 0) {
                cumulative[i] += cumulative[i - 1]; // one pass over one snapshot: +Inf always equals the count
            }
            samples.add(new MetricFamilySamples.Sample(name + "_bucket", le, List.of(boundLabels[i]), cumulative[i]));
        }
        samples.add(new MetricFamilySamples.Sample(name + "_count", List.of(), List.of(), cumulative[cumulative.length - 1]));
        samples.add(new MetricFamilySamples.Sample(name + "_sum", List.of(), List.of(), sum / 1e9));
        return List.of(new MetricFamilySamples(name, Type.HISTOGRAM, help, samples));
    }
}
