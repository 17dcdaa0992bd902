package dev.httpfromscratch.step3;

import java.nio.charset.StandardCharsets;

/**
 * The character classes of HTTP/1.1 as lookup tables, and the Strings the parser makes.
 *
 * <p>A table indexed by the byte answers "is this a token character?" with one array load, and
 * it is ASCII by construction. The JDK's {@code Character.isLetterOrDigit} would say yes to
 * 'é' and Arabic digits, and a regular expression would allocate and backtrack; neither belongs
 * in a loop that runs for every byte a client sends.
 *
 * <p>Strings: the methods and the header names almost every client sends are shared constants,
 * so a typical {@code GET} costs no String for its method and most of its names.
 */
public final class HttpSyntax {
    private HttpSyntax() {}

    /** tchar (RFC 9110 §5.6.2): the characters of a method or a field name. */
    private static final boolean[] TOKEN = new boolean[256];
    /** field-vchar, SP and HTAB (RFC 9110 §5.5): the bytes a field value may hold; obs-text (0x80-0xFF) included. */
    private static final boolean[] FIELD_VALUE = new boolean[256];

    static {
        for (int c = '0'; c <= '9'; c++) {
            TOKEN[c] = true;
        }
        for (int c = 'A'; c <= 'Z'; c++) {
            TOKEN[c] = true;
            TOKEN[c + ('a' - 'A')] = true;
        }
        for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
            TOKEN[c] = true;
        }
        FIELD_VALUE['\t'] = true;
        for (int c = 0x20; c <= 0xff; c++) {
            FIELD_VALUE[c] = c != 0x7f;
        }
    }

    static boolean isTokenByte(byte b) {
        return TOKEN[b & 0xff];
    }

    /** VCHAR: visible ASCII, 0x21 to 0x7E (what a request-target may hold). */
    static boolean isVisible(byte b) {
        return b > 0x20 && b < 0x7f; // bytes are signed: 0x80-0xFF are negative and fail the first test
    }

    static boolean isFieldValueByte(byte b) {
        return FIELD_VALUE[b & 0xff];
    }

    /** The 400 reason for a byte a field value may not hold. */
    static String describeBadValueByte(byte b) {
        return switch (b) {
            case 0 -> "A header field value contains a NUL byte (RFC 9110 §5.5).";
            case '\r' -> "A header field value contains a bare CR (RFC 9112 §2.2).";
            default -> String.format("A header field value contains the control byte 0x%02x (RFC 9110 §5.5).", b & 0xff);
        };
    }

    private static final String[] METHODS = Methods.names();
    private static final byte[][] METHOD_BYTES = bytesOf(METHODS);

    /** Names as curl, browsers and load generators spell them, and in lower case (HTTP/2 habits). */
    private static final String[] NAMES = {
        "Host", "User-Agent", "Accept", "Content-Type", "Content-Length", "Connection", "Accept-Encoding",
        "Accept-Language", "Transfer-Encoding", "Expect", "Cache-Control", "Cookie", "Authorization", "Origin", "Referer",
        "host", "user-agent", "accept", "content-type", "content-length", "connection", "accept-encoding",
        "accept-language", "transfer-encoding", "expect", "cache-control", "cookie", "authorization", "origin", "referer",
    };
    private static final byte[][] NAME_BYTES = bytesOf(NAMES);

    static String method(byte[] bytes, int from, int to) {
        return shared(METHODS, METHOD_BYTES, bytes, from, to);
    }

    static String fieldName(byte[] bytes, int from, int to) {
        return shared(NAMES, NAME_BYTES, bytes, from, to);
    }

    static String fieldValue(byte[] bytes, int from, int to) {
        if (from == to) {
            return "";
        }
        // ISO-8859-1 maps every byte to one char: obs-text survives unchanged, and Java stores
        // the String as one byte per char (compact strings), so this is a plain copy.
        return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /** True when {@code text} is exactly {@code bytes[from, to)} read as ISO-8859-1, as {@link #fieldValue} reads them. */
    static boolean sameText(String text, byte[] bytes, int from, int to) {
        if (text.length() != to - from) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) != (bytes[from + i] & 0xff)) {
                return false;
            }
        }
        return true;
    }

    static String target(byte[] bytes, int from, int to) {
        if (to - from == 1 && bytes[from] == '/') {
            return "/";
        }
        return new String(bytes, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /** "HTTP/1.1" or "HTTP/1.0" (HTTP/1.2 and up read as 1.1); another well-formed HTTP/x.y gets 505, anything else 400. */
    static String version(byte[] bytes, int from, int to) throws RequestRejection {
        if (to - from == 8 && bytes[from] == 'H' && bytes[from + 1] == 'T' && bytes[from + 2] == 'T' && bytes[from + 3] == 'P'
                && bytes[from + 4] == '/' && isDigit(bytes[from + 5]) && bytes[from + 6] == '.' && isDigit(bytes[from + 7])) {
            if (bytes[from + 5] == '1' && bytes[from + 7] == '1') {
                return RequestHead.HTTP_1_1;
            }
            if (bytes[from + 5] == '1' && bytes[from + 7] == '0') {
                return RequestHead.HTTP_1_0;
            }
            if (bytes[from + 5] == '1') {
                return RequestHead.HTTP_1_1; // RFC 9112 §2.3: a higher minor version of 1.x is read as 1.1
            }
            throw new RequestRejection(505, "Only HTTP/1.1 and HTTP/1.0 are supported, not " + RequestParser.ascii(bytes, from, to) + ".");
        }
        throw new RequestRejection(400, "The request line must end with the version HTTP/1.1 (RFC 9112 §2.3).");
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /**
     * At most 40 characters of {@code text}, control and non-ASCII characters shown as '?', for
     * reasons that quote what the client sent (a reason is one short, printable line).
     */
    public static String shorten(String text) {
        String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
        StringBuilder safe = new StringBuilder(shown.length());
        for (int i = 0; i < shown.length(); i++) {
            char c = shown.charAt(i);
            safe.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return safe.toString();
    }

    private static String shared(String[] known, byte[][] knownBytes, byte[] bytes, int from, int to) {
        int length = to - from;
        candidates:
        for (int k = 0; k < knownBytes.length; k++) {
            byte[] candidate = knownBytes[k];
            if (candidate.length != length) {
                continue;
            }
            for (int i = 0; i < length; i++) {
                if (candidate[i] != bytes[from + i]) {
                    continue candidates;
                }
            }
            return known[k];
        }
        return new String(bytes, from, length, StandardCharsets.ISO_8859_1);
    }

    private static byte[][] bytesOf(String[] strings) {
        byte[][] bytes = new byte[strings.length][];
        for (int i = 0; i < strings.length; i++) {
            bytes[i] = strings[i].getBytes(StandardCharsets.US_ASCII);
        }
        return bytes;
    }
}
