package dev.httpfromscratch.server;

import dev.httpfromscratch.step3.ResponseWriter;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * One event loop's pre-encoded answers to the constant routes of the {@link RouteTable}
 * (GET / and GET /health), with only their Date value rewritten once a second
 * (docs/05-final-server.md, "Written for you").
 *
 * <p>Most of what a server sends for a constant route never changes: the status line, Server,
 * Content-Type, Content-Length, the body. Encoding it per request means building a String,
 * converting it to bytes and allocating arrays for every request, which is most of the CPU a
 * tiny response costs. Here each variant (GET or HEAD, keep-alive or close) is one byte array,
 * made by step 3's {@link ResponseWriter} itself (so it is exactly what the general path would
 * send), and a request costs one copy of it into the loop's output buffer.
 *
 * <p>Each event loop owns its own copy: rewriting the 29 bytes of the date needs no lock
 * because no other thread reads these arrays.
 */
final class FixedResponses {
    /** IMF-fixdate (RFC 9110 §5.6.7) is always 29 characters: "Sun, 06 Nov 1994 08:49:37 GMT". */
    private static final int DATE_LENGTH = 29;
    private static final byte[] DATE_FIELD = "\r\nDate: ".getBytes(StandardCharsets.US_ASCII);

    /** One constant route: its four encodings and where the Date value sits in each. */
    static final class Answer {
        private final String path;
        private final boolean whileDraining;
        final int status;
        /** Indexed by {@link #variant}: GET keep-alive, GET close, HEAD keep-alive, HEAD close. */
        private final byte[][] variants = new byte[4][];
        private final int[] dateOffsets = new int[4];

        private Answer(RouteTable.Constant constant, ResponseWriter writer) {
            this.path = constant.path();
            this.whileDraining = constant.whileDraining();
            this.status = constant.response().status();
            for (int v = 0; v < 4; v++) {
                byte[] bytes = writer.encode(constant.response(), v >= 2, (v & 1) == 1);
                variants[v] = bytes;
                dateOffsets[v] = indexOf(bytes, DATE_FIELD) + DATE_FIELD.length;
            }
        }

        /** The bytes to send; valid until the next {@link #refreshDate} of this loop, so copy them, never queue them. */
        byte[] bytes(boolean head, boolean close) {
            return variants[variant(head, close)];
        }

        private static int variant(boolean head, boolean close) {
            return (head ? 2 : 0) + (close ? 1 : 0);
        }
    }

    private final Answer[] answers;
    private long currentSecond = Long.MIN_VALUE;

    FixedResponses(ResponseWriter writer, List<RouteTable.Constant> constants) {
        answers = new Answer[constants.size()];
        for (int i = 0; i < answers.length; i++) {
            answers[i] = new Answer(constants.get(i), writer);
        }
        refreshDate(System.currentTimeMillis());
    }

    /**
     * The pre-encoded answer to {@code method target}, or null when the router must answer: not
     * GET or HEAD, not a constant route, or a route that answers otherwise while the server drains.
     * A scan of a handful of paths: as cheap as the two comparisons it replaces, and no allocation.
     */
    Answer find(String method, String target, boolean draining) {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return null;
        }
        for (Answer answer : answers) {
            if (answer.path.equals(target) && (answer.whileDraining || !draining)) {
                return answer;
            }
        }
        return null;
    }

    /** Rewrites the Date of every variant when the second changed; called once per ready key. */
    void refreshDate(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        if (second == currentSecond) {
            return;
        }
        currentSecond = second;
        byte[] date = ResponseWriter.imfFixdate(second).getBytes(StandardCharsets.US_ASCII);
        if (date.length != DATE_LENGTH) {
            throw new IllegalStateException("an IMF-fixdate is 29 bytes, not " + date.length);
        }
        for (Answer answer : answers) {
            for (int v = 0; v < 4; v++) {
                System.arraycopy(date, 0, answer.variants[v], answer.dateOffsets[v], DATE_LENGTH);
            }
        }
    }

    private static int indexOf(byte[] bytes, byte[] pattern) {
        outer:
        for (int i = 0; i <= bytes.length - pattern.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (bytes[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("the response writer wrote no Date field");
    }
}
