package dev.httpfromscratch.step3;

import java.nio.ByteBuffer;

/**
 * A body framed by {@code Content-Length} (RFC 9112 §6.2): exactly that many bytes follow the
 * empty line, no more, no fewer.
 *
 * <p>The array is allocated once, at its final size, when the head is parsed: the parser has
 * already refused lengths over {@link ParserLimits#maxBodyBytes()}, so this allocation is bounded.
 * Bytes then arrive in whatever pieces TCP delivers and are copied in place; the bytes after the
 * last one belong to the next request and are left in the buffer.
 */
public final class ContentLengthBody implements BodyDecoder {
    private final byte[] body;
    private int received;

    private ContentLengthBody(int length) {
        this.body = new byte[length];
    }

    /** The decoder for a body of {@code length} bytes (-1 or 0: no body). */
    public static BodyDecoder forLength(long length, ParserLimits limits) throws RequestRejection {
        if (length <= 0) {
            return BodyDecoder.EMPTY;
        }
        if (length > limits.maxBodyBytes()) {
            throw new RequestRejection(413, "The body of " + length + " bytes is larger than the limit of " + limits.maxBodyBytes() + " bytes.");
        }
        return new ContentLengthBody((int) length);
    }

    /** How many body bytes are still missing. */
    public int remaining() {
        return body.length - received;
    }

    @Override
    public boolean decode(ByteBuffer input) {
        // BEGIN SOLUTION
        // STUB: throw new UnsupportedOperationException("Step 3: copy at most the missing body bytes from input and say whether the body is complete (docs/03-parsing.md, 'Code: ContentLengthBody.decode')");
        int take = Math.min(body.length - received, input.remaining());
        input.get(body, received, take); // one bulk copy (System.arraycopy underneath), never byte by byte
        received += take;
        return received == body.length;
        // END SOLUTION
    }

    @Override
    public byte[] body() {
        return body;
    }
}
