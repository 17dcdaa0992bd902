package dev.httpfromscratch.server.files;

import dev.httpfromscratch.step3.ResponseWriter;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Conditional requests (RFC 9110 §8.8 and §13, docs/08-files.md, "Code: conditional requests"):
 * a client that has a copy asks "send it only if it changed", and gets 304 Not Modified, no body.
 *
 * <p>The validators: an entity tag made of the file's size and modification time in hex (strong
 * enough: any write that keeps both the size and the millisecond is missed, as with nginx's tag,
 * which is the same idea), with {@code -gz} for the gzip representation, since a strong tag names
 * one exact sequence of bytes; and Last-Modified, the time in the Date field's format.
 *
 * <p>Precedence (RFC 9110 §13.2.2): when {@code If-None-Match} is present,
 * {@code If-Modified-Since} is not looked at: tags are exact, dates have a one-second grain.
 * {@code If-Range} (§13.1.5) keeps a Range only while the tag (strong comparison) or the date
 * (exact match) still names the current file; otherwise the Range is ignored and the whole file
 * goes out with 200, so a resumed download never splices two versions of a file.
 */
public final class Validators {
    private Validators() {}

    /** The entity tag of a representation: {@code "size-mtime"} in hex, {@code -gz} for gzip. */
    public static String etag(long size, long modifiedMillis, boolean gzip) {
        return "\"" + Long.toHexString(size) + "-" + Long.toHexString(modifiedMillis) + (gzip ? "-gz" : "") + "\"";
    }

    /** Last-Modified: the IMF-fixdate the Date field uses (second grain). */
    public static String lastModified(long modifiedMillis) {
        return ResponseWriter.imfFixdate(Math.floorDiv(modifiedMillis, 1000));
    }

    /** True when the client's copy is current: answer 304. */
    public static boolean notModified(String ifNoneMatch, String ifModifiedSince, String etag, long modifiedMillis) {
        if (ifNoneMatch != null) {
            return matchesWeakly(ifNoneMatch, etag); // §13.1.2: If-None-Match compares weakly
        }
        if (ifModifiedSince != null) {
            long since = epochSecond(ifModifiedSince);
            return since != Long.MIN_VALUE && Math.floorDiv(modifiedMillis, 1000) <= since;
        }
        return false;
    }

    /** True when a Range may be honoured: no If-Range, or one that still names this file. */
    public static boolean rangeStillValid(String ifRange, String etag, long modifiedMillis) {
        if (ifRange == null) {
            return true;
        }
        String value = ifRange.strip();
        if (value.startsWith("\"") || value.startsWith("W/")) {
            return value.equals(etag); // strong comparison: a weak tag never matches
        }
        return epochSecond(value) == Math.floorDiv(modifiedMillis, 1000);
    }

    private static boolean matchesWeakly(String list, String etag) {
        String ours = etag.startsWith("W/") ? etag.substring(2) : etag;
        for (String tag : list.split(",")) {
            String theirs = tag.strip();
            if (theirs.equals("*")) {
                return true;
            }
            if (theirs.startsWith("W/")) {
                theirs = theirs.substring(2);
            }
            if (theirs.equals(ours)) {
                return true;
            }
        }
        return false;
    }

    /** An IMF-fixdate in epoch seconds, or MIN_VALUE (the obsolete RFC 850 and asctime forms count as invalid). */
    private static long epochSecond(String date) {
        try {
            return ZonedDateTime.parse(date.strip(), DateTimeFormatter.RFC_1123_DATE_TIME).toEpochSecond();
        } catch (DateTimeParseException notADate) {
            return Long.MIN_VALUE; // §13.1.3: an invalid date makes the condition be ignored
        }
    }
}
