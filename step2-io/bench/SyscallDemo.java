import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Two small experiments for docs/02-io.md, meant to run under strace. Single-file program, JDK only:
 *
 * <pre>
 * strace -f -e trace=read,write,poll,fcntl -o /tmp/demo.strace \
 *     ./java21 step2-io/bench/SyscallDemo.java blocking-read
 * strace -f -e trace=write,poll,fcntl -o /tmp/demo.strace \
 *     ./java21 step2-io/bench/SyscallDemo.java partial-write
 * </pre>
 *
 * <ul>
 *   <li>{@code blocking-read}: a read() without SO_TIMEOUT on a client that answers after one
 *       second: the fd stays blocking and the thread sleeps inside read() itself.</li>
 *   <li>{@code partial-write}: after a timed read() (which makes the fd non-blocking, as in the
 *       step-2 server), 8 MiB written in one OutputStream.write() to a peer that reads only
 *       after one second: the kernel takes what fits in the socket buffers, write() returns
 *       less than asked, and the JDK waits in poll(POLLOUT) and writes the rest.</li>
 * </ul>
 */
public class SyscallDemo {
    public static void main(String[] args) throws Exception {
        String experiment = args.length == 0 ? "blocking-read" : args[0];
        try (ServerSocket listening = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread peer = Thread.ofPlatform().start(() -> peer(listening.getLocalPort(), experiment));
            try (Socket connection = listening.accept()) {
                if (experiment.equals("partial-write")) {
                    // As the step-2 server does: a timed read() first, which switches the fd to O_NONBLOCK.
                    connection.setSoTimeout(5_000);
                    connection.getInputStream().read();
                    OutputStream out = connection.getOutputStream();
                    out.write(new byte[8 * 1024 * 1024]);
                    System.out.println("wrote 8 MiB");
                } else {
                    InputStream in = connection.getInputStream(); // no setSoTimeout: the fd stays blocking
                    byte[] buffer = new byte[1024];
                    int count = in.read(buffer);
                    System.out.println("read " + count + " bytes");
                }
            }
            peer.join();
        }
    }

    private static void peer(int port, String experiment) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            if (experiment.equals("partial-write")) {
                socket.getOutputStream().write('x'); // something for the timed read() to return
                Thread.sleep(1_000);
                InputStream in = socket.getInputStream();
                byte[] buffer = new byte[64 * 1024];
                long total = 0;
                int count;
                while ((count = in.read(buffer)) != -1) {
                    total += count;
                }
                System.out.println("peer read " + total + " bytes");
            } else {
                Thread.sleep(1_000);
                socket.getOutputStream().write("hello\r\n".getBytes());
            }
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
