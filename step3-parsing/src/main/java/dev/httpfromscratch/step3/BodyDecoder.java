package dev.httpfromscratch.step3;

import java.nio.ByteBuffer;

/**
 * Reads the body of one request from the bytes after its head, however they are framed.
 *
 * <p>HTTP/1.1 has two framings for a request body (RFC 9112 §6.3): a {@code Content-Length}
 * (this step: {@link ContentLengthBody}) and the chunked transfer coding (the final server adds
 * a decoder for it). The parser does not know which one it runs: it hands every byte after the
 * head to the decoder that {@link BodyFraming} chose, until the decoder says the body is over.
 */
public interface BodyDecoder {

    /**
     * Takes body bytes from {@code input} (advancing its position past what it used, and never
     * past the end of this body) and returns true once the body is complete.
     *
     * @throws RequestRejection when the body is malformed or larger than allowed
     */
    boolean decode(ByteBuffer input) throws RequestRejection;

    /** The body, once {@link #decode} returned true. */
    byte[] body();

    /** A request without a body. */
    BodyDecoder EMPTY = new BodyDecoder() {
        private static final byte[] NOTHING = new byte[0];

        @Override
        public boolean decode(ByteBuffer input) {
            return true;
        }

        @Override
        public byte[] body() {
            return NOTHING;
        }
    };
}
