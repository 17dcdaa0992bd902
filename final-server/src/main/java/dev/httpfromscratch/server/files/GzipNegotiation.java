package dev.httpfromscratch.server.files;

import java.util.Locale;

/**
 * Whether to send gzip, from the client's {@code Accept-Encoding} (RFC 9110 §12.5.3), and
 * whether it is worth it (docs/08-files.md, "Code: negotiating gzip").
 *
 * <p>The field lists codings with optional weights: {@code gzip;q=0.8, identity;q=0.5, *;q=0}.
 * A weight of 0 means "not acceptable"; {@code *} stands for every coding not named;
 * {@code identity} (no coding) is acceptable unless it is given q=0, directly or through
 * {@code *;q=0}, and preferred over gzip only when the client gives it the higher weight.
 * No field at all: the server sends no coding.
 *
 * <p>gzip goes out when the client accepts it at least as much as identity and compressing is
 * worth it (not a tiny file, not an already-compressed type), or when the client refuses
 * identity outright, which leaves gzip the only acceptable answer.
 */
public final class GzipNegotiation {
    public enum Coding { GZIP, IDENTITY }

    private GzipNegotiation() {}

    /**
     * @param acceptEncoding    the field's value, or null when the request has none
     * @param worthCompressing  false for tiny bodies and already-compressed types
     */
    public static Coding choose(String acceptEncoding, boolean worthCompressing) {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Files: choose gzip or identity from Accept-Encoding, q-values and * included (docs/08-files.md, 'Code: negotiating gzip')");
        if (acceptEncoding == null) {
            return Coding.IDENTITY;
        }
        double gzip = -1;
        double identity = -1;
        double star = -1;
        for (String element : acceptEncoding.split(",")) {
            String[] parts = element.split(";");
            String coding = parts[0].strip().toLowerCase(Locale.ROOT);
            if (coding.isEmpty()) {
                continue;
            }
            double q = 1;
            for (int i = 1; i < parts.length; i++) {
                String parameter = parts[i].strip();
                if (parameter.length() > 2 && parameter.substring(0, 2).equalsIgnoreCase("q=")) {
                    q = weight(parameter.substring(2));
                }
            }
            if (q < 0) {
                continue; // a malformed weight: the element is ignored
            }
            switch (coding) {
                case "gzip", "x-gzip" -> gzip = Math.max(gzip, q);
                case "identity" -> identity = q;
                case "*" -> star = q;
                default -> { }
            }
        }
        double gzipQ = gzip >= 0 ? gzip : Math.max(star, 0);
        if (gzipQ <= 0) {
            return Coding.IDENTITY; // identity even if refused: RFC 9110 §12.5.3 lets a server send it rather than a 406
        }
        boolean identityRefused = identity == 0 || (identity < 0 && star == 0);
        // Identity not named: acceptable, but not preferred over a coding the client did name.
        double identityQ = identity >= 0 ? identity : Math.max(star, 0);
        return identityRefused || (worthCompressing && gzipQ >= identityQ) ? Coding.GZIP : Coding.IDENTITY;
        // END SOLUTION
    }

    /** A qvalue (RFC 9110 §12.4.2: "0" to "1" with up to three decimals), or -1 if it is not one. */
    static double weight(String text) {
        if (!text.matches("0(\\.[0-9]{0,3})?|1(\\.0{0,3})?")) {
            return -1;
        }
        return Double.parseDouble(text);
    }
}
