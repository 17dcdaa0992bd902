package dev.httpfromscratch.step3;

/**
 * Thrown inside the parser (and by body decoders) when the input is not an acceptable request.
 * It carries its status code and a reason that is safe to show the client; the parser turns it
 * into a {@link ParseResult.Rejected} and never lets it escape.
 *
 * <p>No stack trace is filled in: a rejection is an expected outcome on hostile input, and a
 * client sending garbage should not make the server walk its own stack for every request.
 */
public final class RequestRejection extends Exception {
    private final int status;

    public RequestRejection(int status, String reason) {
        super(reason, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    public String reason() {
        return getMessage();
    }

    public ParseResult.Rejected toResult() {
        return new ParseResult.Rejected(status, getMessage());
    }
}
