package dev.httpfromscratch.step3;

/**
 * The code behind one route: takes a parsed request, returns the response to send.
 *
 * <p>A handler may throw anything: the {@link Router} turns it into a 500 for this request and
 * the server goes on serving the others. A handler never writes to the socket itself, so it works
 * the same under the blocking server of this step and the event loops of step 4.
 */
@FunctionalInterface
public interface Handler {
    HttpResponse handle(HttpRequest request) throws Exception;
}
