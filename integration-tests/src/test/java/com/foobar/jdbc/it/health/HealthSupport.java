package com.foobar.jdbc.it.health;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.foobar.jdbc.FoobarDataSource;
import com.foobar.jdbc.health.ClusterEvent;
import com.foobar.jdbc.health.ClusterListener;
import com.foobar.jdbc.jdbc.FoobarConnection;
import com.foobar.jdbc.pool.Cluster;
import com.foobar.jdbc.topology.HostSpec;
import com.foobar.jdbc.topology.Topology;
import com.foobar.testcluster.EmbeddedCluster;
import com.foobar.testcluster.EmbeddedServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;

/**
 * Helpers of the health-check integration tests: data sources on a cluster, the cluster's state and events
 * as the driver publishes them, a bounded read load that records which server ({@code @@server_id}) answered
 * each read, a paced writer, and log capture.
 */
final class HealthSupport {

    /** Short monitor intervals so the tests run fast. */
    static final long INTERVAL_MS = 200;
    static final long TIMEOUT_MS = 500;
    static final String FAST_MONITOR = "healthCheckIntervalMs=" + INTERVAL_MS + "&healthCheckTimeoutMs=" + TIMEOUT_MS;
    /** The monitor runs as the admin user: heartbeat and SHOW SLAVE STATUS are allowed. */
    static final String ADMIN = "adminUser=" + EmbeddedCluster.ADMIN_USER + "&adminPassword=" + EmbeddedCluster.ADMIN_PASSWORD;

    private HealthSupport() {
    }

    /** A data source on the cluster as the application user, with the given URL properties. */
    static FoobarDataSource dataSource(EmbeddedCluster cluster, String query) {
        return dataSource(cluster.foobarUrl(query), cluster);
    }

    /** A data source on any URL as the cluster's application user. */
    static FoobarDataSource dataSource(String url, EmbeddedCluster cluster) {
        FoobarDataSource ds = new FoobarDataSource();
        ds.setUrl(url);
        ds.setUser(cluster.appUser());
        ds.setPassword(cluster.appPassword());
        return ds;
    }

    /** Starts the data source's cluster (topology discovery, monitor) and returns it. */
    static Cluster clusterOf(FoobarDataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            return c.unwrap(FoobarConnection.class).cluster();
        }
    }

    static HostSpec host(EmbeddedServer server) {
        return new HostSpec("127.0.0.1", server.port());
    }

    static long serverId(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT @@server_id")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Runs {@code n} reads of {@code SELECT @@server_id} on the connection; returns server_id to count. */
    static Map<Long, Integer> reads(Connection c, int n) throws SQLException {
        Map<Long, Integer> counts = new LinkedHashMap<>();
        try (Statement st = c.createStatement()) {
            for (int i = 0; i < n; i++) {
                counts.merge(serverId(st), 1, Integer::sum);
            }
        }
        return counts;
    }

    static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    // ------------------------------------------------------------------------------------------------

    /** A {@link ClusterListener} that keeps every event with the time and thread it arrived on. */
    static final class Events implements ClusterListener {

        record Received(long atNanos, String thread, ClusterEvent event) {
            ClusterEvent.Type type() {
                return event.type();
            }

            HostSpec host() {
                return event.host();
            }
        }

        private final List<Received> events = new CopyOnWriteArrayList<>();

        @Override
        public void onEvent(ClusterEvent event) {
            events.add(new Received(System.nanoTime(), Thread.currentThread().getName(), event));
        }

        List<Received> all() {
            return List.copyOf(events);
        }

        List<Received> of(ClusterEvent.Type type, HostSpec host) {
            return events.stream().filter(e -> e.type() == type && (host == null || host.equals(e.host()))).toList();
        }

        /** The first such event received at or after {@code sinceNanos}. */
        Optional<Received> first(ClusterEvent.Type type, HostSpec host, long sinceNanos) {
            return of(type, host).stream().filter(e -> e.atNanos() - sinceNanos >= 0).findFirst();
        }

        @Override
        public String toString() {
            return events.stream().map(e -> e.type() + " " + e.host() + " (" + e.event().reason() + ") on " + e.thread())
                    .collect(Collectors.joining("; ", "[", "]"));
        }
    }

    // ------------------------------------------------------------------------------------------------

    /**
     * Threads that each open their own logical connection and run {@code SELECT @@server_id} in a loop until
     * {@link #close()} (or a hard limit of two minutes), recording when each read completed, which server
     * answered and how long it took, and every exception that reached the application.
     */
    static final class ReadLoad implements AutoCloseable {

        record Read(long atNanos, long serverId, long tookNanos) {
        }

        record Failure(long atNanos, Throwable error) {
            String describe() {
                String state = error instanceof SQLException s ? s.getSQLState() : null;
                return error.getClass().getName() + " (SQLState " + state + "): " + error.getMessage() + "\n"
                        + stackTrace(error);
            }
        }

        private static final long HARD_LIMIT_NANOS = TimeUnit.MINUTES.toNanos(2);

        private final ConcurrentLinkedQueue<Read> reads = new ConcurrentLinkedQueue<>();
        private final ConcurrentLinkedQueue<Failure> failures = new ConcurrentLinkedQueue<>();
        private final List<Thread> threads = new ArrayList<>();
        private final long startedNanos = System.nanoTime();
        private volatile boolean stopped;

        ReadLoad(DataSource ds, int threadCount) {
            for (int i = 0; i < threadCount; i++) {
                Thread t = new Thread(() -> run(ds), "it-read-load-" + i);
                t.setDaemon(true);
                threads.add(t);
            }
            threads.forEach(Thread::start);
        }

        private void run(DataSource ds) {
            while (!stopped && System.nanoTime() - startedNanos < HARD_LIMIT_NANOS) {
                try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
                    while (!stopped && System.nanoTime() - startedNanos < HARD_LIMIT_NANOS) {
                        long t0 = System.nanoTime();
                        long id = serverId(st);
                        long t1 = System.nanoTime();
                        reads.add(new Read(t1, id, t1 - t0));
                    }
                } catch (SQLException | RuntimeException e) {
                    failures.add(new Failure(System.nanoTime(), e));
                }
            }
        }

        List<Read> reads() {
            return List.copyOf(reads);
        }

        List<Failure> failures() {
            return List.copyOf(failures);
        }

        /** Reads completed in [fromNanos, toNanos). */
        List<Read> between(long fromNanos, long toNanos) {
            return reads.stream().filter(r -> r.atNanos() - fromNanos >= 0 && r.atNanos() - toNanos < 0).toList();
        }

        /** server_id to reads completed in [fromNanos, toNanos). */
        Map<Long, Long> byServer(long fromNanos, long toNanos) {
            Map<Long, Long> m = new LinkedHashMap<>();
            for (Read r : between(fromNanos, toNanos)) {
                m.merge(r.serverId(), 1L, Long::sum);
            }
            return m;
        }

        long count(long serverId, long fromNanos) {
            return reads.stream().filter(r -> r.serverId() == serverId && r.atNanos() - fromNanos >= 0).count();
        }

        String describeFailures() {
            return failures.stream().map(Failure::describe).collect(Collectors.joining("\n----\n"));
        }

        @Override
        public void close() {
            stopped = true;
            try {
                for (Thread t : threads) {
                    t.join(30_000);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------

    /** Inserts a row through the driver (so on the primary) every {@code periodMs}, on a scheduler thread. */
    static final class Writer implements AutoCloseable {

        private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "it-writer");
            t.setDaemon(true);
            return t;
        });
        private final Connection connection;
        private final AtomicLong inserted = new AtomicLong();
        private final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();

        Writer(DataSource ds, String table, long periodMs) throws SQLException {
            connection = ds.getConnection();
            scheduler.scheduleAtFixedRate(() -> {
                try (Statement st = connection.createStatement()) {
                    st.executeUpdate("INSERT INTO " + table + " (v) VALUES (" + inserted.get() + ")");
                    inserted.incrementAndGet();
                } catch (SQLException | RuntimeException e) {
                    failures.add(e);
                }
            }, 0, periodMs, TimeUnit.MILLISECONDS);
        }

        long inserted() {
            return inserted.get();
        }

        List<Throwable> failures() {
            return List.copyOf(failures);
        }

        @Override
        public void close() throws SQLException {
            scheduler.shutdown();
            try {
                scheduler.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            connection.close();
        }
    }

    // ------------------------------------------------------------------------------------------------

    /** Captures what the driver logs under {@code com.foobar} while open. */
    static final class Logs implements AutoCloseable {

        private final Logger logger = (Logger) LoggerFactory.getLogger("com.foobar");
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        Logs() {
            appender.setName("it-health-" + System.nanoTime());
            appender.start();
            logger.addAppender(appender);
        }

        List<ILoggingEvent> all() {
            synchronized (appender.list) {
                return List.copyOf(appender.list);
            }
        }

        List<ILoggingEvent> warnings() {
            synchronized (appender.list) {
                return appender.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).toList();
            }
        }

        List<ILoggingEvent> warningsContaining(String text) {
            return warnings().stream().filter(e -> e.getFormattedMessage().contains(text)).toList();
        }

        static String describe(List<ILoggingEvent> events) {
            return events.stream().map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage())
                    .collect(Collectors.joining("\n"));
        }

        @Override
        public void close() {
            logger.detachAppender(appender);
            appender.stop();
        }
    }

    /** The replicas of the topology, for messages. */
    static String describe(Topology t) {
        return "replicas=" + t.replicas() + ", excluded=" + t.excluded() + ", lagMs=" + t.lagMs();
    }

    static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }
}
