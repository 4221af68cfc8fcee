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
import static com.foobar.jdbc.it.failover.FailoverSupport.readOnly;
import static com.foobar.jdbc.it.failover.FailoverSupport.replicatesFrom;
import static com.foobar.jdbc.it.failover.FailoverSupport.rows;
import static com.foobar.jdbc.it.failover.FailoverSupport.serverAt;
import static com.foobar.jdbc.it.failover.FailoverSupport.writable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.foobar.jdbc.FoobarDataSource;
import com.foobar.jdbc.it.failover.FailoverSupport.Logs;
import com.foobar.jdbc.pool.Cluster;
import com.foobar.testcluster.EmbeddedCluster;
import com.foobar.testcluster.EmbeddedServer;
import com.foobar.testcluster.UserStatistics;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The primary hangs (SIGSTOP) under load until the driver has promoted a replica, then resumes (SIGCONT):
 * the old primary is fenced ({@code @@global.read_only=1}) within a few monitor intervals, and no statement
 * sent after the promotion reaches it.
 *
 * <p>The replicas run with {@code --slave-net-timeout=2}: a hung primary keeps its replication connections
 * open, so replicas notice it only after {@code slave_net_timeout} (MariaDB's default is 60 s), and until they
 * do the driver's cross-check ("a replica still receives from the primary") rightly refuses to promote. That
 * setting bounds how fast a hang is failed over.
 *
 * <p>"No statement after the promotion" is proven by the old primary itself, once it runs again: its
 * {@code USER_STATISTICS} row for the test's own application user and its global {@code Com_insert},
 * {@code Com_update}, {@code Com_delete} counters do not move while more writes and reads go through the
 * driver, its row count does not grow, and none of the rows written after the promotion is on it. (Statements
 * that were already sent to it when it froze are executed when it resumes, before the fence: those writes had
 * failed with 08S02, "may or may not have run"; the test checks that every row only the old primary has is one
 * of them.)
 */
class HangPrimaryTest {

    private static final String USER = "hang_app";
    private static final String PASSWORD = "hang-secret";
    private static final long MARK_AFTER_PROMOTION = 1_000_000;
    private static final long MARK_AFTER_FENCE = 2_000_000;
    /** From SIGCONT to read_only=1 on the old primary, at most. */
    private static final long MAX_FENCE_MS = 10 * INTERVAL_MS;
    /** The longest pause of reads during the failover, at most (reads go to the replicas, which run). */
    private static final long MAX_READ_GAP_MS = 1_000;

    @Test
    void hungPrimaryIsReplacedThenFencedAndGetsNoStatementAfterThePromotion() throws Exception {
        try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(2).serverArg("--slave-net-timeout=2").start();
             Logs logs = new Logs()) {
            EmbeddedServer p = cluster.primary();
            cluster.createUser(USER, PASSWORD, "GRANT ALL PRIVILEGES ON app.* TO {user}");
            p.execute("CREATE TABLE app.hp (id BIGINT PRIMARY KEY, thread INT NOT NULL)");
            cluster.awaitReplicationCaughtUp(Duration.ofSeconds(30));
            assertThat(p.queryLong("SELECT @@global.slave_net_timeout")).isEqualTo(2);

            try (FoobarDataSource ds = dataSource(cluster, ADMIN + "&" + FAST_MONITOR, USER, PASSWORD);
                 Connection marker = ds.getConnection()) {
                Cluster c = clusterOf(ds);
                AtomicLong ids = new AtomicLong();
                WriteReadLoad load = new WriteReadLoad(ds, "hp", 4, 2, ids);
                EmbeddedServer newPrimary;
                long stopAt;
                long promotedAt;
                long contAt;
                long fencedAt;
                UserStatistics before;
                Map<String, Long> comBefore;
                long rowsBefore;
                try {
                    long start = System.nanoTime();
                    await("load running").atMost(Duration.ofSeconds(30)).pollInterval(ms(20))
                            .until(() -> millisSince(start) >= 2_000 && load.acks().size() >= 50);

                    stopAt = System.nanoTime();
                    p.sigstop();
                    await("promotion seen by the driver (poll its topology)").atMost(Duration.ofSeconds(40))
                            .pollInterval(ms(10)).until(() -> !driverPrimary(c).equals(host(p)));
                    promotedAt = System.nanoTime();
                    newPrimary = serverAt(cluster, driverPrimary(c));
                    assertThat(newPrimary).as(describe(c.topology())).isIn(cluster.replicas());

                    // Writes after the promotion, while the old primary is still frozen.
                    insertMarks(marker, MARK_AFTER_PROMOTION, 20);

                    contAt = System.nanoTime();
                    p.sigcont();
                    await("old primary fenced (read_only=1 on it)").atMost(Duration.ofSeconds(20)).pollInterval(ms(10))
                            .until(() -> readOnly(p) == 1);
                    fencedAt = System.nanoTime();

                    before = p.userStatistics(USER);
                    comBefore = writeCounters(p);
                    rowsBefore = rows(p, "hp");
                    // More writes and reads through the driver.
                    long more = System.nanoTime();
                    insertMarks(marker, MARK_AFTER_FENCE, 20);
                    long acksBefore = load.acks().size();
                    await("more load").atMost(Duration.ofSeconds(30)).pollInterval(ms(20))
                            .until(() -> millisSince(more) >= 2_000 && load.acks().size() >= acksBefore + 50);
                } finally {
                    load.close();
                }
                UserStatistics delta = p.userStatistics(USER).minus(before);
                Map<String, Long> comDelta = minus(writeCounters(p), comBefore);
                long rowsAfter = rows(p, "hp");
                EmbeddedServer other = cluster.replicas().stream().filter(r -> r != newPrimary).findFirst().orElseThrow();
                long readGap = load.longestReadGapMs(stopAt, promotedAt + 1_000_000_000L);

                System.out.printf("[hang] SIGSTOP of %s: promotion seen after %d ms; SIGCONT -> read_only=1 in %d ms; "
                                + "longest pause of reads %d ms; writes failed %s; read errors %s; after the fence: "
                                + "%s statements by %s and %s on the old primary%n",
                        p, (promotedAt - stopAt) / 1_000_000, (fencedAt - contAt) / 1_000_000, readGap,
                        WriteReadLoad.summary(load.writeFailures()), WriteReadLoad.summary(load.readFailures()),
                        delta.totalCommands(), USER, comDelta);
                System.out.println("[hang] driver log:\n" + logs.describe());

                // Old primary: fenced in time, not in the topology, nothing new on it.
                assertThat((fencedAt - contAt) / 1_000_000).as("ms from SIGCONT to read_only=1").isLessThanOrEqualTo(MAX_FENCE_MS);
                assertThat(writable(cluster)).as("writable servers" + describeServers(cluster)).containsExactly(newPrimary);
                assertThat(c.topology().primary()).isEqualTo(host(newPrimary));
                assertThat(c.topology().replicas()).as(describe(c.topology())).doesNotContain(host(p));
                assertThat(delta.totalCommands()).as("statements by %s on the old primary after the fence: %s", USER, delta)
                        .isZero();
                assertThat(delta.totalConnections()).as("connections by %s to the old primary after the fence", USER).isZero();
                assertThat(comDelta).as("Com_* counters of the old primary after the fence").allSatisfy((k, v) -> assertThat(v).isZero());
                assertThat(rowsAfter).as("rows on the old primary").isEqualTo(rowsBefore);
                assertThat(p.queryLong("SELECT COUNT(*) FROM app.hp WHERE id >= " + MARK_AFTER_PROMOTION))
                        .as("rows written after the promotion on the old primary").isZero();
                assertThat(newPrimary.queryLong("SELECT COUNT(*) FROM app.hp WHERE id >= " + MARK_AFTER_PROMOTION))
                        .as("rows written after the promotion on the new primary").isEqualTo(40);
                assertThat(logs.containing("fenced " + host(p))).as("the log says the old primary was fenced").isNotEmpty();

                // Rows only the old primary has: writes that were in flight when it froze (they failed with 08S02).
                Set<Long> onNew = ids(newPrimary);
                Set<Long> onlyOld = ids(p).stream().filter(id -> !onNew.contains(id)).collect(Collectors.toSet());
                Set<Long> failedIds = load.writeFailures().stream().map(WriteReadLoad.Failure::id).collect(Collectors.toSet());
                System.out.println("[hang] rows only on the old primary (executed when it resumed): " + onlyOld.size());
                assertThat(failedIds).as("rows only the old primary has are writes that failed").containsAll(onlyOld);
                Set<Long> acked = load.acks().stream().map(WriteReadLoad.Ack::id).collect(Collectors.toSet());
                assertThat(onNew).as("acknowledged writes on the new primary").containsAll(acked);

                // Application: no read error nor pause, writes fail only with 08S02, the other replica follows.
                assertThat(load.readFailures()).as("read errors:\n" + WriteReadLoad.describe(load.readFailures())).isEmpty();
                assertThat(readGap).as("longest pause of the reader threads' reads from SIGSTOP to 1 s after the "
                        + "promotion, ms").isLessThanOrEqualTo(MAX_READ_GAP_MS);
                assertThat(load.unexpectedWriteFailures()).as("write errors other than 08S02:\n"
                        + WriteReadLoad.describe(load.unexpectedWriteFailures())).isEmpty();
                awaitServers("the other replica follows the new primary", cluster, Duration.ofSeconds(15),
                        () -> replicatesFrom(other, newPrimary));
            }
        }
    }

    private static void insertMarks(Connection c, long from, int n) throws Exception {
        try (Statement st = c.createStatement()) {
            for (int i = 0; i < n; i++) {
                st.executeUpdate("INSERT INTO hp (id, thread) VALUES (" + (from + i) + ", -1)");
            }
        }
    }

    private static Map<String, Long> writeCounters(EmbeddedServer s) {
        Map<String, Long> m = new TreeMap<>();
        for (String name : List.of("Com_insert", "Com_update", "Com_delete", "Com_replace")) {
            m.put(name, s.statusCounter(name));
        }
        return m;
    }

    private static Map<String, Long> minus(Map<String, Long> a, Map<String, Long> b) {
        Map<String, Long> m = new TreeMap<>();
        a.forEach((k, v) -> m.put(k, v - b.getOrDefault(k, 0L)));
        return m;
    }

    private static Set<Long> ids(EmbeddedServer s) throws Exception {
        Set<Long> ids = new HashSet<>();
        try (Connection c = s.adminConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM app.hp")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }
}
