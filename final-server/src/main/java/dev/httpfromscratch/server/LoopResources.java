package dev.httpfromscratch.server;

import java.nio.ByteBuffer;
import java.util.function.Consumer;

/**
 * What one event loop lends each of its connections, and all a connection knows of its loop
 * (docs/05-final-server.md, "Architecture"): the per-loop buffers, pre-encoded answers, metrics
 * recorder and access log (one per loop, so the hot path shares nothing between threads), and
 * whom to tell when the connection closed. Only the loop's own thread uses any of it.
 *
 * @param readBuffer     heap, scanned in place by the parser; valid during one connection's turn
 * @param writeBuffer    direct; see {@link OutputQueue} for the rule that shares it
 * @param fixedResponses this loop's pre-encoded answers to the constant routes
 * @param metrics        this loop's handle on the server's metrics
 * @param accessLog      this loop's access log, handed to the writer thread once per turn
 * @param closed         called once when a connection closed (the loop forgets it)
 */
record LoopResources(ByteBuffer readBuffer, ByteBuffer writeBuffer, FixedResponses fixedResponses,
                     ServerMetrics.Recorder metrics, AccessLog accessLog, Consumer<Connection> closed) {}
