package dev.httpfromscratch.step4;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which threads made the socket system calls of a server: {@code accept}, {@code read},
 * {@code write}. The event loop's claim is "all I/O on exactly one thread"; this is how a test
 * checks the claim instead of trusting it (docs/04-multiplexing.md, "Code: IoThreads").
 *
 * <p>Recording is a lookup in a concurrent set per call; the set holds one entry per thread, so
 * it stays small for the event loop and grows with the connections for the virtual-thread server.
 */
public final class IoThreads {

    /** The system calls that are recorded. */
    public enum Operation { ACCEPT, READ, WRITE }

    private final Map<Operation, Set<String>> threads = new EnumMap<>(Operation.class);

    public IoThreads() {
        for (Operation operation : Operation.values()) {
            threads.put(operation, ConcurrentHashMap.newKeySet());
        }
    }

    /** Notes that the calling thread just made {@code operation}. */
    public void record(Operation operation) {
        Thread current = Thread.currentThread();
        threads.get(operation).add(describe(current));
    }

    /** The threads that made {@code operation}, as "name #id". */
    public Set<String> threadsFor(Operation operation) {
        return new TreeSet<>(threads.get(operation));
    }

    /** Every thread that made any of the recorded calls. */
    public Set<String> allThreads() {
        Set<String> all = new TreeSet<>();
        threads.values().forEach(all::addAll);
        return all;
    }

    private static String describe(Thread thread) {
        String name = thread.getName().isEmpty() ? (thread.isVirtual() ? "virtual" : "unnamed") : thread.getName();
        return name + " #" + thread.threadId();
    }

    @Override
    public String toString() {
        return threads.toString();
    }
}
