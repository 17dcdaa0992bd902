package dev.httpfromscratch.server;

import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.nio.channels.spi.AbstractSelectionKey;
import java.nio.channels.spi.AbstractSelector;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An event loop's selector in memory: it counts {@code wakeup()} calls (a write to the eventfd
 * the epoll watches, on Linux) and keeps the keys channels register with, so that a test sees
 * what the loop asked of the kernel without an epoll instance. It never reports a ready key: the
 * test calls the loop's handlers itself.
 */
final class InMemorySelector extends AbstractSelector {
    /** The keys registered so far, in order; each carries its Connection as attachment. */
    final List<Key> registered = new ArrayList<>();
    private int wakeups;

    InMemorySelector() {
        super(null);
    }

    /** How many times wakeup() was called. */
    int wakeups() {
        return wakeups;
    }

    @Override
    protected SelectionKey register(AbstractSelectableChannel channel, int ops, Object attachment) {
        Key key = new Key(channel, this, ops);
        key.attach(attachment);
        registered.add(key);
        return key;
    }

    @Override
    public Selector wakeup() {
        wakeups++;
        return this;
    }

    @Override
    protected void implCloseSelector() {
        // nothing to release
    }

    @Override
    public Set<SelectionKey> keys() {
        return new HashSet<>(registered);
    }

    @Override
    public Set<SelectionKey> selectedKeys() {
        return new HashSet<>();
    }

    @Override
    public int selectNow() {
        return 0;
    }

    @Override
    public int select(long timeout) {
        return 0;
    }

    @Override
    public int select() {
        return 0;
    }

    /** A registration: a channel, the events the loop wants for it, and its attachment. */
    static final class Key extends AbstractSelectionKey {
        private final SelectableChannel channel;
        private final Selector selector;
        private int interestOps;

        Key(SelectableChannel channel, Selector selector, int interestOps) {
            this.channel = channel;
            this.selector = selector;
            this.interestOps = interestOps;
        }

        Connection connection() {
            return (Connection) attachment();
        }

        @Override
        public SelectableChannel channel() {
            return channel;
        }

        @Override
        public Selector selector() {
            return selector;
        }

        @Override
        public int interestOps() {
            return interestOps;
        }

        @Override
        public SelectionKey interestOps(int ops) {
            interestOps = ops;
            return this;
        }

        @Override
        public int readyOps() {
            return 0;
        }
    }
}
