package com.foobar.jdbc.it.failover;

import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.foobar.jdbc.FoobarDataSource;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.awaitility.core.ConditionTimeoutException;
import org.slf4j.LoggerFactory;

/**
 * Helpers of the failover integration tests: data sources, what each server says about itself (read_only,
 * server_id, replica status, row counts, epoch), the driver's topology (only to know when to look at the
 * servers, never as proof), and log capture.
 */
final class FailoverSupport {

    /** Short monitor intervals so the tests run fast. */
    static final long INTERVAL_MS = 200;
    static final long TIMEOUT_MS = 500;
    static final String FAST_MONITOR = "healthCheckIntervalMs=" + INTERVAL_MS + "&healthCheckTimeoutMs=" + TIMEOUT_MS;
    /** Monitor, fencing and promotion run as the fixture's admin user (ALL PRIVILEGES ON *.*). */
    static final String ADMIN = "adminUser=" + EmbeddedCluster.ADMIN_USER + "&adminPassword="
            + EmbeddedCluster.ADMIN_PASSWORD;

    private FailoverSupport() {
    }

    /** A data source on the cluster's URL with the given properties, as the given user. */
    static FoobarDataSource dataSource(EmbeddedCluster cluster, String query, String user, String password) {
        return dataSource(cluster.foobarUrl(query), user, password);
    }

    /** A data source on any URL as the given user. */
    static FoobarDataSource dataSource(String url, String user, String password) {
        FoobarDataSource ds = new FoobarDataSource();
        ds.setUrl(url);
        ds.setUser(user);
        ds.setPassword(password);
        return ds;
    }

    /** Starts the data source's cluster (topology discovery, monitor) and returns it. */
    static Cluster clusterOf(DataSource ds) throws SQLException {
        try (Connection c = ds.getConnection()) {
            return c.unwrap(FoobarConnection.class).cluster();
        }
    }

    static HostSpec host(EmbeddedServer server) {
        return new HostSpec("127.0.0.1", server.port());
    }

    /** The server of the cluster at that host, or {@code null}. */
    static EmbeddedServer serverAt(EmbeddedCluster cluster, HostSpec host) {
        return cluster.servers().stream().filter(s -> host(s).equals(host)).findFirst().orElse(null);
    }

    // ------------------------------------------------------------------------------------------------
    // Facts from the servers

    /** {@code @@global.read_only} of a running server, as the superuser. */
    static long readOnly(EmbeddedServer s) {
        return s.queryLong("SELECT @@global.read_only");
    }

    /** The running, non-suspended servers whose {@code read_only} is off. */
    static List<EmbeddedServer> writable(EmbeddedCluster cluster) {
        return cluster.servers().stream().filter(s -> s.isRunning() && !s.isSuspended())
                .filter(s -> readOnly(s) == 0).toList();
    }

    /** {@code SELECT COUNT(*) FROM app.<table>} on the server, as the superuser. */
    static long rows(EmbeddedServer s, String table) {
        return s.queryLong("SELECT COUNT(*) FROM app." + table);
    }

    /** The topology epoch the server holds, 0 for none (no promotion reached it: no table or no row). */
    static long epochOn(EmbeddedServer s) {
        long tables = s.queryLong("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'foobar_meta' "
                + "AND TABLE_NAME = 'topology_epoch'");
        if (tables == 0) {
            return 0;
        }
        String v = s.queryString("SELECT epoch FROM foobar_meta.topology_epoch WHERE id = 1");
        return v == null ? 0 : Long.parseLong(v);
    }

    /** Whether the server's replica status names {@code source}'s port with both threads running. */
    static boolean replicatesFrom(EmbeddedServer s, EmbeddedServer source) {
        Map<String, String> st = s.replicaStatus();
        return String.valueOf(source.port()).equals(st.get("Master_Port"))
                && "Yes".equals(st.get("Slave_IO_Running")) && "Yes".equals(st.get("Slave_SQL_Running"));
    }

    /** A short description of every server's state, for assertion messages. */
    static String describeServers(EmbeddedCluster cluster) {
        StringBuilder sb = new StringBuilder();
        for (EmbeddedServer s : cluster.servers()) {
            sb.append("\n  ").append(s).append(": ");
            if (!s.isRunning()) {
                sb.append("not running");
                continue;
            }
            if (s.isSuspended()) {
                sb.append("suspended");
                continue;
            }
            try {
                Map<String, String> st = s.replicaStatus();
                sb.append("read_only=").append(readOnly(s)).append(", gtid_binlog_pos=")
                        .append(s.queryString("SELECT @@global.gtid_binlog_pos"));
                if (st.isEmpty()) {
                    sb.append(", not a replica");
                } else {
                    sb.append(", Master_Port=").append(st.get("Master_Port")).append(", IO=")
                            .append(st.get("Slave_IO_Running")).append(", SQL=").append(st.get("Slave_SQL_Running"))
                            .append(", Last_IO_Error=").append(st.get("Last_IO_Error"))
                            .append(", Last_SQL_Error=").append(st.get("Last_SQL_Error"));
                }
            } catch (RuntimeException e) {
                sb.append("cannot be asked: ").append(e.getMessage());
            }
        }
        return sb.toString();
    }

    /**
     * Polls (every 20 ms) until the condition holds; on timeout fails with every server's state at that time.
     */
    static void awaitServers(String what, EmbeddedCluster cluster, Duration atMost, Callable<Boolean> condition) {
        try {
            await(what).atMost(atMost).pollInterval(ms(20)).until(condition);
        } catch (ConditionTimeoutException e) {
            throw new AssertionError(what + ": not within " + atMost.toMillis() + " ms." + describeServers(cluster), e);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Through the driver

    /** {@code SELECT @@server_id} with the primary hint, through the driver: where the driver sends writes now. */
    static long primaryServerId(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("/* foobar:primary */ SELECT @@server_id")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static long serverId(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT @@server_id")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The driver's current primary (only to know when to look at the servers). */
    static HostSpec driverPrimary(Cluster c) {
        return c.topology().primary();
    }

    static String describe(Topology t) {
        return "primary=" + t.primary() + (t.primaryDown() ? " (down)" : "") + ", replicas=" + t.replicas()
                + ", excluded=" + t.excluded();
    }

    // ------------------------------------------------------------------------------------------------

    static String sqlState(Throwable t) {
        return t instanceof SQLException s ? s.getSQLState() : null;
    }

    static String stackTrace(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        return w.toString();
    }

    static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    static Duration ms(long millis) {
        return Duration.ofMillis(millis);
    }

    // ------------------------------------------------------------------------------------------------

    /** Captures what the driver logs under {@code com.foobar} while open. */
    static final class Logs implements AutoCloseable {

        private final Logger logger = (Logger) LoggerFactory.getLogger("com.foobar");
        private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

        Logs() {
            appender.setName("it-failover-" + System.nanoTime());
            appender.start();
            logger.addAppender(appender);
        }

        List<ILoggingEvent> warnings() {
            synchronized (appender.list) {
                return appender.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).toList();
            }
        }

        List<ILoggingEvent> containing(String text) {
            synchronized (appender.list) {
                return appender.list.stream().filter(e -> e.getFormattedMessage().contains(text)).toList();
            }
        }

        String describe() {
            synchronized (appender.list) {
                return appender.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.INFO))
                        .map(e -> e.getLevel() + " [" + e.getThreadName() + "] " + e.getLoggerName() + ": "
                                + e.getFormattedMessage())
                        .collect(Collectors.joining("\n"));
            }
        }

        @Override
        public void close() {
            logger.detachAppender(appender);
            appender.stop();
        }
    }
}
