package dev.httpfromscratch.server;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code GET /metrics} at a bounded cost (docs/07-security.md, "Scrapes"): rendering the registry
 * takes milliseconds (~15 KiB of text from a hundred collectors), so rendering it for every
 * request would let any client buy milliseconds of an event loop for a 30-byte request. Here the
 * rendered bytes are kept and served again until they are {@code maxAge} old: however often
 * /metrics is asked for, an event loop renders at most once per interval per format.
 *
 * <p>Prometheus scrapes every 15 s or so, so a one-second-old exposition costs it nothing: its
 * counters are cumulative, and {@code rate()} does not care when within a second they were read.
 */
final class CachedExposition {
    private record Rendered(String accept, long at, ServerMetrics.Exposition exposition) {}

    private final ServerMetrics metrics;
    private final long maxAgeNanos;
    /** One entry per negotiated format: text (0.0.4) and OpenMetrics. */
    private final AtomicReference<Rendered> text = new AtomicReference<>();
    private final AtomicReference<Rendered> openMetrics = new AtomicReference<>();

    CachedExposition(ServerMetrics metrics, Duration maxAge) {
        this.metrics = metrics;
        this.maxAgeNanos = maxAge.toNanos();
    }

    ServerMetrics.Exposition get(String accept) {
        boolean wantsOpenMetrics = accept != null && accept.contains("application/openmetrics-text");
        AtomicReference<Rendered> slot = wantsOpenMetrics ? openMetrics : text;
        long now = System.nanoTime();
        Rendered cached = slot.get();
        if (cached != null && now - cached.at() < maxAgeNanos) {
            return cached.exposition();
        }
        // Two loops may both render at an expiry: a bound of one render per loop per interval, no lock.
        ServerMetrics.Exposition fresh = metrics.expose(accept);
        slot.set(new Rendered(accept, now, fresh));
        return fresh;
    }
}
