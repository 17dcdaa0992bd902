package dev.httpfromscratch.server;

import dev.httpfromscratch.step3.HttpResponse;
import dev.httpfromscratch.step3.ResponseWriter;
import java.nio.charset.StandardCharsets;

/**
 * The responses to GET / and GET /health, encoded once, with only their Date value rewritten
 * once a second (docs/05-final-server.md, "Code: FixedResponses").
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

    /** [route][HEAD?][close?]: route 0 is GET /, 1 is GET /health. */
    private final byte[][][][] responses = new byte[2][2][2][];
    private final int[][][] dateOffsets = new int[2][2][2];
    private long currentSecond = Long.MIN_VALUE;

    static final int ROOT = 0;
    static final int HEALTH = 1;

    FixedResponses(ResponseWriter writer, HttpResponse root, HttpResponse health) {
        HttpResponse[] routes = {root, health};
        for (int route = 0; route < 2; route++) {
            for (int head = 0; head < 2; head++) {
                for (int close = 0; close < 2; close++) {
                    byte[] bytes = writer.encode(routes[route], head == 1, close == 1);
                    responses[route][head][close] = bytes;
                    dateOffsets[route][head][close] = indexOf(bytes, DATE_FIELD) + DATE_FIELD.length;
                }
            }
        }
        refreshDate(System.currentTimeMillis());
    }

    /** The bytes to send; valid until the next {@link #refreshDate} of this loop. */
    byte[] get(int route, boolean head, boolean close) {
        return responses[route][head ? 1 : 0][close ? 1 : 0];
    }

    /** The status of a fixed route's response (both are 200). */
    static int status() {
        return 200;
    }

    /** Rewrites the Date of every variant when the second changed; called once per loop turn. */
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
        for (int route = 0; route < 2; route++) {
            for (int head = 0; head < 2; head++) {
                for (int close = 0; close < 2; close++) {
                    System.arraycopy(date, 0, responses[route][head][close], dateOffsets[route][head][close], DATE_LENGTH);
                }
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
