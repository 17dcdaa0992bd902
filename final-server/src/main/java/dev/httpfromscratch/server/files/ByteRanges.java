package dev.httpfromscratch.server.files;

/**
 * The arithmetic of a {@code Range} request (RFC 9110 §14.1–14.2, docs/08-files.md,
 * "Code: byte ranges"): which bytes of a file of {@code size} bytes a client asked for.
 *
 * <ul>
 *   <li>{@code bytes=a-b}: bytes a to b inclusive; b past the end means "to the end";</li>
 *   <li>{@code bytes=a-}: from a to the end (how a download resumes);</li>
 *   <li>{@code bytes=-n}: the last n bytes (the suffix form).</li>
 * </ul>
 * A first byte at or past the end (or a suffix of 0) can be satisfied by no byte: 416 with
 * {@code Content-Range: bytes *}{@code /size}. A field that does not parse, or names another unit, is
 * ignored (RFC 9110 §14.2 lets a server ignore Range): the whole file, 200.
 *
 * <p>Several ranges ({@code bytes=0-1,5-9}) are answered with the whole file, 200, not a
 * {@code multipart/byteranges} 206. The RFC allows it, every client copes with it, and it closes
 * the door on the denial of service of many small or overlapping ranges (CVE-2011-3192, Apache's
 * "Range: bytes=0-,5-,5-1,..." that multiplied one response into gigabytes).
 */
public final class ByteRanges {
    /** What to send: the whole file, one range of it, or 416. */
    public sealed interface Decision permits Whole, Part, Unsatisfiable {}

    public record Whole() implements Decision {}

    /** Bytes {@code first} to {@code last} inclusive, as Content-Range counts them. */
    public record Part(long first, long last) implements Decision {
        public long length() {
            return last - first + 1;
        }

        /** The Content-Range value of a 206: {@code bytes first-last/size}. */
        public String contentRange(long size) {
            return "bytes " + first + "-" + last + "/" + size;
        }
    }

    public record Unsatisfiable() implements Decision {}

    public static final Whole WHOLE = new Whole();
    public static final Unsatisfiable UNSATISFIABLE = new Unsatisfiable();

    private ByteRanges() {}

    /** @param range the Range field's value, or null when there is none */
    public static Decision decide(String range, long size) {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Files: turn a Range field into the whole file, one byte range or 416, for a file of this size (docs/08-files.md, 'Code: byte ranges')");
        if (range == null) {
            return WHOLE;
        }
        String value = range.strip();
        int equals = value.indexOf('=');
        if (equals < 0 || !value.substring(0, equals).strip().equalsIgnoreCase("bytes")) {
            return WHOLE; // another unit, or no unit: ignored
        }
        String spec = value.substring(equals + 1).strip();
        if (spec.indexOf(',') >= 0) {
            return WHOLE; // several ranges: the whole file (see the class comment)
        }
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return WHOLE;
        }
        long first = number(spec.substring(0, dash).strip());
        long last = number(spec.substring(dash + 1).strip());
        if (first == NONE) {
            if (last == NONE || last == INVALID) {
                return WHOLE; // "bytes=-" or garbage
            }
            if (last == 0 || size == 0) {
                return UNSATISFIABLE; // the last 0 bytes, or any bytes of an empty file
            }
            return new Part(Math.max(0, size - last), size - 1);
        }
        if (first == INVALID || last == INVALID || (last != NONE && last < first)) {
            return WHOLE; // RFC 9110 §14.1.1: a last byte before the first makes the range invalid
        }
        if (first >= size) {
            return UNSATISFIABLE;
        }
        return new Part(first, last == NONE || last >= size ? size - 1 : last);
        // END SOLUTION
    }

    private static final long NONE = -1;
    private static final long INVALID = -2;

    /** A non-negative decimal, NONE for "", INVALID for anything else; too many digits for a long count as huge. */
    private static long number(String digits) {
        if (digits.isEmpty()) {
            return NONE;
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                return INVALID;
            }
        }
        return digits.length() > 18 ? Long.MAX_VALUE : Long.parseLong(digits);
    }
}
