package com.foobar.jdbc.it.health;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 in front of one server that holds back every chunk the server sends to the
 * client for a fixed time (a slow network path or a slow server), and passes the client's bytes on at once.
 * Each chunk is released at its own due time, so the delay adds latency without limiting throughput.
 *
 * <p>Threads: one accepting, and three per connection (client to server, server to delay queue, delay
 * queue to client), all daemons. {@link #close()} closes every socket.
 */
final class DelayProxy implements AutoCloseable {

    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final int targetPort;
    private final long delayNanos;
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    DelayProxy(int targetPort, long delayMillis) throws IOException {
        this.targetPort = targetPort;
        this.delayNanos = TimeUnit.MILLISECONDS.toNanos(delayMillis);
        this.server = new ServerSocket();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        daemon("delay-proxy-accept-" + port(), this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    String hostAndPort() {
        return "127.0.0.1:" + port();
    }

    private static void daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            Socket upstream = new Socket();
            try {
                upstream.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort), 5000);
                client.setTcpNoDelay(true);
                upstream.setTcpNoDelay(true);
            } catch (IOException e) {
                closeQuietly(client);
                closeQuietly(upstream);
                continue;
            }
            sockets.add(client);
            sockets.add(upstream);
            String name = "delay-proxy-" + port() + "-" + client.getPort();
            daemon(name + "-up", () -> copy(client, upstream));
            DelayQueue<Chunk> queue = new DelayQueue<>();
            daemon(name + "-down-read", () -> readInto(upstream, client, queue));
            daemon(name + "-down-write", () -> writeFrom(queue, client, upstream));
        }
    }

    private void copy(Socket from, Socket to) {
        byte[] buf = new byte[16384];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side closed: close both
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void readInto(Socket from, Socket to, DelayQueue<Chunk> queue) {
        byte[] buf = new byte[16384];
        try {
            InputStream in = from.getInputStream();
            int n;
            while ((n = in.read(buf)) >= 0) {
                queue.put(new Chunk(Arrays.copyOf(buf, n), System.nanoTime() + delayNanos));
            }
        } catch (IOException e) {
            // closed
        } finally {
            queue.put(new Chunk(null, System.nanoTime() + delayNanos)); // end of stream, after the rest
        }
    }

    private void writeFrom(DelayQueue<Chunk> queue, Socket to, Socket from) {
        try {
            OutputStream out = to.getOutputStream();
            while (true) {
                Chunk c = queue.take();
                if (c.bytes == null) {
                    break;
                }
                out.write(c.bytes);
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // closed
        } finally {
            closeQuietly(to);
            closeQuietly(from);
        }
    }

    private void closeQuietly(Socket s) {
        sockets.remove(s);
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        for (Socket s : sockets) {
            closeQuietly(s);
        }
    }

    /** Bytes due at a time; FIFO among equal due times. */
    private static final class Chunk implements Delayed {
        final byte[] bytes;
        final long dueNanos;
        final long seq = SEQUENCE.incrementAndGet();

        Chunk(byte[] bytes, long dueNanos) {
            this.bytes = bytes;
            this.dueNanos = dueNanos;
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed o) {
            Chunk other = (Chunk) o;
            int c = Long.compare(dueNanos - other.dueNanos, 0);
            return c != 0 ? c : Long.compare(seq, other.seq);
        }
    }
}
