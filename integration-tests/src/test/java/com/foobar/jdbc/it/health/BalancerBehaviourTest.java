package com.foobar.jdbc.it.health;

import static com.foobar.jdbc.it.health.HealthSupport.dataSource;
import static com.foobar.jdbc.it.health.HealthSupport.ms;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.foobar.jdbc.FoobarDataSource;
import com.foobar.jdbc.it.health.HealthSupport.ReadLoad;
import com.foobar.jdbc.it.support.SharedCluster;
import com.foobar.testcluster.EmbeddedCluster;
import com.foobar.testcluster.EmbeddedServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The balancers under a real read load: one replica is made slow by a {@link DelayProxy} in front of it
 * (every chunk from the server to the client held back {@value #DELAY_MS} ms; the proxy's port is listed in
 * the URL instead of the replica's), and {@code leastConnections} and {@code fastest} send it clearly fewer
 * reads than the fast one, where {@code roundRobin} sends it half. {@code weighted} follows its weights.
 *
 * <p>Nothing is broken, so the shared cluster is used. Where each read ran is its {@code SELECT @@server_id}.
 */
@ExtendWith(SharedCluster.class)
class BalancerBehaviourTest {

    private static final long DELAY_MS = 8;
    private static final int THREADS = 6;
    private static final Duration LOAD = Duration.ofMillis(2500);

    private static DelayProxy proxy;

    @BeforeAll
    static void startProxy(EmbeddedCluster cluster) throws Exception {
        proxy = new DelayProxy(cluster.replicas().get(0).port(), DELAY_MS);
    }

    @AfterAll
    static void stopProxy() {
        if (proxy != null) {
            proxy.close();
        }
    }

    /** primary, replica1 behind the slow proxy, replica2 direct. */
    private static String slowUrl(EmbeddedCluster cluster, String query) {
        return "jdbc:foobar://" + cluster.primary().hostAndPort() + "," + proxy.hostAndPort() + ","
                + cluster.replicas().get(1).hostAndPort() + "/" + cluster.database() + "?" + query;
    }

    /** Result of one load run: reads per server_id, and mean read time per server_id in ms. */
    private record Run(Map<Long, Long> reads, Map<Long, Double> meanMs, long total) {
        long of(EmbeddedServer s) {
            return reads.getOrDefault((long) s.serverId(), 0L);
        }

        double share(EmbeddedServer s) {
            return (double) of(s) / total;
        }

        double meanMs(EmbeddedServer s) {
            return meanMs.getOrDefault((long) s.serverId(), Double.NaN);
        }
    }

    private static Run load(FoobarDataSource ds) throws Exception {
        long warmUntil;
        long from;
        long to;
        ReadLoad load = new ReadLoad(ds, THREADS);
        try {
            warmUntil = System.nanoTime() + ms(500).toNanos();
            await().atMost(Duration.ofSeconds(10)).pollInterval(ms(50)).until(() -> System.nanoTime() - warmUntil >= 0);
            from = System.nanoTime();
            await().atMost(Duration.ofSeconds(20)).pollInterval(ms(50))
                    .until(() -> System.nanoTime() - from >= LOAD.toNanos());
            to = System.nanoTime();
        } finally {
            load.close();
        }
        assertThat(load.failures()).as(load.describeFailures()).isEmpty();
        List<ReadLoad.Read> window = load.between(from, to);
        Map<Long, Long> reads = load.byServer(from, to);
        Map<Long, Double> mean = new java.util.LinkedHashMap<>();
        for (Long id : reads.keySet()) {
            mean.put(id, window.stream().filter(r -> r.serverId() == id).mapToLong(ReadLoad.Read::tookNanos)
                    .average().orElse(Double.NaN) / 1e6);
        }
        Run run = new Run(reads, mean, window.size());
        System.out.println("[BalancerBehaviourTest] " + ds.getUrl().replaceAll(".*\\?", "") + ": " + run);
        return run;
    }

    private static void assertSlowReplicaAvoided(EmbeddedCluster cluster, Run run, String balancer) {
        EmbeddedServer slow = cluster.replicas().get(0);
        EmbeddedServer fast = cluster.replicas().get(1);
        String report = balancer + ": reads by server_id " + run.reads() + ", mean ms " + run.meanMs();
        assertThat(run.of(cluster.primary())).as(report).isZero();
        assertThat(run.total()).as(report).isGreaterThan(200);
        assertThat(run.meanMs(slow)).as("the proxy makes replica1 slow: " + report).isGreaterThan(DELAY_MS * 0.8);
        assertThat(run.share(slow)).as("replica1's (slow) share of the reads: " + report).isLessThan(0.4);
        assertThat(run.of(slow)).as(report).isLessThan(run.of(fast));
    }

    @Test
    void roundRobinIgnoresSpeed(EmbeddedCluster cluster) throws Exception {
        // the control: without a speed-aware balancer the slow replica gets half the reads
        try (FoobarDataSource ds = dataSource(slowUrl(cluster, "loadBalance=roundRobin"), cluster)) {
            Run run = load(ds);
            EmbeddedServer slow = cluster.replicas().get(0);
            assertThat(run.share(slow)).as("roundRobin: " + run).isBetween(0.45, 0.55);
            assertThat(run.meanMs(slow)).as("roundRobin: " + run).isGreaterThan(DELAY_MS * 0.8);
        }
    }

    @Test
    void leastConnectionsSendsFewerReadsToTheSlowReplica(EmbeddedCluster cluster) throws Exception {
        try (FoobarDataSource ds = dataSource(slowUrl(cluster, "loadBalance=leastConnections"), cluster)) {
            assertSlowReplicaAvoided(cluster, load(ds), "leastConnections");
        }
    }

    @Test
    void fastestSendsFewerReadsToTheSlowReplica(EmbeddedCluster cluster) throws Exception {
        try (FoobarDataSource ds = dataSource(slowUrl(cluster, "loadBalance=fastest"), cluster)) {
            assertSlowReplicaAvoided(cluster, load(ds), "fastest");
        }
    }

    @Test
    void weightedFollowsThreeToOne(EmbeddedCluster cluster) throws Exception {
        EmbeddedServer r1 = cluster.replicas().get(0);
        EmbeddedServer r2 = cluster.replicas().get(1);
        String query = "loadBalance=weighted&replicaWeights=" + r1.hostAndPort() + "=3," + r2.hostAndPort() + "=1";
        try (FoobarDataSource ds = dataSource(cluster, query)) {
            Run run = load(ds);
            assertThat(run.of(cluster.primary())).as(run.toString()).isZero();
            assertThat(run.total()).isGreaterThan(1000);
            assertThat(run.share(r1)).as("weight 3 of 4: " + run).isCloseTo(0.75, org.assertj.core.data.Offset.offset(0.075));
            assertThat(run.share(r2)).as("weight 1 of 4: " + run).isCloseTo(0.25, org.assertj.core.data.Offset.offset(0.075));
        }
    }
}
