package dev.httpfromscratch.server;

import dev.httpfromscratch.step3.RequestRejection;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The heap that request bodies still being read may hold together, server-wide
 * (docs/07-security.md, "Memory a client can make you spend").
 *
 * <p>The body limit bounds one request; it says nothing about ten thousand of them. A client
 * that opens connections, declares a 1 MiB body on each and sends one byte costs nothing itself,
 * and a server that sets aside what was declared runs out of heap after a few hundred. So a body
 * buffer grows only as bytes arrive ({@link Account#grow}), and every growth is charged here
 * first: when the total would cross the budget, the request is refused with 503 and
 * {@code Retry-After} (the server is busy, the request itself is fine, so not 413) and its
 * connection closes.
 *
 * <p>An {@link Account} is one connection's share: the bytes its current body holds, given back
 * when the request is answered or the connection closes, whatever way it closes. Only the
 * connection's loop touches an account; the total is one {@link AtomicLong} shared by the loops,
 * touched only when a body grows (never for a request without a body, such as GET /).
 */
final class BodyBudget {
    /** Bodies may hold a quarter of the heap: the rest is for connections, parsed JSON (several times its body) and the GC. */
    static final int DEFAULT_HEAP_DIVISOR = 4;
    /** The smallest array a growing body allocates: a few bytes at a time would mean a copy per read. */
    static final int MIN_GROWTH_BYTES = 256;

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    BodyBudget(long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("the body budget cannot be negative: " + limit);
        }
        this.limit = limit;
    }

    /** A quarter of the largest heap this JVM may use ({@code -Xmx}, else a quarter of the machine's memory). */
    static long defaultBytes() {
        return Runtime.getRuntime().maxMemory() / DEFAULT_HEAP_DIVISOR;
    }

    long limit() {
        return limit;
    }

    /** Bytes the bodies being read hold now. */
    long used() {
        return used.get();
    }

    /** A new, empty share for one connection. */
    Account account() {
        return new Account();
    }

    /** One connection's share of the budget (not thread-safe: only its event loop uses it). */
    final class Account {
        private long held;

        private Account() {}

        /**
         * Returns {@code array} with room for at least {@code needed} bytes, never more than
         * {@code cap}: the same array when it has room, else a copy about twice as large (so a
         * body read in many pieces is copied O(log n) times), charged to the budget first.
         *
         * @throws RequestRejection 503 when the growth would cross the budget
         */
        byte[] grow(byte[] array, int needed, int cap) throws RequestRejection {
            if (needed <= array.length) {
                return array;
            }
            int size = (int) Math.min(cap, Math.max(needed, Math.max(2L * array.length, MIN_GROWTH_BYTES)));
            reserve(size - array.length);
            return Arrays.copyOf(array, size);
        }

        private void reserve(long bytes) throws RequestRejection {
            if (BodyBudget.this.used.addAndGet(bytes) > limit) {
                BodyBudget.this.used.addAndGet(-bytes);
                throw new RequestRejection(503, "The server is reading too many request bodies at once; try again shortly.");
            }
            held += bytes;
        }

        /** Gives back everything this connection holds: its request was answered, refused or cut off. */
        void releaseAll() {
            if (held != 0) {
                BodyBudget.this.used.addAndGet(-held);
                held = 0;
            }
        }

        /** Bytes this connection's body holds now. */
        long held() {
            return held;
        }
    }
}
