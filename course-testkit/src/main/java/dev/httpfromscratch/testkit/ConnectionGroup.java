package dev.httpfromscratch.testkit;

import java.util.ArrayList;
import java.util.List;

/** Many connections held open at once (to fill a backlog, an event loop, a connection limit). */
public final class ConnectionGroup implements AutoCloseable {
    private final List<RawConnection> connections = new ArrayList<>();

    /** Opens {@code count} connections to 127.0.0.1:{@code port}, one after another. */
    public static ConnectionGroup open(int port, int count) {
        ConnectionGroup group = new ConnectionGroup();
        try {
            for (int i = 0; i < count; i++) {
                group.connections.add(RawConnection.open(port));
            }
        } catch (RuntimeException | Error failed) {
            group.close();
            throw failed;
        }
        return group;
    }

    public List<RawConnection> connections() {
        return connections;
    }

    public RawConnection get(int index) {
        return connections.get(index);
    }

    public int size() {
        return connections.size();
    }

    @Override
    public void close() {
        connections.forEach(RawConnection::close);
    }
}
