package dev.httpfromscratch.server;

import dev.httpfromscratch.step3.BodyDecoder;
import dev.httpfromscratch.step3.ContentLengthBody;
import dev.httpfromscratch.step3.ParserLimits;
import dev.httpfromscratch.step3.RequestRejection;
import java.nio.ByteBuffer;

/**
 * A body framed by {@code Content-Length} whose memory follows the bytes received, never the
 * bytes declared (docs/07-security.md, "Memory a client can make you spend").
 *
 * <p>Step 3's {@link ContentLengthBody} allocates the declared length as soon as the head is
 * parsed: simple, and right for a server with one thread per connection, where the threads bound
 * how many bodies exist. An event loop holds thousands of connections, and each head costs the
 * client eighty bytes: six hundred heads declaring 1 MiB each were enough to exhaust a 96 MiB heap
 * with one byte of body apiece. Here the array starts at what arrived and doubles as more
 * arrives, up to the declared length, and every growth is charged to the server's
 * {@link BodyBudget} first. A body that arrives whole in one read (the usual small POST) is
 * allocated once, at its exact size.
 */
final class GrowingBody implements BodyDecoder {
    private static final byte[] NOTHING = new byte[0];

    private final int length;
    private final BodyBudget.Account budget;
    private byte[] body = NOTHING;
    private int received;

    private GrowingBody(int length, BodyBudget.Account budget) {
        this.length = length;
        this.budget = budget;
    }

    /** The decoder for a body of {@code length} bytes (-1 or 0: no body); 413 above the body limit, before a byte is read. */
    static BodyDecoder forLength(long length, ParserLimits limits, BodyBudget.Account budget) throws RequestRejection {
        if (length <= 0) {
            return BodyDecoder.EMPTY;
        }
        if (length > limits.maxBodyBytes()) {
            throw new RequestRejection(413, "The body of " + length + " bytes is larger than the limit of " + limits.maxBodyBytes() + " bytes.");
        }
        return new GrowingBody((int) length, budget);
    }

    @Override
    public boolean decode(ByteBuffer input) throws RequestRejection {
        int take = Math.min(length - received, input.remaining());
        if (take == 0) {
            return received == length;
        }
        body = budget.grow(body, received + take, length);
        input.get(body, received, take);
        received += take;
        return received == length;
    }

    @Override
    public byte[] body() {
        return body; // complete: grown to exactly the declared length
    }
}
