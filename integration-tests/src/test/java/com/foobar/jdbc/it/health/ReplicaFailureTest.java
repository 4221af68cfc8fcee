package com.foobar.jdbc.it.health;

import static com.foobar.jdbc.it.health.HealthSupport.ADMIN;
import static com.foobar.jdbc.it.health.HealthSupport.FAST_MONITOR;
import static com.foobar.jdbc.it.health.HealthSupport.INTERVAL_MS;
import static com.foobar.jdbc.it.health.HealthSupport.TIMEOUT_MS;
import static com.foobar.jdbc.it.health.HealthSupport.clusterOf;
import static com.foobar.jdbc.it.health.HealthSupport.dataSource;
import static com.foobar.jdbc.it.health.HealthSupport.describe;
import static com.foobar.jdbc.it.health.HealthSupport.host;
import static com.foobar.jdbc.it.health.HealthSupport.ms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.foobar.jdbc.FoobarDataSource;
import com.foobar.jdbc.health.ClusterEvent;
import com.foobar.jdbc.it.health.HealthSupport.Events;
import com.foobar.jdbc.it.health.HealthSupport.ReadLoad;
import com.foobar.jdbc.pool.Cluster;
import com.foobar.testcluster.EmbeddedCluster;
import com.foobar.testcluster.EmbeddedServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A replica crashes (SIGKILL) or hangs (SIGSTOP) under a read load of 8 threads, each on its own logical
 * connection: no error reaches the application, the reads go on on the other replica, and the replica
 * returns to the rotation once it is back.
 *
 * <p>Own cluster (servers are killed and frozen), restored after each test. Where reads ran is read from
 * the servers ({@code SELECT @@server_id}).
 */
class ReplicaFailureTest {

    private static final int THREADS = 8;
    private static final int FAILURE_THRESHOLD = 2;
    private static final String URL = ADMIN + "&" + FAST_MONITOR + "&maxReplicationLagMs=1000&failureThreshold="
            + FAILURE_THRESHOLD + "&connectTimeoutMs=1000";

    private static EmbeddedCluster cluster;
    private static EmbeddedServer r1;
    private static EmbeddedServer r2;

    @BeforeAll
    static void startCluster() {
        cluster = EmbeddedCluster.builder().replicas(2).database("app").start();
        r1 = cluster.replicas().get(0);
        r2 = cluster.replicas().get(1);
    }

    @AfterAll
    static void closeCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void restoreServers() {
        for (EmbeddedServer r : cluster.replicas()) {
            if (r.isSuspended()) {
                r.sigcont();
            }
            if (!r.isRunning()) {
                r.restart();
            }
            r.awaitReplicaRunning(Duration.ofSeconds(30));
        }
    }

    /** Waits, with a deadline, until the load has run for the given time after {@code fromNanos}. */
    private static void runFor(long fromNanos, long millis) {
        await().atMost(Duration.ofMillis(millis + 10_000)).pollInterval(ms(20))
                .until(() -> System.nanoTime() - fromNanos >= millis * 1_000_000);
    }

    private static void awaitBothReplicasServing(ReadLoad load, long sinceNanos) {
        await("reads on both replicas").atMost(Duration.ofSeconds(15)).pollInterval(ms(20))
                .until(() -> load.count(r1.serverId(), sinceNanos) >= 50 && load.count(r2.serverId(), sinceNanos) >= 50);
    }

    @Test
    void killedReplicaUnderLoadCausesNoApplicationErrorAndReturnsAfterRestart() throws Exception {
        Events events = new Events();
        try (FoobarDataSource ds = dataSource(cluster, URL)) {
            ds.addClusterListener(events);
            Cluster c = clusterOf(ds);
            ReadLoad load = new ReadLoad(ds, THREADS);
            try {
                awaitBothReplicasServing(load, System.nanoTime());

                long killStartedAt = System.nanoTime();
                r1.kill9(); // returns once the process is gone and its port refuses connections
                long killedAt = System.nanoTime();
                await("replica1 excluded: " + events).atMost(Duration.ofSeconds(10)).pollInterval(ms(10)).until(
                        () -> events.first(ClusterEvent.Type.REPLICA_EXCLUDED, host(r1), killStartedAt).isPresent());
                long excludedAt = events.first(ClusterEvent.Type.REPLICA_EXCLUDED, host(r1), killStartedAt)
                        .orElseThrow().atNanos();
                runFor(killedAt, 3000);
                long end = System.nanoTime();

                Map<Long, Long> afterKill = load.byServer(killedAt, end);
                System.out.println("[ReplicaFailureTest] kill -9: excluded " + (excludedAt - killStartedAt) / 1_000_000
                        + " ms after the kill began; server_id -> reads in the 3 s after: " + afterKill
                        + "; application errors: " + load.failures().size());
                assertThat(afterKill).as("server_id -> reads in the 3 s after replica1 was killed (excluded after %d ms)",
                        (excludedAt - killedAt) / 1_000_000).containsOnlyKeys((long) r2.serverId());
                assertThat(load.byServer(end - 1_000_000_000L, end).getOrDefault((long) r2.serverId(), 0L))
                        .as("reads go on on replica2").isGreaterThan(100);
                assertThat(c.topology().replicas()).as(describe(c.topology())).containsExactly(host(r2));
                assertThat(load.failures()).as("errors that reached the application:\n" + load.describeFailures())
                        .isEmpty();

                long restartAt = System.nanoTime();
                r1.restart();
                r1.awaitReplicaRunning(Duration.ofSeconds(30));
                await("replica1 restored: " + events).atMost(Duration.ofSeconds(15)).pollInterval(ms(10))
                        .until(() -> events.first(ClusterEvent.Type.REPLICA_RESTORED, host(r1), restartAt).isPresent());
                long restoredAt = System.nanoTime();
                await("reads reach replica1 again").atMost(Duration.ofSeconds(10)).pollInterval(ms(20))
                        .until(() -> load.count(r1.serverId(), restoredAt) >= 50);
            } finally {
                load.close();
            }
            assertThat(load.failures()).as("errors that reached the application:\n" + load.describeFailures()).isEmpty();
            assertThat(load.byServer(0, Long.MAX_VALUE)).doesNotContainKey((long) cluster.primary().serverId());
        }
    }

    @Test
    void frozenReplicaUnderLoadCausesNoApplicationErrorAndReadsResumeAtFullRate() throws Exception {
        Events events = new Events();
        try (FoobarDataSource ds = dataSource(cluster, URL)) {
            ds.addClusterListener(events);
            Cluster c = clusterOf(ds);
            ReadLoad load = new ReadLoad(ds, THREADS);
            try {
                awaitBothReplicasServing(load, System.nanoTime());
                long baselineFrom = System.nanoTime();
                runFor(baselineFrom, 1000);
                long stoppedAt = System.nanoTime();
                long before = load.between(baselineFrom, stoppedAt).size();

                r1.sigstop();
                await("replica1 excluded: " + events).atMost(Duration.ofSeconds(15)).pollInterval(ms(10))
                        .until(() -> events.first(ClusterEvent.Type.REPLICA_EXCLUDED, host(r1), stoppedAt).isPresent());
                Events.Received ev = events.first(ClusterEvent.Type.REPLICA_EXCLUDED, host(r1), stoppedAt).orElseThrow();
                long excludedAt = ev.atNanos();
                long tookMs = (excludedAt - stoppedAt) / 1_000_000;
                runFor(excludedAt, 1000);
                long oneSecondLater = excludedAt + 1_000_000_000L;
                long after = load.between(excludedAt, oneSecondLater).size();
                Map<Long, Long> during = load.byServer(stoppedAt, oneSecondLater);

                String report = String.format("excluded %d ms after SIGSTOP (%s); reads in the second before: %d, in the"
                        + " second after exclusion: %d; server_id -> reads from SIGSTOP to then: %s", tookMs,
                        ev.event().reason(), before, after, during);
                System.out.println("[ReplicaFailureTest] " + report);
                // a check that hangs fails after healthCheckTimeoutMs; failureThreshold of them, an interval apart
                long bound = FAILURE_THRESHOLD * (INTERVAL_MS + 2 * TIMEOUT_MS) + INTERVAL_MS;
                assertThat(tookMs).as(report).isLessThanOrEqualTo(bound);
                assertThat((double) after).as(report).isGreaterThanOrEqualTo(0.7 * before);
                assertThat(load.byServer(excludedAt, oneSecondLater)).as(report).containsOnlyKeys((long) r2.serverId());
                assertThat(c.topology().replicas()).containsExactly(host(r2));
                assertThat(load.failures()).as("errors that reached the application (" + report + "):\n"
                        + load.describeFailures()).isEmpty();

                long resumedAt = System.nanoTime();
                r1.sigcont();
                await("replica1 restored: " + events).atMost(Duration.ofSeconds(15)).pollInterval(ms(10))
                        .until(() -> events.first(ClusterEvent.Type.REPLICA_RESTORED, host(r1), resumedAt).isPresent());
                long restoredAt = System.nanoTime();
                await("reads reach replica1 again").atMost(Duration.ofSeconds(10)).pollInterval(ms(20))
                        .until(() -> load.count(r1.serverId(), restoredAt) >= 50);
            } finally {
                load.close();
            }
            assertThat(load.failures()).as("errors that reached the application:\n" + load.describeFailures()).isEmpty();
        }
    }

    /** Where a statement containing the marker runs now, per the servers' process lists; null if nowhere. */
    private static EmbeddedServer runningOn(String marker) {
        for (EmbeddedServer r : cluster.replicas()) {
            if (r.isRunning() && r.queryLong("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE INFO LIKE '%"
                    + marker + "%' AND INFO NOT LIKE '%PROCESSLIST%'") > 0) {
                return r;
            }
        }
        return null;
    }

    @Test
    void readInFlightOnAKilledReplicaRunsAgainOnTheOtherReplica() throws Exception {
        String marker = "it-retry-" + System.nanoTime();
        try (FoobarDataSource ds = dataSource(cluster, URL); Connection conn = ds.getConnection();
             Statement st = conn.createStatement()) {
            CompletableFuture<long[]> read = CompletableFuture.supplyAsync(() -> {
                long t0 = System.nanoTime();
                try (ResultSet rs = st.executeQuery("SELECT @@server_id, SLEEP(1), '" + marker + "'")) {
                    rs.next();
                    return new long[] {rs.getLong(1), (System.nanoTime() - t0) / 1_000_000};
                } catch (SQLException e) {
                    throw new CompletionException(e);
                }
            });
            EmbeddedServer[] victim = new EmbeddedServer[1];
            await("the read is running on a replica").atMost(Duration.ofSeconds(5)).pollInterval(ms(20))
                    .until(() -> (victim[0] = runningOn(marker)) != null);
            EmbeddedServer other = victim[0] == r1 ? r2 : r1;
            victim[0].kill9();

            long[] result;
            try {
                result = read.get(15, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new AssertionError("the read failed instead of running again on " + other + ":\n"
                        + HealthSupport.stackTrace(e.getCause()), e.getCause());
            }
            assertThat(result[0]).as("server_id of the read that was in flight on the killed %s", victim[0])
                    .isEqualTo(other.serverId());
            assertThat(result[1]).as("ms: ran once on the killed replica, then once more").isGreaterThanOrEqualTo(1000);
            assertThat(runningOn(marker)).isNull();
        }
    }
}
