package dev.httpfromscratch.server;

import dev.httpfromscratch.testkit.RunningServer;
import java.util.function.UnaryOperator;

/** The final server as the tests start it: port 0, two event loops, no access log unless a test asks. */
final class TestServers {
    private TestServers() {}

    static ServerConfig config() {
        return ServerConfig.defaults().withPort(0).withEventLoops(2).withAccessLog(false);
    }

    static RunningServer start() {
        return start(UnaryOperator.identity());
    }

    /** Starts a server whose config is the test config changed by {@code change} (tiny timeouts, small limits). */
    static RunningServer start(UnaryOperator<ServerConfig> change) {
        ServerConfig config = change.apply(config());
        return RunningServer.start(console -> new FinalServer(config, console));
    }

    /** Starts a server with the test config and the run options changed by {@code change} (drain delay, connection lines). */
    static RunningServer startWith(UnaryOperator<RunOptions> change) {
        ServerConfig config = config();
        RunOptions options = change.apply(RunOptions.defaults());
        return RunningServer.start(console -> new FinalServer(config, options, console, console));
    }

    static FinalServer server(RunningServer running) {
        return (FinalServer) running.server();
    }
}
