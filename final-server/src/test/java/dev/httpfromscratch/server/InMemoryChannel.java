package dev.httpfromscratch.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Set;

/**
 * A client's socket as the server sees it, in memory: what the next {@code read()} calls return
 * is queued by the test ({@link #arrive}, {@link #finish}, {@link #reset}), and every
 * {@code write()} is kept, so a test can count the server's system calls as well as read its
 * bytes. No file descriptor, no network: EventLoopTest and ConnectionTest drive a connection
 * through it on a fake clock.
 */
final class InMemoryChannel extends SocketChannel {
    private static final Object END_OF_STREAM = new Object();
    private static final Object RESET = new Object();

    /** What the next reads return, in order: byte arrays, END_OF_STREAM or RESET; empty: nothing came (0). */
    private final ArrayDeque<Object> incoming = new ArrayDeque<>();
    private final ByteArrayOutputStream sent = new ByteArrayOutputStream();
    private int writes;
    private boolean outputShut;
    /** When set, the next write() throws it: a bug somewhere under the connection, not a client that left. */
    RuntimeException failWrites;

    InMemoryChannel() {
        super(null);
    }

    /** The client sends these bytes: the next read() returns them. */
    InMemoryChannel arrive(String bytes) {
        incoming.add(bytes.getBytes(StandardCharsets.ISO_8859_1));
        return this;
    }

    /** The client half-closes (FIN): the next read() returns -1. */
    InMemoryChannel finish() {
        incoming.add(END_OF_STREAM);
        return this;
    }

    /** The client resets the connection (RST): the next read() throws "Connection reset". */
    InMemoryChannel reset() {
        incoming.add(RESET);
        return this;
    }

    /** Everything the server wrote, as text. */
    String sentText() {
        return sent.toString(StandardCharsets.ISO_8859_1);
    }

    /** How many write() calls (system calls, on a real socket) the server made. */
    int writes() {
        return writes;
    }

    /** The server called shutdownOutput() (FIN after its last response). */
    boolean outputShut() {
        return outputShut;
    }

    @Override
    public int read(ByteBuffer destination) throws IOException {
        Object next = incoming.poll();
        if (next == null) {
            return 0;
        }
        if (next == END_OF_STREAM) {
            return -1;
        }
        if (next == RESET) {
            throw new IOException("Connection reset");
        }
        byte[] bytes = (byte[]) next;
        int n = Math.min(bytes.length, destination.remaining());
        destination.put(bytes, 0, n);
        if (n < bytes.length) {
            byte[] rest = new byte[bytes.length - n];
            System.arraycopy(bytes, n, rest, 0, rest.length);
            incoming.addFirst(rest);
        }
        return n;
    }

    @Override
    public long read(ByteBuffer[] destinations, int offset, int length) throws IOException {
        return read(destinations[offset]);
    }

    @Override
    public int write(ByteBuffer source) throws IOException {
        if (failWrites != null) {
            throw failWrites;
        }
        writes++;
        int n = source.remaining();
        byte[] bytes = new byte[n];
        source.get(bytes);
        sent.write(bytes, 0, n);
        return n;
    }

    @Override
    public long write(ByteBuffer[] sources, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += write(sources[i]);
        }
        return total;
    }

    @Override
    public SocketChannel shutdownOutput() {
        outputShut = true;
        return this;
    }

    @Override
    public SocketChannel shutdownInput() {
        return this;
    }

    @Override
    protected void implCloseSelectableChannel() {
        // nothing to release: no file descriptor behind it
    }

    @Override
    protected void implConfigureBlocking(boolean block) {
        // the loop only checks the mode the channel reports (isBlocking)
    }

    // What a server never asks of an accepted connection in these tests.

    @Override
    public SocketChannel bind(SocketAddress local) {
        throw new UnsupportedOperationException("bind: not on an accepted connection");
    }

    @Override
    public <T> SocketChannel setOption(SocketOption<T> name, T value) {
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) {
        throw new UnsupportedOperationException("getOption " + name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return Set.of();
    }

    @Override
    public java.net.Socket socket() {
        throw new UnsupportedOperationException("socket(): the server works on channels");
    }

    @Override
    public boolean isConnected() {
        return true;
    }

    @Override
    public boolean isConnectionPending() {
        return false;
    }

    @Override
    public boolean connect(SocketAddress remote) {
        throw new UnsupportedOperationException("connect: already connected");
    }

    @Override
    public boolean finishConnect() {
        return true;
    }

    @Override
    public SocketAddress getRemoteAddress() {
        return new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 40000);
    }

    @Override
    public SocketAddress getLocalAddress() {
        return new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 8000);
    }
}
