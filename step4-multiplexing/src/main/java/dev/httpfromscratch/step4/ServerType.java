package dev.httpfromscratch.step4;

import dev.httpfromscratch.common.Server;
import java.io.PrintStream;

/** The two servers of this step, as {@code --server} names them; tests run every suite against both. */
public enum ServerType {
    /** One thread, one Selector: {@link EventLoopServer}. */
    SELECTOR("selector"),
    /** One virtual thread per connection, blocking code: {@link VirtualThreadServer}. */
    VIRTUAL_THREADS("virtual-threads");

    private final String flagValue;

    ServerType(String flagValue) {
        this.flagValue = flagValue;
    }

    public String flagValue() {
        return flagValue;
    }

    public Server create(ServerOptions options, PrintStream console) {
        return switch (this) {
            case SELECTOR -> new EventLoopServer(options, console);
            case VIRTUAL_THREADS -> new VirtualThreadServer(options, console);
        };
    }

    public static String[] flagValues() {
        return new String[] {SELECTOR.flagValue, VIRTUAL_THREADS.flagValue};
    }

    public static ServerType fromFlag(String value) {
        for (ServerType type : values()) {
            if (type.flagValue.equals(value)) {
                return type;
            }
        }
        throw new IllegalArgumentException("no server type '" + value + "'");
    }

    @Override
    public String toString() {
        return flagValue;
    }
}
