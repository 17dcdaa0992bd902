package dev.httpfromscratch.step3;

/**
 * Decides, once the head of a request is parsed, how its body is framed (RFC 9112 §6.3), and
 * returns the decoder that reads it.
 *
 * <p>The parser has already checked what every framing relies on: Content-Length is digits only
 * and its copies agree, and Content-Length and Transfer-Encoding are not both present. What is
 * left is the choice, and it is the part that changes between steps: this step answers any
 * Transfer-Encoding with 501 ({@link #CONTENT_LENGTH_ONLY}); the final server passes its own
 * framing that adds chunked bodies, without touching the parser.
 */
@FunctionalInterface
public interface BodyFraming {

    BodyDecoder decoderFor(RequestHead head, ParserLimits limits) throws RequestRejection;

    /** Step 3: bodies by Content-Length only; Transfer-Encoding is not implemented (501). */
    BodyFraming CONTENT_LENGTH_ONLY = (head, limits) -> {
        if (head.headers().contains("Transfer-Encoding")) {
            // RFC 9112 §6.1: a server that does not understand a transfer coding answers 501
            // and closes, since it cannot know where this body ends and the next request begins.
            throw new RequestRejection(501, "Transfer-Encoding is not supported by this server; send a Content-Length instead.");
        }
        return ContentLengthBody.forLength(head.contentLength(), limits);
    };
}
