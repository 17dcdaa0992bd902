package dev.httpfromscratch.step3;

import java.util.ArrayList;
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
 */
public final class HttpHeaders {
    private final List<String> names;
    private final List<String> values;

    public HttpHeaders() {
        this(new ArrayList<>(16), new ArrayList<>(16));
    }

    private HttpHeaders(List<String> names, List<String> values) {
        this.names = names;
        this.values = values;
    }

    /** Adds one field at the end, keeping any earlier field of the same name. */
    public HttpHeaders add(String name, String value) {
        names.add(name);
        values.add(value);
        return this;
    }

    /** Replaces every field called {@code name} by one field with {@code value}. */
    public HttpHeaders set(String name, String value) {
        remove(name);
        return add(name, value);
    }

    /** Removes every field called {@code name}. */
    public HttpHeaders remove(String name) {
        for (int i = names.size() - 1; i >= 0; i--) {
            if (names.get(i).equalsIgnoreCase(name)) {
                names.remove(i);
                values.remove(i);
            }
        }
        return this;
    }

    /** The value of the first field called {@code name}, or null. */
    public String get(String name) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                return values.get(i);
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
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                found.add(values.get(i));
            }
        }
        return found;
    }

    /** How many fields are called {@code name}. */
    public int count(String name) {
        int count = 0;
        for (String each : names) {
            if (each.equalsIgnoreCase(name)) {
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
        return names.size();
    }

    public boolean isEmpty() {
        return names.isEmpty();
    }

    public String name(int index) {
        return names.get(index);
    }

    public String value(int index) {
        return values.get(index);
    }

    /** Every field in order, with the name as it was spelled on the wire. */
    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < names.size(); i++) {
            action.accept(names.get(i), values.get(i));
        }
    }

    /** True when a comma-separated field {@code name} lists {@code token} (case-insensitive), e.g. Connection: close. */
    public boolean hasToken(String name, String token) {
        for (int i = 0; i < names.size(); i++) {
            if (names.get(i).equalsIgnoreCase(name)) {
                for (String part : values.get(i).split(",")) {
                    if (part.strip().equalsIgnoreCase(token)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** A copy that later changes to this one do not affect. */
    public HttpHeaders copy() {
        return new HttpHeaders(new ArrayList<>(names), new ArrayList<>(values));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HttpHeaders that && names.equals(that.names) && values.equals(that.values);
    }

    @Override
    public int hashCode() {
        return names.hashCode() * 31 + values.hashCode();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("{");
        for (int i = 0; i < names.size(); i++) {
            text.append(i == 0 ? "" : ", ").append(names.get(i)).append(": ").append(values.get(i));
        }
        return text.append('}').toString();
    }
}
