package dev.httpfromscratch.server;

import dev.httpfromscratch.step3.HttpSyntax;
import dev.httpfromscratch.step3.RequestRejection;

/**
 * Checks the value of the {@code Host} header field: {@code uri-host [ ":" port ]} (RFC 9110
 * §7.2, RFC 3986 §3.2.2). Step 3's parser already requires exactly one Host in HTTP/1.1; this
 * adds what the value may hold.
 *
 * <p>Why a server that serves one site cares: the Host value ends up in access logs, in
 * redirects and in the cache keys of proxies in front of it. A value with a space, a slash, an
 * '@' or a control byte is either a broken client or someone testing whether some layer reads it
 * differently (host header injection, cache poisoning); RFC 9112 §3.2 says to answer 400.
 * The check runs over the characters in place: no regular expression, no allocation.
 */
final class HostField {
    private HostField() {}

    /** Throws 400 unless {@code host} (null when absent: HTTP/1.0) is a valid Host value. */
    static void check(String host) throws RequestRejection {
        if (host == null || host.isEmpty()) {
            return; // absent (HTTP/1.0) or empty (allowed when the target has no authority, §7.2)
        }
        int i = 0;
        int length = host.length();
        if (host.charAt(0) == '[') {
            // IP-literal: an IPv6 address such as [::1]; hex digits, ':' and '.' (an embedded IPv4).
            i = 1;
            while (i < length && host.charAt(i) != ']') {
                char c = host.charAt(i);
                if (!(Character.digit(c, 16) >= 0 && c < 0x80) && c != ':' && c != '.') {
                    throw invalid(host);
                }
                i++;
            }
            if (i == length || i == 1) {
                throw invalid(host);
            }
            i++; // past ']'
        } else {
            // reg-name or IPv4: unreserved, pct-encoded and sub-delims characters.
            while (i < length && host.charAt(i) != ':') {
                char c = host.charAt(i);
                if (c == '%') {
                    if (i + 2 >= length || Character.digit(host.charAt(i + 1), 16) < 0 || Character.digit(host.charAt(i + 2), 16) < 0) {
                        throw invalid(host);
                    }
                    i += 3;
                    continue;
                }
                if (!isRegNameChar(c)) {
                    throw invalid(host);
                }
                i++;
            }
        }
        if (i == length) {
            return;
        }
        if (host.charAt(i) != ':') {
            throw invalid(host);
        }
        int digits = length - i - 1;
        if (digits > 5) {
            throw invalid(host);
        }
        for (int k = i + 1; k < length; k++) {
            char c = host.charAt(k);
            if (c < '0' || c > '9') {
                throw invalid(host);
            }
        }
    }

    /** The ASCII characters a reg-name may hold (unreserved and sub-delims): one array lookup per character. */
    private static final boolean[] REG_NAME = new boolean[128];

    static {
        for (char c = 'a'; c <= 'z'; c++) {
            REG_NAME[c] = true;
            REG_NAME[Character.toUpperCase(c)] = true;
        }
        for (char c = '0'; c <= '9'; c++) {
            REG_NAME[c] = true;
        }
        for (char c : "-._~!$&'()*+,;=".toCharArray()) {
            REG_NAME[c] = true;
        }
    }

    private static boolean isRegNameChar(char c) {
        return c < 128 && REG_NAME[c];
    }

    private static RequestRejection invalid(String host) {
        return new RequestRejection(400, "The Host header field \"" + HttpSyntax.shorten(host)
                + "\" is not a host name or address with an optional port (RFC 9110 §7.2).");
    }
}
