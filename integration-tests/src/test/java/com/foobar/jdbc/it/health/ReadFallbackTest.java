package com.foobar.jdbc.it.health;

import static com.foobar.jdbc.it.health.HealthSupport.ADMIN;
import static com.foobar.jdbc.it.health.HealthSupport.FAST_MONITOR;
import static com.foobar.jdbc.it.health.HealthSupport.clusterOf;
import static com.foobar.jdbc.it.health.HealthSupport.dataSource;
import static com.foobar.jdbc.it.health.HealthSupport.describe;
import static com.foobar.jdbc.it.health.HealthSupport.host;
import static com.foobar.jdbc.it.health.HealthSupport.millisSince;
import static com.foobar.jdbc.it.health.HealthSupport.ms;
import static com.foobar.jdbc.it.health.HealthSupport.reads;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.foobar.jdbc.FoobarDataSource;
import com.foobar.jdbc.health.ClusterEvent;
import com.foobar.jdbc.it.health.HealthSupport.Events;
import com.foobar.jdbc.pool.Cluster;
import com.foobar.testcluster.EmbeddedCluster;
import com.foobar.testcluster.EmbeddedServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * No eligible replica: with {@code readFallback=primary} reads go to the primary (and listeners hear
 * {@code NO_ELIGIBLE_REPLICA}); with {@code readFallback=fail} a read fails fast with 08001 naming every
 * replica and why it is out.
 *
 * <p>Own cluster (replication is stopped, replicas are killed), restored after each test. Where reads ran is
 * read from the servers ({@code SELECT @@server_id}).
 */
class ReadFallbackTest {

    private static EmbeddedCluster cluster;
    private static EmbeddedServer r1;
    private static EmbeddedServer r2;

    @BeforeAll
    static void startCluster() {
        cluster = EmbeddedCluster.builder().replicas(2).database("app").start();
        r1 = cluster.replicas().get(0);
        r2 = cluster.replicas().get(1);
        cluster.primary().execute("CREATE TABLE app.fallback_writes (id BIGINT AUTO_INCREMENT PRIMARY KEY, v BIGINT)");
        cluster.awaitReplicationCaughtUp(Duration.ofSeconds(30));
    }

    @AfterAll
    static void closeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void restoreReplicas() {
        List<CompletableFuture<Void>> restarts = cluster.replicas().stream()
                .filter(r -> !r.isRunning())
                .map(r -> CompletableFuture.runAsync(r::restart))
                .toList();
        restarts.forEach(CompletableFuture::join);
        for (EmbeddedServer r : cluster.replicas()) {
            if (!r.isReplicaRunning()) {
                r.execute("START SLAVE");
            }
            r.awaitReplicaRunning(Duration.ofSeconds(30));
        }
    }

    private static String url(String fallback) {
        return ADMIN + "&" + FAST_MONITOR + "&readFallback=" + fallback;
    }

    private static void awaitNoEligibleReplica(Cluster c) {
        await("no eligible replica").atMost(Duration.ofSeconds(10)).pollInterval(ms(10))
                .until(() -> c.topology().replicas().isEmpty());
    }

    private static void awaitBothEligible(Cluster c) {
        await("both replicas eligible").atMost(Duration.ofSeconds(20)).pollInterval(ms(10))
                .until(() -> c.topology().replicas().containsAll(List.of(host(r1), host(r2))));
    }

    @Test
    void fallbackPrimaryReadsOnThePrimaryAndSaysSoOnce() throws Exception {
        Events events = new Events();
        try (FoobarDataSource ds = dataSource(cluster, url("primary")); Connection conn = ds.getConnection()) {
            ds.addClusterListener(events);
            Cluster c = clusterOf(ds);
            assertThat(reads(conn, 20)).containsOnlyKeys((long) r1.serverId(), (long) r2.serverId());

            r1.stopReplicaSqlThread();
            r2.stopReplicaSqlThread();
            awaitNoEligibleReplica(c);

            long primaryId = cluster.primary().serverId();
            assertThat(reads(conn, 100)).as("reads with no eligible replica (%s)", describe(c.topology()))
                    .containsOnlyKeys(primaryId).containsEntry(primaryId, 100);
            try (Connection other = ds.getConnection()) {
                assertThat(reads(other, 20)).containsOnlyKeys(primaryId);
            }
            List<Events.Received> none = events.of(ClusterEvent.Type.NO_ELIGIBLE_REPLICA, null);
            assertThat(none).as("events: " + events).hasSize(1);
            ClusterEvent e = none.get(0).event();
            assertThat(e.host()).isEqualTo(host(cluster.primary()));
            assertThat(e.reason()).contains(r1.hostAndPort(), r2.hostAndPort()).contains("SQL thread stopped");
            assertThat(e.topology().replicas()).isEmpty();

            r1.startReplicaSqlThread();
            r2.startReplicaSqlThread();
            awaitBothEligible(c);
            assertThat(reads(conn, 50)).as("reads leave the primary once replicas return")
                    .containsOnlyKeys((long) r1.serverId(), (long) r2.serverId());
        }
    }

    @Test
    void noEligibleReplicaEventIsDeliveredOnTheMonitorThread() throws Exception {
        // ClusterListener: "Events are delivered on the cluster's monitor thread, one at a time"
        Events events = new Events();
        try (FoobarDataSource ds = dataSource(cluster, url("primary")); Connection conn = ds.getConnection()) {
            ds.addClusterListener(events);
            Cluster c = clusterOf(ds);
            r1.stopReplicaSqlThread();
            r2.stopReplicaSqlThread();
            awaitNoEligibleReplica(c);
            reads(conn, 5);
            await("NO_ELIGIBLE_REPLICA: " + events).atMost(Duration.ofSeconds(5)).pollInterval(ms(10))
                    .until(() -> !events.of(ClusterEvent.Type.NO_ELIGIBLE_REPLICA, null).isEmpty());
            for (Events.Received e : events.all()) {
                assertThat(e.thread()).as("thread that delivered %s", e.type()).startsWith("foobar-monitor-");
            }
        }
    }

    @Test
    void fallbackFailFailsFastNamingEveryReplicaAndWhy() throws Exception {
        try (FoobarDataSource ds = dataSource(cluster, url("fail")); Connection conn = ds.getConnection();
             Statement st = conn.createStatement()) {
            Cluster c = clusterOf(ds);
            assertThat(reads(conn, 20)).containsOnlyKeys((long) r1.serverId(), (long) r2.serverId());

            CompletableFuture.allOf(CompletableFuture.runAsync(r1::kill9), CompletableFuture.runAsync(r2::kill9)).join();
            awaitNoEligibleReplica(c);

            long t0 = System.nanoTime();
            Throwable thrown = catchThrowable(() -> st.executeQuery("SELECT @@server_id").close());
            long tookMs = millisSince(t0);
            assertThat(thrown).as("a read with readFallback=fail and no eligible replica")
                    .isInstanceOf(SQLTransientConnectionException.class);
            SQLException e = (SQLException) thrown;
            assertThat(e.getSQLState()).isEqualTo("08001");
            assertThat(e.getMessage()).contains(r1.hostAndPort(), r2.hostAndPort()).contains("readFallback=fail")
                    .contains("unreachable");
            assertThat(e.getMessage()).doesNotContain(EmbeddedCluster.APP_PASSWORD, EmbeddedCluster.ADMIN_PASSWORD);
            assertThat(tookMs).as("failed after %d ms", tookMs).isLessThan(1000);

            // writes still go to the primary
            assertThat(st.executeUpdate("INSERT INTO fallback_writes (v) VALUES (1)")).isEqualTo(1);
            assertThat(cluster.primary().queryLong("SELECT COUNT(*) FROM app.fallback_writes")).isPositive();

            CompletableFuture.allOf(CompletableFuture.runAsync(r1::restart), CompletableFuture.runAsync(r2::restart)).join();
            awaitBothEligible(c);
            assertThat(reads(conn, 20)).containsOnlyKeys((long) r1.serverId(), (long) r2.serverId());
        }
    }
}
