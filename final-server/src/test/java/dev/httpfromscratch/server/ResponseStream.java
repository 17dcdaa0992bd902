package dev.httpfromscratch.server;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Cuts everything a server sent on one connection (read until it closed) into responses, and
 * says exactly where it stops making sense: a response cut mid-body, bytes after the last
 * response, a status line that is not one. The flood, shutdown and fuzz tests read whole
 * conversations at once with it, where RawConnection reads one response at a time.
 */
final class ResponseStream {
    /** One response: its status, whether it said Connection: close, its Content-Length, and its offset in the stream. */
    record Response(int status, boolean close, int contentLength, int offset) {}

    /** The responses found, and what is left after the last complete one (empty when the stream ended cleanly). */
    record Parsed(List<Response> responses, String problem) {
        boolean clean() {
            return problem == null;
        }
    }

    private ResponseStream() {}

    /**
     * Parses {@code bytes}. A response's body is its Content-Length bytes. Only when
     * {@code headRequestsPossible} (the fuzz test does not know what it sent) and those bytes are
     * not followed by another status line or the end, the response is read as an answer to HEAD
     * (no body), the one case where Content-Length does not frame the body (RFC 9110 §9.3.2).
     */
    static Parsed parse(byte[] bytes, boolean headRequestsPossible) {
        List<Response> responses = new ArrayList<>();
        int at = 0;
        while (at < bytes.length) {
            int headEnd = indexOf(bytes, "\r\n\r\n", at);
            if (headEnd < 0) {
                return new Parsed(responses, "a response head cut short at byte " + at + ": " + show(bytes, at));
            }
            String head = new String(bytes, at, headEnd - at, StandardCharsets.ISO_8859_1);
            if (!head.startsWith("HTTP/1.1 ") || head.length() < 12) {
                return new Parsed(responses, "not a status line at byte " + at + ": " + show(bytes, at));
            }
            int status;
            try {
                status = Integer.parseInt(head.substring(9, 12));
            } catch (NumberFormatException notANumber) {
                return new Parsed(responses, "not a status code at byte " + at + ": " + show(bytes, at));
            }
            int contentLength = 0;
            boolean close = false;
            for (String line : head.split("\r\n")) {
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    contentLength = Integer.parseInt(line.substring(15).strip());
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true;
                }
            }
            int bodyStart = headEnd + 4;
            boolean hasBody = status >= 200 && status != 204 && status != 304;
            int next = hasBody ? bodyStart + contentLength : bodyStart;
            if (headRequestsPossible && hasBody && !startsResponseOrEnds(bytes, next) && startsResponseOrEnds(bytes, bodyStart)) {
                next = bodyStart; // the answer to a HEAD request
            }
            if (next > bytes.length) {
                return new Parsed(responses, "a response cut mid-body: status " + status + ", Content-Length " + contentLength
                        + ", only " + (bytes.length - bodyStart) + " body bytes before the close");
            }
            responses.add(new Response(status, close, contentLength, at));
            at = next;
        }
        return new Parsed(responses, null);
    }

    private static boolean startsResponseOrEnds(byte[] bytes, int at) {
        if (at == bytes.length) {
            return true;
        }
        return at < bytes.length && indexOf(bytes, "HTTP/1.1 ", at) == at;
    }

    private static int indexOf(byte[] bytes, String text, int from) {
        byte[] needle = text.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = from; i <= bytes.length - needle.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (bytes[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String show(byte[] bytes, int at) {
        String text = new String(bytes, at, Math.min(80, bytes.length - at), StandardCharsets.ISO_8859_1);
        return "\"" + text.replace("\r", "\\r").replace("\n", "\\n") + "\"";
    }
}
