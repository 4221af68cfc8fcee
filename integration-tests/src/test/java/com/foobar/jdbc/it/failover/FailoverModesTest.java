package com.foobar.jdbc.it.failover;

import static com.foobar.jdbc.it.failover.FailoverSupport.ADMIN;
import static com.foobar.jdbc.it.failover.FailoverSupport.FAST_MONITOR;
import static com.foobar.jdbc.it.failover.FailoverSupport.INTERVAL_MS;
import static com.foobar.jdbc.it.failover.FailoverSupport.clusterOf;
import static com.foobar.jdbc.it.failover.FailoverSupport.dataSource;
import static com.foobar.jdbc.it.failover.FailoverSupport.describeServers;
import static com.foobar.jdbc.it.failover.FailoverSupport.driverPrimary;
import static com.foobar.jdbc.it.failover.FailoverSupport.epochOn;
import static com.foobar.jdbc.it.failover.FailoverSupport.host;
import static com.foobar.jdbc.it.failover.FailoverSupport.millisSince;
import static com.foobar.jdbc.it.failover.FailoverSupport.ms;
import static com.foobar.jdbc.it.failover.FailoverSupport.primaryServerId;
import static com.foobar.jdbc.it.failover.FailoverSupport.readOnly;
import static com.foobar.jdbc.it.failover.FailoverSupport.replicatesFrom;
import static com.foobar.jdbc.it.failover.FailoverSupport.stackTrace;
import static com.foobar.jdbc.it.failover.FailoverSupport.writable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.foobar.jdbc.FoobarDataSource;
import com.foobar.jdbc.it.failover.FailoverSupport.Logs;
import com.foobar.jdbc.pool.Cluster;
import com.foobar.testcluster.EmbeddedCluster;
import com.foobar.testcluster.EmbeddedServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * The modes that do not promote:
 * <ul>
 *   <li>{@code failover=follow}: the primary dies and an operator promotes a replica by hand (as the superuser:
 *       {@code STOP SLAVE; RESET SLAVE ALL; SET GLOBAL read_only=0}, then re-points the other replica); the
 *       driver promotes nothing itself, adopts the hand-promoted replica within two monitor intervals
 *       (measured), does not fence it, and writes go there;</li>
 *   <li>{@code failover=none}: the primary dies; statements that need it fail with 08001 at once (not after
 *       {@code failoverTimeoutMs}), reads go on on the replicas, nothing is promoted; once the primary is
 *       restarted writes succeed on it again.</li>
 * </ul>
 * Each test starts its own cluster. Facts come from the servers: read_only, replica status, rows, epoch.
 */
class FailoverModesTest {

    @Test
    void followAdoptsAReplicaPromotedByHandWithinTwoIntervals() throws Exception {
        try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(2).start(); Logs logs = new Logs()) {
            EmbeddedServer p = cluster.primary();
            EmbeddedServer r1 = cluster.replicas().get(0);
            EmbeddedServer r2 = cluster.replicas().get(1);
            p.execute("CREATE TABLE app.fw (id INT PRIMARY KEY)");
            cluster.awaitReplicationCaughtUp(Duration.ofSeconds(30));
            try (FoobarDataSource ds = dataSource(cluster, ADMIN + "&" + FAST_MONITOR + "&failover=follow",
                    cluster.appUser(), cluster.appPassword());
                 Connection conn = ds.getConnection()) {
                Cluster c = clusterOf(ds);
                insert(conn, "fw", 1);
                cluster.awaitReplicationCaughtUp(Duration.ofSeconds(30));

                p.kill9();
                await("the driver sees the primary down").atMost(Duration.ofSeconds(10)).pollInterval(ms(5))
                        .until(() -> c.topology().primaryDown());
                // The driver promotes nothing by itself.
                await("nothing promoted by the driver").during(ms(5 * INTERVAL_MS)).atMost(ms(5 * INTERVAL_MS + 5_000))
                        .pollInterval(ms(50)).until(() -> writable(cluster).isEmpty());

                // The operator promotes replica1 and re-points replica2.
                r1.execute("STOP SLAVE; RESET SLAVE ALL; SET GLOBAL read_only = 0");
                long writableAt = System.nanoTime();
                await("the driver adopts replica1").atMost(Duration.ofSeconds(10)).pollInterval(ms(2))
                        .until(() -> driverPrimary(c).equals(host(r1)));
                long adoptMs = millisSince(writableAt);
                r2.startReplicationFrom(r1, Duration.ofSeconds(30));
                System.out.println("[follow] replica promoted by hand adopted after " + adoptMs + " ms (monitor every "
                        + INTERVAL_MS + " ms)\n[follow] driver log:\n" + logs.describe());

                assertThat(adoptMs).as("ms from read_only=0 on replica1 to the driver's adoption")
                        .isLessThanOrEqualTo(2 * INTERVAL_MS);
                try (Connection other = ds.getConnection()) {
                    insert(other, "fw", 2);
                    assertThat(primaryServerId(other)).isEqualTo(r1.serverId());
                }
                // The connection that wrote on the old primary before the kill (it kept that primary connection):
                // its next statement was never sent to the old primary, so it runs on the new one.
                SoftAssertions soft = new SoftAssertions();
                Throwable keptError = null;
                try {
                    insert(conn, "fw", 3);
                } catch (SQLException e) {
                    keptError = e;
                }
                soft.assertThat(keptError).as("next write on the connection that last wrote on the old primary: %s",
                        keptError == null ? "" : stackTrace(keptError)).isNull();
                soft.assertThat(r1.queryString("SELECT GROUP_CONCAT(id ORDER BY id) FROM app.fw")).isEqualTo("1,2,3");
                // Not fenced, nothing of the driver's own on the servers.
                await("replica1 stays writable").during(ms(3 * INTERVAL_MS)).atMost(ms(3 * INTERVAL_MS + 5_000))
                        .pollInterval(ms(50)).until(() -> readOnly(r1) == 0);
                assertThat(writable(cluster)).as("writable servers" + describeServers(cluster)).containsExactly(r1);
                assertThat(replicatesFrom(r2, r1)).as("replica2 follows replica1" + describeServers(cluster)).isTrue();
                assertThat(epochOn(r1)).as("no epoch written in follow mode").isZero();
                assertThat(logs.containing("promoted to primary")).isEmpty();
                assertThat(logs.containing("fenced")).isEmpty();
                soft.assertAll();
            }
        }
    }

    @Test
    void noneFailsWritesAt08001AtOnceWhileReadsFlowAndRecoversWhenThePrimaryReturns() throws Exception {
        try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(2).start(); Logs logs = new Logs()) {
            EmbeddedServer p = cluster.primary();
            p.execute("CREATE TABLE app.nn (id INT PRIMARY KEY)");
            cluster.awaitReplicationCaughtUp(Duration.ofSeconds(30));
            // connectionAcquireTimeoutMs only bounds this test's time if a borrow waits for the dead primary.
            try (FoobarDataSource ds = dataSource(cluster, ADMIN + "&" + FAST_MONITOR
                            + "&failover=none&connectionAcquireTimeoutMs=10000", cluster.appUser(), cluster.appPassword());
                 Connection kept = ds.getConnection();
                 Connection fresh = ds.getConnection()) {
                Cluster c = clusterOf(ds);
                insert(kept, "nn", 1); // keeps its primary connection
                WriteReadLoad reads = new WriteReadLoad(ds, "nn", 0, 2, new AtomicLong());
                await("reads flowing").atMost(Duration.ofSeconds(10)).pollInterval(ms(20)).until(() -> reads.readCount() > 100);

                long killAt = System.nanoTime();
                p.kill9();
                List<String> attempts = new ArrayList<>();
                SoftAssertions soft = new SoftAssertions();
                AtomicInteger id = new AtomicInteger(100);
                // Right after the kill, before the driver's checks noticed: on the connection that kept its
                // primary connection, and on one that holds none.
                attempt(soft, attempts, "right after the kill, connection holding its primary connection", kept, id);
                attempt(soft, attempts, "right after the kill, connection holding none", fresh, id);
                await("the driver sees the primary down").atMost(Duration.ofSeconds(10)).pollInterval(ms(5))
                        .until(() -> c.topology().primaryDown());
                for (int i = 0; i < 3; i++) {
                    attempt(soft, attempts, "primary known down, attempt " + (i + 1), i % 2 == 0 ? kept : fresh, id);
                }
                long downFor = millisSince(killAt);
                // Nothing is promoted.
                await("nothing promoted").during(ms(5 * INTERVAL_MS)).atMost(ms(5 * INTERVAL_MS + 5_000))
                        .pollInterval(ms(50)).until(() -> writable(cluster).isEmpty());

                long restartAt = System.nanoTime();
                p.restart();
                await("writes succeed again").atMost(Duration.ofSeconds(20)).pollInterval(ms(50)).until(() -> {
                    try {
                        insert(kept, "nn", 2);
                        return true;
                    } catch (SQLException e) {
                        return false;
                    }
                });
                long backMs = millisSince(restartAt);
                insert(fresh, "nn", 3);
                reads.close();
                long readGap = reads.longestReadGapMs(killAt, System.nanoTime());
                System.out.println("[none] " + String.join("\n[none] ", attempts) + "\n[none] writes succeed " + backMs
                        + " ms after the restart began (down " + downFor + " ms); longest pause of reads " + readGap
                        + " ms; read errors " + WriteReadLoad.summary(reads.readFailures()) + "\n[none] driver log:\n"
                        + logs.describe());

                soft.assertThat(p.queryString("SELECT GROUP_CONCAT(id ORDER BY id) FROM app.nn")).as("rows on the primary")
                        .isEqualTo("1,2,3");
                soft.assertThat(primaryServerId(fresh)).isEqualTo(p.serverId());
                soft.assertThat(writable(cluster)).as("writable servers" + describeServers(cluster)).containsExactly(p);
                for (EmbeddedServer r : cluster.replicas()) {
                    soft.assertThat(epochOn(r)).as("epoch on " + r).isZero();
                }
                soft.assertThat(logs.containing("promoted to primary")).isEmpty();
                soft.assertThat(reads.readFailures()).as("read errors:\n" + WriteReadLoad.describe(reads.readFailures()))
                        .isEmpty();
                soft.assertThat(readGap).as("longest pause of reads while the primary was down, ms")
                        .isLessThanOrEqualTo(1_000);
                soft.assertAll();
            }
        }
    }

    /** One write that must fail at once with 08001. */
    private static void attempt(SoftAssertions soft, List<String> attempts, String what, Connection c, AtomicInteger id) {
        long t0 = System.nanoTime();
        Throwable error = null;
        try {
            insert(c, "nn", id.incrementAndGet());
        } catch (SQLException | RuntimeException e) {
            error = e;
        }
        long took = millisSince(t0);
        attempts.add(what + ": " + (error == null ? "succeeded?!" : error.getClass().getSimpleName() + "/"
                + ((error instanceof SQLException s) ? s.getSQLState() : null) + " after " + took + " ms: "
                + error.getMessage()));
        soft.assertThat(error).as("%s: a write fails", what).isInstanceOf(SQLException.class);
        if (error instanceof SQLException s) {
            soft.assertThat(s.getSQLState()).as("%s: SQLState of %s", what, stackTrace(s)).isEqualTo("08001");
        }
        soft.assertThat(took).as("%s: ms until the write failed (failoverTimeoutMs is 30000)", what)
                .isLessThanOrEqualTo(1_000);
    }

    private static void insert(Connection c, String table, int id) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO " + table + " VALUES (" + id + ")");
        }
    }
}
