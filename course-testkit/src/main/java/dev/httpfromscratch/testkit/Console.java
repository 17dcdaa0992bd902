package dev.httpfromscratch.testkit;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Predicate;

/**
 * What a server under test prints, captured instead of going to the terminal, with ways to wait
 * for a line to appear.
 *
 * <p>A test may also {@link #hold()} the console: the next {@code println} of the server then
 * blocks until {@link #release()}, which is how a test makes a server "busy" at a known point.
 */
public final class Console {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private boolean held;
    private int writersWaiting;
    private final PrintStream printStream = new PrintStream(new CapturingStream(), true, StandardCharsets.UTF_8);

    /** The stream to hand to the server as its console. */
    public PrintStream printStream() {
        return printStream;
    }

    /** Everything printed so far. */
    public String text() {
        lock.lock();
        try {
            return captured.toString(StandardCharsets.UTF_8);
        } finally {
            lock.unlock();
        }
    }

    public List<String> lines() {
        return text().lines().toList();
    }

    /** Lines printed so far that contain {@code fragment}. */
    public List<String> linesContaining(String fragment) {
        return lines().stream().filter(line -> line.contains(fragment)).toList();
    }

    /**
     * Waits until at least {@code count} printed lines contain {@code fragment}, or the deadline
     * passes; returns the matching lines either way (the caller's assertion says what was missing).
     */
    public List<String> awaitLines(String fragment, int count, Duration deadline) {
        return awaitLines(line -> line.contains(fragment), count, deadline);
    }

    public List<String> awaitLines(Predicate<String> matching, int count, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        lock.lock();
        try {
            while (true) {
                List<String> found = captured.toString(StandardCharsets.UTF_8).lines().filter(matching).toList();
                long left = end - System.nanoTime();
                if (found.size() >= count || left <= 0) {
                    return found;
                }
                changed.awaitNanos(left);
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return lines().stream().filter(matching).toList();
        } finally {
            lock.unlock();
        }
    }

    /** From now on, whatever the server prints blocks it until {@link #release()}. */
    public void hold() {
        lock.lock();
        try {
            held = true;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until a server thread is blocked printing on a held console. */
    public boolean awaitServerBlocked(Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        lock.lock();
        try {
            while (writersWaiting == 0) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            lock.unlock();
        }
    }

    public void release() {
        lock.lock();
        try {
            held = false;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The captured text as a block for a failure message. */
    public String describe() {
        String text = text();
        return text.isEmpty() ? "    (the server printed nothing)" : ("    " + text.stripTrailing()).replace("\n", "\n    ");
    }

    private final class CapturingStream extends OutputStream {
        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            lock.lock();
            try {
                writersWaiting++;
                changed.signalAll();
                while (held) {
                    changed.awaitUninterruptibly();
                }
                writersWaiting--;
                captured.write(bytes, offset, length);
                changed.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

}
