package com.foobar.jdbc.it.failover;

import static com.foobar.jdbc.it.failover.FailoverSupport.ADMIN;
import static com.foobar.jdbc.it.failover.FailoverSupport.FAST_MONITOR;
import static com.foobar.jdbc.it.failover.FailoverSupport.INTERVAL_MS;
import static com.foobar.jdbc.it.failover.FailoverSupport.awaitServers;
import static com.foobar.jdbc.it.failover.FailoverSupport.clusterOf;
import static com.foobar.jdbc.it.failover.FailoverSupport.dataSource;
import static com.foobar.jdbc.it.failover.FailoverSupport.describe;
import static com.foobar.jdbc.it.failover.FailoverSupport.describeServers;
import static com.foobar.jdbc.it.failover.FailoverSupport.driverPrimary;
import static com.foobar.jdbc.it.failover.FailoverSupport.host;
import static com.foobar.jdbc.it.failover.FailoverSupport.millisSince;
import static com.foobar.jdbc.it.failover.FailoverSupport.ms;
import static com.foobar.jdbc.it.failover.FailoverSupport.primaryServerId;
import static com.foobar.jdbc.it.failover.FailoverSupport.readOnly;
import static com.foobar.jdbc.it.failover.FailoverSupport.replicatesFrom;
import static com.foobar.jdbc.it.failover.FailoverSupport.rows;
import static com.foobar.jdbc.it.failover.FailoverSupport.serverAt;
import static com.foobar.jdbc.it.failover.FailoverSupport.serverId;
import static com.foobar.jdbc.it.failover.FailoverSupport.stackTrace;
import static com.foobar.jdbc.it.failover.FailoverSupport.writable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.foobar.jdbc.FoobarDataSource;
import com.foobar.jdbc.it.failover.FailoverSupport.Logs;
import com.foobar.jdbc.pool.Cluster;
import com.foobar.testcluster.EmbeddedCluster;
import com.foobar.testcluster.EmbeddedServer;
import com.foobar.testcluster.UserStatistics;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The old primary comes back (restarted after a kill -9) after a replica was promoted:
 * <ol>
 *   <li>with {@code rejoinOldPrimary=false} (default) it is fenced ({@code read_only=1}), is not the primary nor
 *       a replica in the topology, and receives no statement;</li>
 *   <li>that fenced, stale old primary is never promoted, even when it is the only server left (it lacks
 *       everything written on the new primary);</li>
 *   <li>with {@code rejoinOldPrimary=true} and no divergence (every write reached the replicas before the
 *       kill) it becomes a replica of the new primary (its replica status names the new primary's port, both
 *       threads running) and later serves reads ({@code SELECT @@server_id} returns its id);</li>
 *   <li>with {@code rejoinOldPrimary=true} and a transaction only the old primary has, it stays fenced and the
 *       log says so.</li>
 * </ol>
 * One cluster serves tests 1 and 2 (in that order); tests 3 and 4 start their own. Facts come from the servers.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RejoinTest {

    private static final String USER = "rejoin_app";
    private static final String PASSWORD = "rejoin-secret";

    private static EmbeddedCluster clusterA;
    /** Cluster A after test 1's failover: the new primary (or null if it did not happen). */
    private static EmbeddedServer newPrimaryA;

    @AfterAll
    static void close() {
        if (clusterA != null) {
            clusterA.close();
        }
    }

    private static EmbeddedCluster start() {
        EmbeddedCluster c = EmbeddedCluster.builder().replicas(2).start();
        c.createUser(USER, PASSWORD, "GRANT ALL PRIVILEGES ON app.* TO {user}");
        c.primary().execute("CREATE TABLE app.rj (id INT PRIMARY KEY, note VARCHAR(40))");
        c.awaitReplicationCaughtUp(Duration.ofSeconds(30));
        return c;
    }

    @Test
    @Order(1)
    void oldPrimaryBackAfterPromotionIsFencedAndGetsNoStatement() throws Exception {
        clusterA = start();
        EmbeddedServer p = clusterA.primary();
        try (Logs logs = new Logs();
             FoobarDataSource ds = dataSource(clusterA, ADMIN + "&" + FAST_MONITOR, USER, PASSWORD);
             Connection conn = ds.getConnection()) {
            Cluster c = clusterOf(ds);
            insertRange(conn, 1, 20);
            clusterA.awaitReplicationCaughtUp(Duration.ofSeconds(30));

            EmbeddedServer newPrimary = killAndAwaitPromotion(p, c, clusterA);
            insertRange(ds, 21, 40); // written on the new primary only

            p.restart(); // comes back writable (its configuration says read_only=OFF)
            long upAt = System.nanoTime();
            await("old primary fenced").atMost(Duration.ofSeconds(15)).pollInterval(ms(10)).until(() -> readOnly(p) == 1);
            long fencedMs = millisSince(upAt);
            UserStatistics before = p.userStatistics(USER);
            long rowsBefore = rows(p, "rj");

            // Statements through the driver: writes and reads, on new and existing connections.
            insertRange(ds, 41, 60);
            try (Connection other = ds.getConnection(); Statement st = other.createStatement()) {
                for (int i = 0; i < 200; i++) {
                    assertThat(serverId(st)).as("a read answered by the old primary").isNotEqualTo(p.serverId());
                }
            }
            await("a few monitor intervals").during(ms(3 * INTERVAL_MS)).atMost(ms(3 * INTERVAL_MS + 5_000))
                    .pollInterval(ms(50)).until(() -> readOnly(p) == 1);
            UserStatistics delta = p.userStatistics(USER).minus(before);
            System.out.println("[rejoin] old primary restarted: read_only=1 " + fencedMs + " ms after it accepted connections; "
                    + "statements by " + USER + " on it since: " + delta.totalCommands() + "; topology: "
                    + describe(c.topology()) + "\n[rejoin] driver log:\n" + logs.describe());

            assertThat(delta.totalCommands()).as("statements by %s on the fenced old primary: %s", USER, delta).isZero();
            assertThat(delta.totalConnections()).as("connections by %s to the fenced old primary", USER).isZero();
            assertThat(rows(p, "rj")).as("rows on the old primary").isEqualTo(rowsBefore).isEqualTo(20);
            assertThat(p.replicaStatus()).as("the old primary does not replicate (rejoinOldPrimary=false)").isEmpty();
            assertThat(writable(clusterA)).as("writable servers" + describeServers(clusterA)).containsExactly(newPrimary);
            assertThat(c.topology().primary()).isEqualTo(host(newPrimary));
            assertThat(c.topology().replicas()).as(describe(c.topology())).doesNotContain(host(p));
            assertThat(c.topology().excluded()).as(describe(c.topology())).containsKey(host(p));
            assertThat(rows(newPrimary, "rj")).isEqualTo(60);
            assertThat(logs.containing("fenced " + host(p))).as("the log says it was fenced").isNotEmpty();
            newPrimaryA = newPrimary;
        }
    }

    @Test
    @Order(2)
    void fencedStaleOldPrimaryIsNeverPromoted() throws Exception {
        Assumptions.assumeTrue(newPrimaryA != null, "needs the state test 1 leaves: a fenced old primary");
        EmbeddedServer p = clusterA.primary();
        EmbeddedServer newPrimary = newPrimaryA;
        EmbeddedServer otherReplica = clusterA.replicas().stream().filter(r -> r != newPrimary).findFirst().orElseThrow();
        assertThat(readOnly(p)).isEqualTo(1);
        long failoverTimeoutMs = 2_000;
        try (Logs logs = new Logs();
             FoobarDataSource ds = dataSource(clusterA, ADMIN + "&" + FAST_MONITOR + "&failoverTimeoutMs=" + failoverTimeoutMs,
                     USER, PASSWORD);
             Connection conn = ds.getConnection()) {
            Cluster c = clusterOf(ds);
            assertThat(c.topology().primary()).as(describe(c.topology())).isEqualTo(host(newPrimary));
            // The old primary lacks rows 21-60, written on the new primary.
            assertThat(rows(p, "rj")).isEqualTo(20);

            otherReplica.kill9();
            newPrimary.kill9();
            await("the driver sees the primary down").atMost(Duration.ofSeconds(10)).pollInterval(ms(5))
                    .until(() -> c.topology().primaryDown());
            long t0 = System.nanoTime();
            Throwable error = catchThrowable(() -> insertRange(conn, 100, 100));
            long tookMs = millisSince(t0);
            // Give the driver many intervals to do something wrong.
            await("the stale old primary stays read-only").during(ms(10 * INTERVAL_MS)).atMost(ms(10 * INTERVAL_MS + 5_000))
                    .pollInterval(ms(20)).until(() -> readOnly(p) == 1);
            System.out.println("[rejoin] only the stale, fenced old primary left: write " + (error == null
                    ? "succeeded" : "failed after " + tookMs + " ms: " + error) + "; topology: " + describe(c.topology())
                    + "\n[rejoin] driver log:\n" + logs.describe());

            assertThat(logs.containing("promoted to primary")).as("promotions in the log").isEmpty();
            assertThat(logs.containing("candidate " + host(p))).as("the fenced old primary, which replicates from "
                    + "nobody, chosen as a promotion candidate").isEmpty();
            assertThat(readOnly(p)).isEqualTo(1);
            assertThat(error).as("the write while no primary is left").isInstanceOf(SQLException.class);
            assertThat(((SQLException) error).getSQLState()).as(stackTrace(error)).isEqualTo("08001");
            assertThat(rows(p, "rj")).isEqualTo(20);
        }
    }

    @Test
    @Order(3)
    void withRejoinOldPrimaryTheOldPrimaryReplicatesFromTheNewOneAndServesReads() throws Exception {
        try (EmbeddedCluster cluster = start();
             Logs logs = new Logs();
             FoobarDataSource ds = dataSource(cluster, ADMIN + "&" + FAST_MONITOR + "&rejoinOldPrimary=true", USER,
                     PASSWORD);
             Connection conn = ds.getConnection()) {
            EmbeddedServer p = cluster.primary();
            Cluster c = clusterOf(ds);
            insertRange(conn, 1, 20);
            cluster.awaitReplicationCaughtUp(Duration.ofSeconds(30)); // no divergence: everything reached the replicas

            EmbeddedServer newPrimary = killAndAwaitPromotion(p, c, cluster);
            EmbeddedServer otherReplica = cluster.replicas().stream().filter(r -> r != newPrimary).findFirst().orElseThrow();
            insertRange(ds, 21, 40);

            p.restart(); // comes back writable (its configuration says read_only=OFF)
            long upAt = System.nanoTime();
            boolean diverged = lastSeqFrom(p, p.serverId()) > lastSeqFrom(newPrimary, p.serverId());
            // A monitor heartbeat written on the old primary in the instant before the kill, not yet replicated,
            // would be a real divergence, in which case refusing to rejoin is right: this test is then moot.
            Assumptions.assumeFalse(diverged, "the old primary had a transaction the replicas lacked at the kill");
            try {
                awaitServers("old primary replicates from the new primary", cluster, Duration.ofSeconds(20),
                        () -> replicatesFrom(p, newPrimary));
            } finally {
                System.out.println("[rejoin] rejoinOldPrimary=true: driver log:\n" + logs.describe());
            }
            long rejoinedMs = millisSince(upAt);
            cluster.awaitReplicationCaughtUp(newPrimary, Duration.ofSeconds(30));
            assertThat(readOnly(p)).isEqualTo(1);
            assertThat(rows(p, "rj")).as("rows on the rejoined old primary").isEqualTo(40);

            // It serves reads.
            long readsFrom = System.nanoTime();
            try (Connection reader = ds.getConnection(); Statement st = reader.createStatement()) {
                await("a read answered by the rejoined old primary").atMost(Duration.ofSeconds(20)).pollInterval(ms(5))
                        .until(() -> serverId(st) == p.serverId());
            }
            long servesMs = millisSince(readsFrom);
            System.out.println("[rejoin] rejoinOldPrimary=true: replicating from the new primary " + rejoinedMs
                    + " ms after the restart; serving reads " + servesMs + " ms later; topology: " + describe(c.topology()));
            assertThat(c.topology().replicas()).contains(host(p), host(otherReplica));
            assertThat(writable(cluster)).as("writable servers" + describeServers(cluster)).containsExactly(newPrimary);
            assertThat(primaryServerId(conn)).isEqualTo(newPrimary.serverId());
            assertThat(logs.containing("rejoined as a replica")).isNotEmpty();
        }
    }

    @Test
    @Order(4)
    void withRejoinOldPrimaryADivergedOldPrimaryStaysFenced() throws Exception {
        try (EmbeddedCluster cluster = start();
             Logs logs = new Logs();
             FoobarDataSource ds = dataSource(cluster, ADMIN + "&" + FAST_MONITOR + "&rejoinOldPrimary=true", USER,
                     PASSWORD);
             Connection conn = ds.getConnection()) {
            EmbeddedServer p = cluster.primary();
            Cluster c = clusterOf(ds);
            insertRange(conn, 1, 20);
            cluster.awaitReplicationCaughtUp(Duration.ofSeconds(30));
            // The replicas stop receiving; the primary commits one transaction only it will have.
            for (EmbeddedServer r : cluster.replicas()) {
                r.execute("STOP SLAVE IO_THREAD");
            }
            p.execute("INSERT INTO app.rj VALUES (1000, 'only on the old primary')");
            EmbeddedServer newPrimary = killAndAwaitPromotion(p, c, cluster);
            insertRange(ds, 1001, 1010); // the new primary's history goes past the old one's sequence numbers

            p.restart(); // comes back writable
            await("old primary fenced").atMost(Duration.ofSeconds(15)).pollInterval(ms(10)).until(() -> readOnly(p) == 1);
            await("the driver has decided about the old primary").atMost(Duration.ofSeconds(15)).pollInterval(ms(20))
                    .until(() -> !logs.containing("fenced " + host(p)).isEmpty());
            await("a few monitor intervals").during(ms(5 * INTERVAL_MS)).atMost(ms(5 * INTERVAL_MS + 5_000))
                    .pollInterval(ms(50)).until(() -> readOnly(p) == 1);
            Map<String, String> status = p.replicaStatus();
            System.out.println("[rejoin] diverged old primary " + p + ": gtid_binlog_state "
                    + p.queryString("SELECT @@global.gtid_binlog_state") + " vs new primary's "
                    + newPrimary.queryString("SELECT @@global.gtid_binlog_state") + "; its replica status: "
                    + (status.isEmpty() ? "none" : "IO=" + status.get("Slave_IO_Running") + ", SQL="
                    + status.get("Slave_SQL_Running") + ", Last_IO_Error=" + status.get("Last_IO_Error"))
                    + "\n[rejoin] driver log:\n" + logs.describe());

            assertThat(p.queryLong("SELECT COUNT(*) FROM app.rj WHERE id = 1000")).isEqualTo(1);
            assertThat(newPrimary.queryLong("SELECT COUNT(*) FROM app.rj WHERE id = 1000")).isZero();
            assertThat(logs.containing("rejoined as a replica")).as("rejoin of a diverged old primary").isEmpty();
            assertThat(logs.containing("stays fenced")).as("the log says the diverged old primary stays fenced").isNotEmpty();
            assertThat(status).as("replica status of the diverged old primary").isEmpty();
            assertThat(readOnly(p)).isEqualTo(1);
        }
    }

    /** Kills the primary and waits until the driver promoted a replica; returns it (checked on the servers). */
    private static EmbeddedServer killAndAwaitPromotion(EmbeddedServer p, Cluster c, EmbeddedCluster cluster) {
        p.kill9();
        await("promotion").atMost(Duration.ofSeconds(30)).pollInterval(ms(10)).until(() -> !driverPrimary(c).equals(host(p)));
        EmbeddedServer newPrimary = serverAt(cluster, driverPrimary(c));
        assertThat(newPrimary).as(describe(c.topology())).isNotNull().isNotSameAs(p);
        assertThat(writable(cluster)).as("writable servers" + describeServers(cluster)).containsExactly(newPrimary);
        return newPrimary;
    }

    /** The last GTID sequence number of {@code serverId}'s transactions in the server's binary log state. */
    private static long lastSeqFrom(EmbeddedServer s, long serverId) {
        String state = s.queryString("SELECT @@global.gtid_binlog_state");
        Map<Long, Long> seqByServer = new TreeMap<>();
        if (state != null && !state.isBlank()) {
            for (String gtid : state.split(",")) {
                String[] parts = gtid.trim().split("-");
                seqByServer.merge(Long.parseLong(parts[1]), Long.parseLong(parts[2]), Math::max);
            }
        }
        return seqByServer.getOrDefault(serverId, 0L);
    }

    private static void insertRange(Connection c, int from, int to) throws SQLException {
        try (Statement st = c.createStatement()) {
            for (int i = from; i <= to; i++) {
                st.executeUpdate("INSERT INTO rj VALUES (" + i + ", 'row')");
            }
        }
    }

    private static void insertRange(FoobarDataSource ds, int from, int to) throws SQLException {
        try (Connection c = ds.getConnection()) {
            insertRange(c, from, to);
        }
    }
}
