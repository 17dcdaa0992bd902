package dev.httpfromscratch.testkit;

/**
 * Just enough JSON writing for the score reports, so the test kit (on every step's test
 * classpath) carries no JSON library: string escaping per RFC 8259 section 7.
 */
final class Json {
    private Json() {}

    /** {@code text} as a quoted JSON string. */
    static String string(String text) {
        StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format("\\u%04x", (int) c)); // other control characters must be escaped
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }

    /** A number without a useless ".0", as graders print scores. */
    static String number(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }
}
