package dev.httpfromscratch.server;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A log that can never stop the server (docs/05-final-server.md, "Logs"): the event loops hand
 * text to a bounded queue, one writer thread of its own prints it, and when the queue is full the
 * text is dropped and counted instead of waited for.
 *
 * <p>Why: a {@code print} on standard output is a write() into a pipe or a terminal. When whatever
 * reads that pipe stops (a stuck log shipper, a paused terminal, a full disk behind {@code docker
 * logs}), the pipe's 64 KiB fill up and the next write() blocks, and an event loop blocked in a
 * write serves nobody: /health times out and SIGTERM cannot finish. Here only the writer thread
 * ever blocks; the loops lose log lines, never requests.
 */
final class LogWriter {
    /** Chunks, not lines: an event loop hands over a whole turn's access log as one chunk. */
    static final int CAPACITY = 1024;
    private static final String STOP = new String("stop"); // compared by identity

    private final PrintStream target;
    private final BlockingQueue<String> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread;
    private final PrintStream printStream;

    LogWriter(String name, PrintStream target) {
        this.target = target;
        this.thread = Thread.ofPlatform().name(name).daemon(true).unstarted(this::run);
        this.printStream = new PrintStream(new QueueStream(), true, StandardCharsets.UTF_8);
        thread.start();
    }

    /** Queues {@code text} for printing; drops it (and counts it) when the queue is full. Never blocks. */
    void offer(String text) {
        if (!queue.offer(text)) {
            dropped.incrementAndGet();
        }
    }

    /** Log chunks dropped because the reader of the stream did not keep up. */
    long dropped() {
        return dropped.get();
    }

    /** A PrintStream whose println() queues the line: for the lifecycle and error messages. */
    PrintStream printStream() {
        return printStream;
    }

    /** Prints what is queued, waiting at most {@code millis} for a slow reader, then stops the writer. */
    void close(long millis) {
        printStream.flush();
        if (!queue.offer(STOP)) {
            thread.interrupt();
        }
        try {
            thread.join(millis);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            while (true) {
                String text = queue.take();
                if (text == STOP) {
                    return;
                }
                target.print(text); // may block on a full pipe: only this thread waits
                if (queue.isEmpty()) {
                    target.flush();
                }
            }
        } catch (InterruptedException stopped) {
            // close() gave up on a reader that does not read
        } finally {
            target.flush();
        }
    }

    /** Collects what a PrintStream writes and queues it at each flush (println flushes). */
    private final class QueueStream extends OutputStream {
        private final ByteArrayOutputStream pending = new ByteArrayOutputStream(256);

        @Override
        public void write(int b) {
            pending.write(b);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            pending.write(bytes, offset, length);
        }

        @Override
        public void flush() {
            if (pending.size() > 0) {
                offer(pending.toString(StandardCharsets.UTF_8));
                pending.reset();
            }
        }
    }
}
