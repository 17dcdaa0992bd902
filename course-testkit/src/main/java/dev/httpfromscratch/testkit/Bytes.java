package dev.httpfromscratch.testkit;

import dev.httpfromscratch.common.VisibleBytes;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

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
        return indented(bytes, from, to, "");
    }

    /** The bytes indented as a block, or "(nothing)". */
    public static String block(byte[] bytes) {
        if (bytes.length == 0) {
            return "    (nothing)";
        }
        return indented(bytes, 0, bytes.length, "    ");
    }

    private static String indented(byte[] bytes, int from, int to, String indent) {
        int end = Math.min(to, from + SHOWN_AT_MOST);
        String shown = VisibleBytes.of(Arrays.copyOfRange(bytes, from, end), indent);
        return end < to ? shown + "... (" + (to - end) + " more bytes)" : shown;
    }
}
