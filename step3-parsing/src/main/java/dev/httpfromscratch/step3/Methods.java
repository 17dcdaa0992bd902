package dev.httpfromscratch.step3;

import java.util.List;

/**
 * The request methods this course knows by name (RFC 9110 §9 and PATCH, RFC 5789), in one list
 * that the parser and whoever counts requests (the final server's metrics) share.
 *
 * <p>The parser hands these out as shared constants rather than a new String per request, so a
 * {@code GET} costs no allocation for its method; {@link #indexOf} can therefore find the usual
 * method by identity before it compares characters. A method outside the list is still a valid
 * token (RFC 9110 §9.1 lets servers define their own): {@link #indexOf} says -1 for it.
 */
public final class Methods {
    private Methods() {}

    /** The known methods, in the order {@link #indexOf} numbers them. */
    public static final List<String> KNOWN = List.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "CONNECT");

    private static final String[] NAMES = KNOWN.toArray(new String[0]);

    /** The position of {@code method} in {@link #KNOWN}, or -1 for any other method. */
    public static int indexOf(String method) {
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i] == method) {
                return i; // what the parser made: its shared constant
            }
        }
        for (int i = 0; i < NAMES.length; i++) {
            if (NAMES[i].equals(method)) {
                return i; // a request built by hand (a test, a handler) with its own String
            }
        }
        return -1;
    }

    /** The shared constants, for the parser's lookup. */
    static String[] names() {
        return NAMES;
    }
}
