package com.foobar.jdbc.it.health;

import static com.foobar.jdbc.it.health.HealthSupport.ADMIN;
import static com.foobar.jdbc.it.health.HealthSupport.FAST_MONITOR;
import static com.foobar.jdbc.it.health.HealthSupport.INTERVAL_MS;
import static com.foobar.jdbc.it.health.HealthSupport.clusterOf;
import static com.foobar.jdbc.it.health.HealthSupport.dataSource;
import static com.foobar.jdbc.it.health.HealthSupport.describe;
import static com.foobar.jdbc.it.health.HealthSupport.host;
import static com.foobar.jdbc.it.health.HealthSupport.millisSince;
import static com.foobar.jdbc.it.health.HealthSupport.ms;
import static com.foobar.jdbc.it.health.HealthSupport.reads;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.foobar.jdbc.FoobarDataSource;
import com.foobar.jdbc.health.ClusterEvent;
import com.foobar.jdbc.it.health.HealthSupport.Events;
import com.foobar.jdbc.it.health.HealthSupport.Logs;
import com.foobar.jdbc.it.health.HealthSupport.Writer;
import com.foobar.jdbc.pool.Cluster;
import com.foobar.jdbc.topology.HostSpec;
import com.foobar.jdbc.topology.Topology;
import com.foobar.testcluster.EmbeddedCluster;
import com.foobar.testcluster.EmbeddedServer;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Replicas leave the read rotation when their replication stops or lags more than
 * {@code maxReplicationLagMs}, and return when it catches up; the lag the monitor reports agrees with a lag
 * made on purpose; a least-privileged monitor user still routes, with one WARN about missing grants.
 *
 * <p>Own cluster (replication is stopped and delayed), restored after each test. Where reads ran is read
 * from the servers ({@code SELECT @@server_id}).
 */
class LagExclusionTest {

    private static final long MAX_LAG_MS = 1000;
    private static final String TABLE = "lag_writes";

    private static EmbeddedCluster cluster;
    private static EmbeddedServer r1;
    private static EmbeddedServer r2;

    @BeforeAll
    static void startCluster() {
        cluster = EmbeddedCluster.builder().replicas(2).database("app").start();
        r1 = cluster.replicas().get(0);
        r2 = cluster.replicas().get(1);
        cluster.primary().execute("CREATE TABLE app." + TABLE + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, v BIGINT, "
                + "at TIMESTAMP(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6))");
        cluster.awaitReplicationCaughtUp(Duration.ofSeconds(30));
    }

    @AfterAll
    static void closeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void restoreReplication() {
        for (EmbeddedServer r : cluster.replicas()) {
            if (!"0".equals(r.replicaStatus().get("SQL_Delay"))) {
                r.execute("STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=0; START SLAVE");
            } else if (!r.isReplicaRunning()) {
                r.execute("START SLAVE");
            }
            r.awaitReplicaRunning(Duration.ofSeconds(30));
        }
        cluster.awaitReplicationCaughtUp(Duration.ofSeconds(30));
    }

    private static String url(String more) {
        return ADMIN + "&" + FAST_MONITOR + "&maxReplicationLagMs=" + MAX_LAG_MS + (more.isEmpty() ? "" : "&" + more);
    }

    /** Waits until both replicas are eligible and their lag is known (the heartbeat works). */
    private static void awaitHealthy(Cluster c) {
        await("both replicas eligible with a known lag").atMost(Duration.ofSeconds(15)).pollInterval(ms(20))
                .until(() -> {
                    Topology t = c.topology();
                    return t.replicas().containsAll(List.of(host(r1), host(r2)))
                            && t.lagMs().containsKey(host(r1)) && t.lagMs().containsKey(host(r2));
                });
    }

    // ------------------------------------------------------------------------------------------------

    @Test
    void replicaWithStoppedSqlThreadLeavesTheRotationAtOnceAndReturns() throws Exception {
        Events events = new Events();
        try (Logs logs = new Logs(); FoobarDataSource ds = dataSource(cluster, url(""))) {
            ds.addClusterListener(events);
            Cluster c = clusterOf(ds);
            awaitHealthy(c);
            assertThat(cluster.primary().queryLong("SELECT COUNT(*) FROM foobar_meta.heartbeat"))
                    .as("the admin monitor writes its heartbeat row on the primary").isEqualTo(1);

            try (Writer writer = new Writer(ds, TABLE, 50); Connection conn = ds.getConnection()) {
                await().atMost(Duration.ofSeconds(5)).until(() -> writer.inserted() >= 5);
                long stoppedAt = System.nanoTime();
                r1.stopReplicaSqlThread();

                ClusterEvent.Type excluded = ClusterEvent.Type.REPLICA_EXCLUDED;
                await("replica1 excluded; events " + events).atMost(Duration.ofSeconds(10)).pollInterval(ms(10))
                        .until(() -> events.first(excluded, host(r1), stoppedAt).isPresent());
                Events.Received ev = events.first(excluded, host(r1), stoppedAt).orElseThrow();
                long tookMs = (ev.atNanos() - stoppedAt) / 1_000_000;
                System.out.println("[LagExclusionTest] SQL thread stopped -> excluded in " + tookMs + " ms: "
                        + ev.event().reason());
                assertThat(tookMs).as("replica1 left the rotation %d ms after its SQL thread stopped (reason: %s)",
                        tookMs, ev.event().reason()).isLessThanOrEqualTo(MAX_LAG_MS + 2 * INTERVAL_MS);
                assertThat(ev.event().reason()).containsAnyOf("SQL thread stopped", "replication lag");
                Topology t = c.topology();
                assertThat(t.replicas()).as(describe(t)).containsExactly(host(r2));
                assertThat(t.excluded()).as(describe(t)).containsKey(host(r1));

                // afterwards no read reaches it, from one connection or several
                Map<Long, Integer> seen = reads(conn, 300);
                for (int i = 0; i < 4; i++) {
                    try (Connection other = ds.getConnection()) {
                        reads(other, 50).forEach((id, n) -> seen.merge(id, n, Integer::sum));
                    }
                }
                assertThat(seen).as("server_id -> reads while replica1's SQL thread is stopped")
                        .containsOnlyKeys((long) r2.serverId()).containsEntry((long) r2.serverId(), 500);

                long startedAt = System.nanoTime();
                r1.startReplicaSqlThread();
                await("replica1 restored; events " + events).atMost(Duration.ofSeconds(15)).pollInterval(ms(10))
                        .until(() -> events.first(ClusterEvent.Type.REPLICA_RESTORED, host(r1), startedAt).isPresent());
                assertThat(c.topology().replicas()).contains(host(r1), host(r2));
                assertThat(c.topology().excluded()).doesNotContainKey(host(r1));
                Map<Long, Integer> after = reads(conn, 100);
                assertThat(after).as("reads after replica1 returned").containsOnlyKeys((long) r1.serverId(),
                        (long) r2.serverId());
                assertThat(writer.failures()).isEmpty();
            }
            assertThat(events.of(ClusterEvent.Type.REPLICA_EXCLUDED, host(r2))).as("replica2 never left").isEmpty();
            assertThat(Logs.describe(logs.all())).as("the monitor's password never appears in the logs")
                    .doesNotContain(EmbeddedCluster.ADMIN_PASSWORD).doesNotContain(EmbeddedCluster.APP_PASSWORD);
        }
    }

    @Test
    void replicaLaggingMoreThanMaxReplicationLagLeavesTheRotationAndReturns() throws Exception {
        Events events = new Events();
        try (FoobarDataSource ds = dataSource(cluster, url(""))) {
            ds.addClusterListener(events);
            Cluster c = clusterOf(ds);
            awaitHealthy(c);
            try (Writer writer = new Writer(ds, TABLE, 50); Connection conn = ds.getConnection()) {
                // replica2 applies every event 3 s after the primary wrote it; both threads keep running. The
                // clock starts before the restart of replication: a check that falls between STOP and START sees the
                // threads stopped, excludes the replica at once, and only the reason changes to the lag afterwards.
                long delayedAt = System.nanoTime();
                r2.execute("STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=3; START SLAVE");
                await("replica2 excluded for lag: " + events).atMost(Duration.ofSeconds(10)).pollInterval(ms(10))
                        .until(() -> {
                            String why = c.topology().excluded().get(host(r2));
                            return why != null && why.contains("replication lag");
                        });
                Events.Received ev = events.first(ClusterEvent.Type.REPLICA_EXCLUDED, host(r2), delayedAt).orElseThrow();
                long tookMs = (ev.atNanos() - delayedAt) / 1_000_000;
                System.out.println("[LagExclusionTest] MASTER_DELAY=3 -> excluded in " + tookMs + " ms: "
                        + ev.event().reason());
                assertThat(tookMs).as("left %d ms after the delay started (%s)", tookMs, ev.event().reason())
                        .isLessThanOrEqualTo(MAX_LAG_MS + 2 * INTERVAL_MS);
                String why = c.topology().excluded().get(host(r2));
                assertThat(why).matches("replication lag \\d+ ms > maxReplicationLagMs 1000");
                assertThat(reads(conn, 300)).as("no read reaches the lagging replica")
                        .containsOnlyKeys((long) r1.serverId());

                long resetAt = System.nanoTime();
                r2.execute("STOP SLAVE; CHANGE MASTER TO MASTER_DELAY=0; START SLAVE");
                await("replica2 restored: " + events).atMost(Duration.ofSeconds(15)).pollInterval(ms(10))
                        .until(() -> events.first(ClusterEvent.Type.REPLICA_RESTORED, host(r2), resetAt).isPresent());
                assertThat(reads(conn, 100)).containsKey((long) r2.serverId());
                assertThat(writer.failures()).isEmpty();
            }
        }
    }

    /**
     * The made lag is measured on the servers, not by the driver: the writer inserts a row stamped with the
     * primary's {@code NOW(6)} every 50 ms; once replica2's SQL thread is stopped, the newest row it holds
     * is frozen, and its lag at any moment is the primary's clock minus that row's stamp.
     */
    @Test
    void reportedLagAgreesWithALagMadeOnPurpose() throws Exception {
        long tolerance = 2 * INTERVAL_MS;
        try (FoobarDataSource ds = dataSource(cluster, ADMIN + "&" + FAST_MONITOR + "&maxReplicationLagMs=0")) {
            Cluster c = clusterOf(ds);
            awaitHealthy(c);
            try (Writer writer = new Writer(ds, TABLE, 50)) {
                // caught-up replicas: lag within two intervals of zero
                long healthyFrom = System.nanoTime();
                await().atMost(Duration.ofSeconds(5)).pollInterval(ms(50)).until(() -> {
                    Map<HostSpec, Long> lag = c.topology().lagMs();
                    assertThat(lag.get(host(r1))).as("replica1 lag while caught up").isBetween(0L, tolerance);
                    assertThat(lag.get(host(r2))).as("replica2 lag while caught up").isBetween(0L, tolerance);
                    return millisSince(healthyFrom) >= 1000;
                });

                long stoppedAt = System.nanoTime();
                r2.stopReplicaSqlThread();
                List<long[]> samples = new ArrayList<>(); // {epoch ms of the sample, reported lag ms}
                await().atMost(Duration.ofSeconds(10)).pollInterval(ms(50)).until(() -> {
                    Long reported = c.topology().lagMs().get(host(r2));
                    samples.add(new long[] {System.currentTimeMillis(), reported == null ? -1 : reported});
                    return millisSince(stoppedAt) >= 3000;
                });
                // the newest row replica2 applied, and the offset of the primary's clock from ours
                double frozenAtMs = seconds(r2.queryString("SELECT UNIX_TIMESTAMP(MAX(at)) FROM app." + TABLE)) * 1000;
                long asked = System.currentTimeMillis();
                double primaryNowMs = seconds(cluster.primary().queryString("SELECT UNIX_TIMESTAMP(NOW(6))")) * 1000;
                double offsetMs = primaryNowMs - (asked + System.currentTimeMillis()) / 2.0;
                assertThat(writer.inserted()).as("rows written while replica2 lagged").isGreaterThan(40);

                List<String> compared = new ArrayList<>();
                for (long[] s : samples) {
                    long made = Math.round(s[0] + offsetMs - frozenAtMs);
                    if (made >= 3 * INTERVAL_MS) {
                        compared.add(made + "->" + s[1]);
                    }
                }
                System.out.println("[LagExclusionTest] replica2 made -> reported lag ms: " + compared);
                assertThat(compared).hasSizeGreaterThan(20);
                for (long[] s : samples) {
                    long made = Math.round(s[0] + offsetMs - frozenAtMs);
                    if (made >= 3 * INTERVAL_MS) {
                        assertThat(s[1]).as("reported lag of replica2 when it was %d ms behind (made -> reported: %s)",
                                made, compared).isBetween(made - tolerance, made + tolerance);
                    }
                }
                assertThat(c.topology().lagMs().get(host(r1))).as("replica1 still caught up")
                        .isBetween(0L, tolerance);
                // maxReplicationLagMs=0: the lag itself never takes it out (a stopped SQL thread does)
                String why = c.topology().excluded().get(host(r2));
                assertThat(why == null ? "" : why).doesNotContain("replication lag");
                assertThat(writer.failures()).isEmpty();
            }
        }
    }

    private static double seconds(String decimal) {
        return new java.math.BigDecimal(decimal.trim()).doubleValue();
    }

    @Test
    void monitorWithoutHeartbeatGrantsTakesTheLagFromTheReplicaStatus() throws Exception {
        cluster.createUser("lag_monitor", "lag-monitor-pw", "GRANT REPLICA MONITOR ON *.* TO {user}");
        try (Logs logs = new Logs();
             FoobarDataSource ds = dataSource(cluster, "adminUser=lag_monitor&adminPassword=lag-monitor-pw&"
                     + FAST_MONITOR + "&maxReplicationLagMs=" + MAX_LAG_MS)) {
            Cluster c = clusterOf(ds);
            // Seconds_Behind_Master, in whole seconds: known, 0 while caught up
            await("lag known from SHOW SLAVE STATUS").atMost(Duration.ofSeconds(5)).pollInterval(ms(20))
                    .until(() -> c.topology().lagMs().keySet().containsAll(List.of(host(r1), host(r2))));
            assertThat(c.topology().lagMs().values()).allSatisfy(lag -> assertThat(lag % 1000).isZero());
            assertThat(c.topology().lagMs().get(host(r1))).isZero();
            List<String> grants = logs.warningsContaining("lacks privileges").stream()
                    .map(e -> e.getFormattedMessage()).toList();
            assertThat(grants).as(Logs.describe(logs.warnings())).hasSize(1);
            assertThat(grants.get(0)).contains("heartbeat").contains("foobar_meta").doesNotContain("REPLICA MONITOR")
                    .doesNotContain("lag-monitor-pw");
            try (Connection conn = ds.getConnection()) {
                assertThat(reads(conn, 100)).containsOnlyKeys((long) r1.serverId(), (long) r2.serverId());
            }
        }
    }

    @Test
    void leastPrivilegedMonitorStillRoutesAndWarnsOnceAboutMissingGrants() throws Exception {
        try (Logs logs = new Logs();
             FoobarDataSource ds = dataSource(cluster, FAST_MONITOR + "&maxReplicationLagMs=" + MAX_LAG_MS)) {
            Cluster c = clusterOf(ds);
            try (Connection conn = ds.getConnection(); Statement st = conn.createStatement()) {
                Map<Long, Integer> seen = reads(conn, 200);
                assertThat(seen).as("reads as app without adminUser").containsOnlyKeys((long) r1.serverId(),
                        (long) r2.serverId());
                long before = cluster.primary().queryLong("SELECT COUNT(*) FROM app." + TABLE);
                assertThat(st.executeUpdate("INSERT INTO " + TABLE + " (v) VALUES (-1)")).isEqualTo(1);
                assertThat(cluster.primary().queryLong("SELECT COUNT(*) FROM app." + TABLE)).isEqualTo(before + 1);
            }
            // over many checks: exactly one WARN about grants, and it says what is skipped and which grant helps
            await().during(Duration.ofMillis(6 * INTERVAL_MS)).atMost(Duration.ofSeconds(5))
                    .until(() -> logs.warningsContaining("lacks privileges").size() == 1);
            String warn = logs.warningsContaining("lacks privileges").get(0).getFormattedMessage();
            assertThat(warn).as(Logs.describe(logs.warnings())).contains("REPLICA MONITOR").contains("foobar_meta")
                    .contains("adminUser").doesNotContain(EmbeddedCluster.APP_PASSWORD);
            assertThat(c.topology().replicas()).containsExactlyInAnyOrder(host(r1), host(r2));
            assertThat(c.topology().lagMs()).as("no heartbeat and no SHOW SLAVE STATUS: lag unknown").isEmpty();
            try (Connection conn = ds.getConnection()) {
                assertThat(reads(conn, 100)).containsOnlyKeys((long) r1.serverId(), (long) r2.serverId());
            }
        }
    }
}
