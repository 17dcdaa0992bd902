package dev.httpfromscratch.server.files;

import java.util.Locale;
import java.util.Map;

/**
 * The Content-Type of a file, by its extension (docs/08-files.md, "Content-Type and validators").
 * A small table, like nginx's {@code mime.types}; anything not in it is
 * {@code application/octet-stream}, which a browser downloads instead of guessing (and never
 * runs as a script). Sniffing the bytes is what browsers once did, and it turned uploaded
 * "images" into HTML pages that ran scripts: the server says, and says
 * {@code X-Content-Type-Options: nosniff} too.
 */
public final class ContentTypes {
    public static final String UNKNOWN = "application/octet-stream";

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("html", "text/html; charset=utf-8"),
            Map.entry("htm", "text/html; charset=utf-8"),
            Map.entry("txt", "text/plain; charset=utf-8"),
            Map.entry("md", "text/markdown; charset=utf-8"),
            Map.entry("css", "text/css; charset=utf-8"),
            Map.entry("csv", "text/csv; charset=utf-8"),
            Map.entry("js", "text/javascript; charset=utf-8"),
            Map.entry("mjs", "text/javascript; charset=utf-8"),
            Map.entry("json", "application/json"),
            Map.entry("xml", "application/xml"),
            Map.entry("svg", "image/svg+xml"),
            Map.entry("wasm", "application/wasm"),
            Map.entry("pdf", "application/pdf"),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("ico", "image/x-icon"),
            Map.entry("mp4", "video/mp4"),
            Map.entry("webm", "video/webm"),
            Map.entry("mp3", "audio/mpeg"),
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("zip", "application/zip"),
            Map.entry("gz", "application/gzip"),
            Map.entry("jar", "application/java-archive"));

    private ContentTypes() {}

    /** The type for {@code fileName}'s extension, case-insensitive; unknown: application/octet-stream. */
    public static String of(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0) {
            return UNKNOWN;
        }
        return BY_EXTENSION.getOrDefault(fileName.substring(dot + 1).toLowerCase(Locale.ROOT), UNKNOWN);
    }

    /**
     * Whether gzip can shrink this type: text and text-like formats yes; images, audio, video,
     * fonts (woff/woff2 are compressed inside), archives and unknown bytes no: compressing them
     * again spends CPU to save nothing, or even adds bytes.
     */
    public static boolean compressible(String contentType) {
        return contentType.startsWith("text/") || contentType.startsWith("application/json")
                || contentType.startsWith("application/xml") || contentType.startsWith("image/svg+xml")
                || contentType.startsWith("application/wasm");
    }
}
