package dev.httpfromscratch.server;

import dev.httpfromscratch.step3.BodyDecoder;
import dev.httpfromscratch.step3.ParserLimits;
import dev.httpfromscratch.step3.RequestRejection;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A request body in the chunked transfer coding (RFC 9112 §7.1): a client that does not know the
 * length of its body up front (a stream, a pipe, {@code curl -T -}) sends it in pieces, each
 * preceded by its size in hexadecimal, and ends with a zero-size chunk and optional trailer fields.
 *
 * <pre>
 *   5;name=value CRLF     chunk-size [ chunk-ext ] CRLF
 *   hello CRLF            chunk-data CRLF
 *   0 CRLF                last-chunk
 *   Checksum: abc CRLF    trailer fields (any number, bounded like a header section)
 *   CRLF                  the end of the message
 * </pre>
 *
 * <p>Like the parser of step 3 it is resumable: it remembers where it is ({@link State}) and
 * takes whatever bytes arrived, one byte at a time for the framing and one bulk copy for each run
 * of data. It is also where request smuggling hides: a size a front proxy reads one way and this
 * server another (a sign, "0x", a 65-bit number, a missing CRLF) lets an attacker slip a second
 * request inside the first. Every such size is refused with 400, and the connection closes.
 *
 * <p>Bounded: the sum of the chunks by {@link ParserLimits#maxBodyBytes()} (413), its memory by
 * the bytes received (a size line announcing a large chunk reserves nothing: the array grows as
 * the data arrives, charged to the server's {@link BodyBudget}), each size line
 * by {@link #MAX_SIZE_LINE_BYTES}, the trailer section by {@link ParserLimits#maxHeaderSectionBytes()}
 * (431). Trailer fields are checked and then dropped (§7.1.2 lets a recipient discard them): no
 * route of this server reads them.
 */
public final class ChunkedBody implements BodyDecoder {
    /** A size line is a few hex digits; extensions make it longer, but 1 KiB is generous. */
    public static final int MAX_SIZE_LINE_BYTES = 1024;
    /** More significant hex digits than this cannot be a size any server accepts (and would overflow a long). */
    private static final int MAX_SIZE_DIGITS = 15;

    /** Where in the chunked body the decoder is. */
    enum State { SIZE, EXTENSION, SIZE_LF, DATA, DATA_CR, DATA_LF, TRAILER, TRAILER_LF, DONE }

    private final ParserLimits limits;
    private final BodyBudget.Account budget;
    private State state = State.SIZE;
    private byte[] body = new byte[0];
    private int length;
    /** Bytes of the current chunk still to come. */
    private long chunkRemaining;
    private int sizeDigits;
    private boolean sawDigit;
    private int sizeLineBytes;
    private int trailerBytes;
    private int trailerLineBytes;
    private boolean trailerLineHasColon;

    /** A decoder whose memory no budget bounds beyond the body limit (for tests of the coding alone). */
    public ChunkedBody(ParserLimits limits) {
        this(limits, new BodyBudget(Long.MAX_VALUE).account());
    }

    ChunkedBody(ParserLimits limits, BodyBudget.Account budget) {
        this.limits = limits;
        this.budget = budget;
    }

    @Override
    public boolean decode(ByteBuffer input) throws RequestRejection {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Final server: decode chunk-size lines, chunk data and the trailer section (docs/05-final-server.md, 'Code: ChunkedBody')");
        while (state != State.DONE) {
            if (state == State.DATA) {
                if (!input.hasRemaining()) {
                    return false;
                }
                int take = (int) Math.min(chunkRemaining, input.remaining());
                input.get(room(take), length, take); // one bulk copy per run of data, never byte by byte
                length += take;
                chunkRemaining -= take;
                if (chunkRemaining == 0) {
                    state = State.DATA_CR;
                }
                continue;
            }
            if (!input.hasRemaining()) {
                return false;
            }
            byte b = input.get();
            switch (state) {
                case SIZE -> sizeByte(b);
                case EXTENSION -> extensionByte(b);
                case SIZE_LF -> {
                    expectLineFeed(b, "a chunk-size line");
                    endOfSizeLine();
                }
                case DATA_CR -> {
                    if (b != '\r') {
                        throw new RequestRejection(400, "Chunk data is longer than its size says, or is not followed by CRLF (RFC 9112 §7.1).");
                    }
                    state = State.DATA_LF;
                }
                case DATA_LF -> {
                    expectLineFeed(b, "chunk data");
                    startSizeLine();
                }
                case TRAILER -> trailerByte(b);
                case TRAILER_LF -> {
                    expectLineFeed(b, "a trailer line");
                    if (trailerLineBytes == 0) {
                        state = State.DONE; // the empty line: the message is over
                    } else {
                        trailerLineBytes = 0;
                        trailerLineHasColon = false;
                        state = State.TRAILER;
                    }
                }
                default -> throw new IllegalStateException("unreachable chunked state " + state);
            }
        }
        return true;
        // END SOLUTION
    }

    @Override
    public byte[] body() {
        return length == body.length ? body : Arrays.copyOf(body, length);
    }

    /** One byte of the hexadecimal chunk size: digits, then CR, or whitespace/';' before an extension. */
    private void sizeByte(byte b) throws RequestRejection {
        countSizeLineByte();
        int digit = Character.digit(b, 16);
        if (digit >= 0 && b < 0x80) {
            sawDigit = true;
            if (chunkRemaining != 0 || digit != 0) {
                sizeDigits++; // leading zeros are allowed and do not count
            }
            if (sizeDigits > MAX_SIZE_DIGITS) {
                throw new RequestRejection(400, "A chunk size has more than " + MAX_SIZE_DIGITS + " hex digits (RFC 9112 §7.1).");
            }
            chunkRemaining = chunkRemaining * 16 + digit;
            return;
        }
        if (!sawDigit) {
            throw new RequestRejection(400, "A chunk-size line must start with a hexadecimal size, not "
                    + describe(b) + " (RFC 9112 §7.1).");
        }
        if (b == '\r') {
            state = State.SIZE_LF;
        } else if (b == ';' || b == ' ' || b == '\t') {
            state = State.EXTENSION; // chunk-ext: BWS ";" name [ "=" value ]; read and ignored (§7.1.1)
        } else {
            throw new RequestRejection(400, "A chunk size holds " + describe(b) + "; sizes are hexadecimal digits only (RFC 9112 §7.1).");
        }
    }

    /** Chunk extensions are ignored, but they may not hold control bytes or run past the line limit. */
    private void extensionByte(byte b) throws RequestRejection {
        countSizeLineByte();
        if (b == '\r') {
            state = State.SIZE_LF;
        } else if ((b < 0x20 && b != '\t') || b == 0x7f) {
            throw new RequestRejection(400, "A chunk extension holds the control byte " + describe(b) + " (RFC 9112 §7.1.1).");
        }
    }

    /** The size line is complete: start the data, or the trailer section after the last chunk. */
    private void endOfSizeLine() throws RequestRejection {
        if (chunkRemaining == 0) {
            state = State.TRAILER;
            return;
        }
        long total = length + chunkRemaining;
        if (total > limits.maxBodyBytes()) {
            throw new RequestRejection(413, "The chunked body is larger than the limit of " + limits.maxBodyBytes() + " bytes.");
        }
        state = State.DATA;
    }

    /** The body array with room for {@code take} more bytes: it grows with the data received, never with a size announced. */
    private byte[] room(int take) throws RequestRejection {
        body = budget.grow(body, length + take, limits.maxBodyBytes());
        return body;
    }

    private void startSizeLine() {
        state = State.SIZE;
        chunkRemaining = 0;
        sizeDigits = 0;
        sawDigit = false;
        sizeLineBytes = 0;
    }

    /** One byte of a trailer line, bounded like the header section; the fields themselves are dropped. */
    private void trailerByte(byte b) throws RequestRejection {
        if (++trailerBytes > limits.maxHeaderSectionBytes()) {
            throw new RequestRejection(431, "The trailer section is longer than " + limits.maxHeaderSectionBytes() + " bytes.");
        }
        if (b == '\r') {
            if (trailerLineBytes > 0 && !trailerLineHasColon) {
                throw new RequestRejection(400, "A trailer line has no colon; trailer fields are 'name: value' (RFC 9112 §7.1.2).");
            }
            state = State.TRAILER_LF;
            return;
        }
        if ((b < 0x20 && b != '\t') || b == 0x7f) {
            throw new RequestRejection(400, "A trailer field holds the control byte " + describe(b) + " (RFC 9112 §7.1.2).");
        }
        if (trailerLineBytes == 0 && (b == ' ' || b == '\t' || b == ':')) {
            throw new RequestRejection(400, "A trailer line must start with a field name (RFC 9112 §7.1.2).");
        }
        trailerLineHasColon |= b == ':';
        trailerLineBytes++;
    }

    private void countSizeLineByte() throws RequestRejection {
        if (++sizeLineBytes > MAX_SIZE_LINE_BYTES) {
            throw new RequestRejection(400, "A chunk-size line is longer than " + MAX_SIZE_LINE_BYTES + " bytes.");
        }
    }

    private static void expectLineFeed(byte b, String after) throws RequestRejection {
        if (b != '\n') {
            throw new RequestRejection(400, "A CR after " + after + " is not followed by LF (RFC 9112 §7.1).");
        }
    }

    private static String describe(byte b) {
        return b >= 0x21 && b < 0x7f ? "'" + (char) b + "'" : String.format("the byte 0x%02x", b & 0xff);
    }
}
