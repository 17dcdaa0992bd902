package dev.httpfromscratch.server;

/**
 * The fixed set of label values of {@code http_parse_errors_total{reason}}. A label value made
 * from the client's input (the reason sentence, the bad byte) would let any client create new
 * time series at will and fill Prometheus' memory; a fixed enum keeps the series count known.
 *
 * <p>The parser reports a rejection as a status code, and each code has one meaning here.
 */
enum ParseErrorReason {
    MALFORMED("malformed", 400),
    BODY_TOO_LARGE("body_too_large", 413),
    REQUEST_LINE_TOO_LONG("request_line_too_long", 414),
    HEADERS_TOO_LARGE("headers_too_large", 431),
    UNSUPPORTED_TRANSFER_CODING("unsupported_transfer_coding", 501),
    UNSUPPORTED_VERSION("unsupported_version", 505),
    /** Not a parse error but a refusal at the same point: the bodies being read would cross the server's body budget. */
    BODY_BUDGET_EXHAUSTED("body_budget_exhausted", 503),
    OTHER("other", 0);

    final String label;
    final int status;

    ParseErrorReason(String label, int status) {
        this.label = label;
        this.status = status;
    }

    static ParseErrorReason forStatus(int status) {
        for (ParseErrorReason reason : values()) {
            if (reason.status == status) {
                return reason;
            }
        }
        return OTHER;
    }
}
