package com.foobar.jdbc.it.failover;

import com.foobar.jdbc.PrimaryChangedException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * Threads that each open ONE logical connection and, until {@link #close()} (or a hard limit of two
 * minutes), alternate an autocommit {@code INSERT} of a unique id into {@code app.<table>} and a read
 * ({@code SELECT @@server_id}). A write counts as acknowledged only when {@code executeUpdate} returned; a
 * failed write is not re-run (its id is never used again) and is recorded with its exception, and so is a
 * failed read. The logical connection is kept after an error (the driver promises it works on).
 *
 * <p>Optional reader threads only read ({@code SELECT @@server_id}) on their own logical connection, so that
 * a stall of reads shows (writers wait for the new primary between their reads).
 *
 * <p>The table must exist: {@code (id BIGINT PRIMARY KEY, thread INT NOT NULL)}.
 */
final class WriteReadLoad implements AutoCloseable {

    /** An acknowledged write: its id, when it was sent and when {@code executeUpdate} returned. */
    record Ack(long id, long sentNanos, long ackedNanos) {
    }

    /** An error that reached the application. */
    record Failure(long sentNanos, long atNanos, boolean write, long id, Throwable error) {
        String sqlState() {
            return FailoverSupport.sqlState(error);
        }

        String describe() {
            return (write ? "write id " + id : "read") + " after " + (atNanos - sentNanos) / 1_000_000 + " ms: "
                    + error.getClass().getName() + " (SQLState " + sqlState() + "): " + error.getMessage()
                    + "\n" + FailoverSupport.stackTrace(error);
        }
    }

    private static final long HARD_LIMIT_NANOS = TimeUnit.MINUTES.toNanos(2);

    private final String table;
    private final AtomicLong ids;
    private final ConcurrentLinkedQueue<Ack> acks = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<long[]> reads = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Long> readerReads = new ConcurrentLinkedQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private final long startedNanos = System.nanoTime();
    private volatile boolean stopped;

    /**
     * @param ds      the driver's data source
     * @param table   the table in {@code app}
     * @param count   number of threads
     * @param ids     the source of unique ids
     */
    WriteReadLoad(DataSource ds, String table, int count, AtomicLong ids) {
        this(ds, table, count, 0, ids);
    }

    /**
     * @param readers number of read-only threads besides the {@code count} writing and reading ones
     */
    WriteReadLoad(DataSource ds, String table, int count, int readers, AtomicLong ids) {
        this.table = table;
        this.ids = ids;
        for (int i = 0; i < count; i++) {
            int n = i;
            Thread t = new Thread(() -> run(ds, n), "it-write-read-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        for (int i = 0; i < readers; i++) {
            Thread t = new Thread(() -> read(ds), "it-read-" + i);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    private void read(DataSource ds) {
        while (go()) {
            long t0 = System.nanoTime();
            try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                while (go()) {
                    t0 = System.nanoTime();
                    long server = FailoverSupport.serverId(st);
                    long now = System.nanoTime();
                    reads.add(new long[] {now, server});
                    readerReads.add(now);
                }
            } catch (SQLException | RuntimeException e) {
                failures.add(new Failure(t0, System.nanoTime(), false, -1, e));
            }
        }
    }

    /**
     * @return the longest time, ms, between two consecutive reads of the reader threads (all readers together)
     *         within [fromNanos, toNanos], counting from fromNanos and to toNanos
     */
    long longestReadGapMs(long fromNanos, long toNanos) {
        List<Long> times = readerReads.stream().filter(t -> t - fromNanos >= 0 && t - toNanos <= 0).sorted().toList();
        long prev = fromNanos;
        long longest = 0;
        for (long t : times) {
            longest = Math.max(longest, t - prev);
            prev = t;
        }
        longest = Math.max(longest, toNanos - prev);
        return longest / 1_000_000;
    }

    private boolean go() {
        return !stopped && System.nanoTime() - startedNanos < HARD_LIMIT_NANOS;
    }

    private void run(DataSource ds, int thread) {
        Connection c = null;
        while (go() && c == null) {
            long t0 = System.nanoTime();
            try {
                c = ds.getConnection();
            } catch (SQLException | RuntimeException e) {
                failures.add(new Failure(t0, System.nanoTime(), false, -1, e));
            }
        }
        if (c == null) {
            return;
        }
        try (Connection conn = c; Statement st = conn.createStatement()) {
            while (go()) {
                long id = ids.incrementAndGet();
                long sent = System.nanoTime();
                try {
                    st.executeUpdate("INSERT INTO app." + table + " (id, thread) VALUES (" + id + ", " + thread + ")");
                    acks.add(new Ack(id, sent, System.nanoTime()));
                } catch (SQLException | RuntimeException e) {
                    failures.add(new Failure(sent, System.nanoTime(), true, id, e));
                }
                if (!go()) {
                    break;
                }
                sent = System.nanoTime();
                try {
                    long server = FailoverSupport.serverId(st);
                    reads.add(new long[] {System.nanoTime(), server});
                } catch (SQLException | RuntimeException e) {
                    failures.add(new Failure(sent, System.nanoTime(), false, -1, e));
                }
            }
        } catch (SQLException | RuntimeException e) {
            failures.add(new Failure(System.nanoTime(), System.nanoTime(), false, -1, e));
        }
    }

    List<Ack> acks() {
        return List.copyOf(acks);
    }

    List<Failure> writeFailures() {
        return failures.stream().filter(Failure::write).toList();
    }

    List<Failure> readFailures() {
        return failures.stream().filter(f -> !f.write()).toList();
    }

    /** Write failures that are not {@link PrimaryChangedException} (08S02). */
    List<Failure> unexpectedWriteFailures() {
        return writeFailures().stream()
                .filter(f -> !(f.error() instanceof PrimaryChangedException) || !"08S02".equals(f.sqlState())).toList();
    }

    /** Acknowledged writes sent at or after {@code fromNanos}. */
    List<Ack> acksSentAfter(long fromNanos) {
        return acks.stream().filter(a -> a.sentNanos() - fromNanos >= 0).toList();
    }

    /** Reads completed at or after {@code fromNanos}, server_id to count. */
    Map<Long, Long> readsByServer(long fromNanos) {
        Map<Long, Long> m = new TreeMap<>();
        for (long[] r : reads) {
            if (r[0] - fromNanos >= 0) {
                m.merge(r[1], 1L, Long::sum);
            }
        }
        return m;
    }

    long readCount() {
        return reads.size();
    }

    static String describe(List<Failure> failures) {
        return failures.stream().limit(20).map(Failure::describe).collect(Collectors.joining("\n----\n"))
                + (failures.size() > 20 ? "\n... and " + (failures.size() - 20) + " more" : "");
    }

    /** Failures grouped by class and SQLState, e.g. {@code PrimaryChangedException/08S02=8}. */
    static Map<String, Long> summary(List<Failure> failures) {
        return failures.stream().collect(Collectors.groupingBy(
                f -> f.error().getClass().getSimpleName() + "/" + f.sqlState(), TreeMap::new, Collectors.counting()));
    }

    /** Stops the threads and waits (at most 60 s) until each has ended. */
    @Override
    public void close() {
        stopped = true;
        try {
            for (Thread t : threads) {
                t.join(60_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether every thread ended. */
    boolean ended() {
        return threads.stream().noneMatch(Thread::isAlive);
    }

    String table() {
        return table;
    }
}
