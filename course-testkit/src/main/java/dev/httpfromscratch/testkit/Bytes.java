package dev.httpfromscratch.testkit;

import java.nio.charset.StandardCharsets;

/** Shows bytes to a student the way they travel: CR as \r, LF as \n, other control bytes as \xNN. */
public final class Bytes {
    private static final int SHOWN_AT_MOST = 2_000;

    private Bytes() {}

    public static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    public static String visible(byte[] bytes) {
        return visible(bytes, 0, bytes.length);
    }

    public static String visible(byte[] bytes, int from, int to) {
        StringBuilder text = new StringBuilder();
        int end = Math.min(to, from + SHOWN_AT_MOST);
        for (int i = from; i < end; i++) {
            int b = bytes[i] & 0xff;
            switch (b) {
                case '\r' -> text.append("\\r");
                case '\n' -> text.append("\\n\n");
                case '\t' -> text.append("\\t");
                default -> {
                    if (b < 0x20 || b >= 0x7f) {
                        text.append(String.format("\\x%02x", b));
                    } else {
                        text.append((char) b);
                    }
                }
            }
        }
        if (end < to) {
            text.append("... (").append(to - end).append(" more bytes)");
        }
        return text.toString();
    }

    /** The bytes indented as a block, or "(nothing)". */
    public static String block(byte[] bytes) {
        if (bytes.length == 0) {
            return "    (nothing)";
        }
        return ("    " + visible(bytes)).replace("\n", "\n    ").stripTrailing();
    }
}
