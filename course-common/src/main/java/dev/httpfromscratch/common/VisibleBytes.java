package dev.httpfromscratch.common;

/**
 * Shows raw request bytes on the console the way they travel: CR as {@code \r}, LF as {@code \n}
 * (followed by a real line break so the request still reads as lines), any other control or
 * non-ASCII byte as {@code \xNN}.
 *
 * <p>HTTP/1.1 ends every line with the two bytes CR LF; a terminal shows neither, so without this
 * you cannot tell {@code "Host: x\r\n"} from {@code "Host: x\n"}, and the difference matters to a
 * parser (step 3). Step 2 prints every request this way; the test kit shows what a test sent and
 * received this way.
 */
public final class VisibleBytes {
    private VisibleBytes() {}

    /** The bytes as text, each line indented by {@code indent}. */
    public static String of(byte[] bytes, String indent) {
        int length = bytes.length;
        StringBuilder text = new StringBuilder(length + length / 8 + indent.length());
        text.append(indent);
        for (int i = 0; i < length; i++) {
            int b = bytes[i] & 0xff;
            switch (b) {
                case '\r' -> text.append("\\r");
                case '\n' -> {
                    text.append("\\n");
                    if (i + 1 < length) {
                        text.append('\n').append(indent);
                    }
                }
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
        return text.toString();
    }
}
