package dev.httpfromscratch.step4;

import dev.httpfromscratch.step3.HttpResponse;
import dev.httpfromscratch.step3.Router;
import dev.httpfromscratch.step3.Routes;

/**
 * Step 3's routes ({@code GET /}, {@code POST /api}) plus one this step needs: {@code GET /large},
 * a 1 MiB body. One response bigger than any socket send buffer is what makes a partial
 * {@code write()} happen, and an event loop must resume it later without blocking anyone.
 */
public final class Step4Routes {
    /** 1 MiB: larger than Linux's default send buffer (16 KiB, growing to 4 MiB only while the peer reads). */
    public static final int LARGE_BODY_BYTES = 1024 * 1024;

    private static final byte[] LARGE_BODY = largeBody();

    private Step4Routes() {}

    /** A new router with step 3's routes and GET /large. */
    public static Router router() {
        return Routes.step3().get("/large", request -> HttpResponse.of(200, "application/octet-stream", LARGE_BODY));
    }

    /**
     * The body of GET /large: byte {@code i} is {@code 'a' + i % 26}, except every 64th, which is
     * a newline; a client (or a test) can check every byte arrived, in order.
     */
    public static byte[] largeBody() {
        byte[] body = new byte[LARGE_BODY_BYTES];
        for (int i = 0; i < body.length; i++) {
            body[i] = i % 64 == 63 ? (byte) '\n' : (byte) ('a' + i % 26);
        }
        return body;
    }
}
