package dev.httpfromscratch.step3;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The header fields of one message: an ordered multimap whose names compare case-insensitively.
 *
 * <p>Why not a {@code Map<String, String>} as CerberusHTTP has? Because HTTP allows a field to
 * repeat ({@code Set-Cookie}, or two {@code Content-Length} lines a smuggler hopes you read
 * differently from the proxy in front of you), and because {@code Host} and {@code host} are the
 * same field (RFC 9110 §5.1). A map silently keeps one of two repeated lines; this class keeps
 * both, in the order they came, so the parser can check that they agree.
 *
 * <p>Names are ASCII tokens (the parser allows nothing else), so a plain ASCII case-insensitive
 * comparison is correct and needs no {@code toLowerCase} copy. Lookups are linear: a request has
 * a dozen fields, and a scan over a dozen references beats hashing for that size.
 *
 * <p>Every parsed request makes one of these, so its memory is per request: one array of
 * name/value pairs (names at even indexes, each value right behind its name), made room for
 * eight fields at the first add and doubled when full. Two {@code ArrayList}s of 16 would cost
 * 224 bytes before the first field; this costs 104 (docs/06-performance.md, "The parser under JMH").
 */
public final class HttpHeaders {
    private static final String[] NONE = new String[0];
    private static final int FIRST_CAPACITY = 2 * 8;

    /** name, value, name, value, ...: the first {@code 2 * size} slots are used. */
    private String[] fields;
    private int size;

    public HttpHeaders() {
        this(NONE, 0);
    }

    private HttpHeaders(String[] fields, int size) {
        this.fields = fields;
        this.size = size;
    }

    /** Adds one field at the end, keeping any earlier field of the same name. */
    public HttpHeaders add(String name, String value) {
        if (2 * size == fields.length) {
            fields = Arrays.copyOf(fields, fields.length == 0 ? FIRST_CAPACITY : 2 * fields.length);
        }
        fields[2 * size] = name;
        fields[2 * size + 1] = value;
        size++;
        return this;
    }

    /** Replaces every field called {@code name} by one field with {@code value}. */
    public HttpHeaders set(String name, String value) {
        remove(name);
        return add(name, value);
    }

    /** Removes every field called {@code name}. */
    public HttpHeaders remove(String name) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (!fields[2 * i].equalsIgnoreCase(name)) {
                fields[2 * kept] = fields[2 * i];
                fields[2 * kept + 1] = fields[2 * i + 1];
                kept++;
            }
        }
        Arrays.fill(fields, 2 * kept, 2 * size, null);
        size = kept;
        return this;
    }

    /** The value of the first field called {@code name}, or null. */
    public String get(String name) {
        for (int i = 0; i < size; i++) {
            if (fields[2 * i].equalsIgnoreCase(name)) {
                return fields[2 * i + 1];
            }
        }
        return null;
    }

    /** The value of the first field called {@code name}, if any. */
    public Optional<String> first(String name) {
        return Optional.ofNullable(get(name));
    }

    /** The values of every field called {@code name}, in the order they came. */
    public List<String> all(String name) {
        List<String> found = new ArrayList<>(2);
        for (int i = 0; i < size; i++) {
            if (fields[2 * i].equalsIgnoreCase(name)) {
                found.add(fields[2 * i + 1]);
            }
        }
        return found;
    }

    /** How many fields are called {@code name}. */
    public int count(String name) {
        int count = 0;
        for (int i = 0; i < size; i++) {
            if (fields[2 * i].equalsIgnoreCase(name)) {
                count++;
            }
        }
        return count;
    }

    public boolean contains(String name) {
        return get(name) != null;
    }

    /** The number of field lines (a repeated name counts once per line). */
    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public String name(int index) {
        return fields[2 * checked(index)];
    }

    public String value(int index) {
        return fields[2 * checked(index) + 1];
    }

    private int checked(int index) {
        return java.util.Objects.checkIndex(index, size);
    }

    /** Every field in order, with the name as it was spelled on the wire. */
    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < size; i++) {
            action.accept(fields[2 * i], fields[2 * i + 1]);
        }
    }

    /** True when a comma-separated field {@code name} lists {@code token} (case-insensitive), e.g. Connection: close. */
    public boolean hasToken(String name, String token) {
        for (int i = 0; i < size; i++) {
            if (fields[2 * i].equalsIgnoreCase(name) && listsToken(fields[2 * i + 1], token)) {
                return true;
            }
        }
        return false;
    }

    /** Walks the comma-separated list in place: a split() per request would allocate an array and a String per item. */
    private static boolean listsToken(String list, String token) {
        int start = 0;
        while (true) {
            int comma = list.indexOf(',', start);
            int from = start;
            int to = comma < 0 ? list.length() : comma;
            while (from < to && Character.isWhitespace(list.charAt(from))) {
                from++;
            }
            while (to > from && Character.isWhitespace(list.charAt(to - 1))) {
                to--;
            }
            if (to - from == token.length() && list.regionMatches(true, from, token, 0, token.length())) {
                return true;
            }
            if (comma < 0) {
                return false;
            }
            start = comma + 1;
        }
    }

    /** A copy that later changes to this one do not affect. */
    public HttpHeaders copy() {
        return new HttpHeaders(size == 0 ? NONE : Arrays.copyOf(fields, Math.max(FIRST_CAPACITY, 2 * size)), size);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HttpHeaders that && Arrays.equals(fields, 0, 2 * size, that.fields, 0, 2 * that.size);
    }

    @Override
    public int hashCode() {
        int hash = 1;
        for (int i = 0; i < 2 * size; i++) {
            hash = 31 * hash + fields[i].hashCode();
        }
        return hash;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("{");
        for (int i = 0; i < size; i++) {
            text.append(i == 0 ? "" : ", ").append(fields[2 * i]).append(": ").append(fields[2 * i + 1]);
        }
        return text.append('}').toString();
    }
}
