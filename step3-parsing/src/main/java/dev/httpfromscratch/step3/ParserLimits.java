package dev.httpfromscratch.step3;

/**
 * Every limit of the request parser, in one place (docs/03-parsing.md, "Limits").
 *
 * <p>A parser that buffers "until the request is complete" lets any client decide how much memory
 * the server spends: a request line that never ends, a million header fields, a Content-Length of
 * ten gigabytes. Each limit below is checked as the bytes pass through the parser, before they are
 * kept, and each has the status code RFC 9110/9112 give for exceeding it.
 *
 * @param maxRequestLineBytes   longest request line, CRLF included; beyond it 414 URI Too Long
 *                              (RFC 9112 §3: "at least 8000 octets" is the recommended minimum)
 * @param maxHeaderSectionBytes longest header section (all field lines and their CRLFs plus the
 *                              empty line); beyond it 431 Request Header Fields Too Large (RFC 6585 §5)
 * @param maxHeaderCount        most header field lines; beyond it 431 as well
 * @param maxBodyBytes          largest body; a Content-Length above it gets 413 Content Too Large
 *                              before a single body byte is read (RFC 9110 §15.5.14)
 */
public record ParserLimits(int maxRequestLineBytes, int maxHeaderSectionBytes, int maxHeaderCount, int maxBodyBytes) {

    /** 8 KiB request line, 32 KiB of header fields, 100 fields, 1 MiB of body. */
    public static final ParserLimits DEFAULTS = new ParserLimits(8 * 1024, 32 * 1024, 100, 1024 * 1024);

    public ParserLimits {
        if (maxRequestLineBytes < 16 || maxHeaderSectionBytes < 2 || maxHeaderCount < 1 || maxBodyBytes < 0) {
            throw new IllegalArgumentException("parser limits too small to parse any request: " + maxRequestLineBytes + ", "
                    + maxHeaderSectionBytes + ", " + maxHeaderCount + ", " + maxBodyBytes);
        }
    }

    /** The same limits with another body limit (the --max-body-bytes flag). */
    public ParserLimits withMaxBodyBytes(int bytes) {
        return new ParserLimits(maxRequestLineBytes, maxHeaderSectionBytes, maxHeaderCount, bytes);
    }
}
