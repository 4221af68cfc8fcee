package com.foobar.jdbc.it.failover;

import static com.foobar.jdbc.it.failover.FailoverSupport.ADMIN;
import static com.foobar.jdbc.it.failover.FailoverSupport.FAST_MONITOR;
import static com.foobar.jdbc.it.failover.FailoverSupport.clusterOf;
import static com.foobar.jdbc.it.failover.FailoverSupport.dataSource;
import static com.foobar.jdbc.it.failover.FailoverSupport.describe;
import static com.foobar.jdbc.it.failover.FailoverSupport.describeServers;
import static com.foobar.jdbc.it.failover.FailoverSupport.epochOn;
import static com.foobar.jdbc.it.failover.FailoverSupport.ms;
import static com.foobar.jdbc.it.failover.FailoverSupport.primaryServerId;
import static com.foobar.jdbc.it.failover.FailoverSupport.replicatesFrom;
import static com.foobar.jdbc.it.failover.FailoverSupport.stackTrace;
import static com.foobar.jdbc.it.failover.FailoverSupport.writable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.foobar.jdbc.FoobarDataSource;
import com.foobar.jdbc.it.failover.FailoverSupport.Logs;
import com.foobar.jdbc.pool.Cluster;
import com.foobar.jdbc.topology.HostSpec;
import com.foobar.testcluster.EmbeddedCluster;
import com.foobar.testcluster.EmbeddedServer;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * A network cut between the client and the primary while the replicas still reach it: the URL names a TCP
 * proxy in front of the primary instead of the primary's own port (the replicas replicate from the real
 * port), and the test cuts the proxy (every connection closed, new ones refused). The driver must promote
 * nothing, say that replicas still receive from the primary, keep its primary; once the proxy is back, writes
 * work again on the same primary, including one that was sent during the cut.
 *
 * <p>Facts from the servers: which are writable, which replicate from which port, the epoch row (none), the
 * rows on the primary, {@code @@server_id}.
 */
class PartitionTest {

    private static final long CUT_MS = 3_000;

    @Test
    void cutBetweenClientAndPrimaryWhileReplicasReceivePromotesNothing() throws Exception {
        try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(2).start(); Logs logs = new Logs()) {
            EmbeddedServer p = cluster.primary();
            EmbeddedServer r1 = cluster.replicas().get(0);
            EmbeddedServer r2 = cluster.replicas().get(1);
            p.execute("CREATE TABLE app.pt (id INT PRIMARY KEY)");
            cluster.awaitReplicationCaughtUp(Duration.ofSeconds(30));
            try (CuttableProxy proxy = new CuttableProxy(p.port())) {
                HostSpec proxied = new HostSpec("127.0.0.1", proxy.port());
                String url = "jdbc:foobar://" + proxy.hostAndPort() + "," + r1.hostAndPort() + "," + r2.hostAndPort()
                        + "/app?" + ADMIN + "&" + FAST_MONITOR;
                try (FoobarDataSource ds = dataSource(url, cluster.appUser(), cluster.appPassword());
                     Connection conn = ds.getConnection();
                     Connection duringCut = ds.getConnection()) {
                    Cluster c = clusterOf(ds);
                    assertThat(c.topology().primary()).as(describe(c.topology())).isEqualTo(proxied);
                    assertThat(c.topology().replicas()).hasSize(2);
                    insert(conn, 1);
                    assertThat(primaryServerId(conn)).isEqualTo(p.serverId());
                    WriteReadLoad reads = new WriteReadLoad(ds, "pt", 0, 2, new AtomicLong());

                    long cutAt = System.nanoTime();
                    proxy.cut();
                    await("the driver sees the primary down").atMost(Duration.ofSeconds(10)).pollInterval(ms(5))
                            .until(() -> c.topology().primaryDown());
                    long downAt = System.nanoTime();
                    CompletableFuture<Long> write = CompletableFuture.supplyAsync(() -> {
                        try {
                            insert(duringCut, 2);
                            return System.nanoTime();
                        } catch (Exception e) {
                            throw new RuntimeException(e);
                        }
                    });
                    await("the log says replicas still receive from the primary").atMost(Duration.ofSeconds(10))
                            .pollInterval(ms(20)).until(() -> !logs.containing("still receives from it").isEmpty());
                    // For CUT_MS (many monitor intervals, each a promotion attempt), nothing changes on the servers.
                    await("no promotion during the cut").during(ms(CUT_MS)).atMost(ms(CUT_MS + 5_000)).pollInterval(ms(100))
                            .until(() -> writable(cluster).equals(java.util.List.of(p)) && replicatesFrom(r1, p)
                                    && replicatesFrom(r2, p) && c.topology().primary().equals(proxied));
                    assertThat(write).as("a write sent during the cut waits").isNotDone();

                    long restoreAt = System.nanoTime();
                    proxy.restore();
                    Object outcome;
                    try {
                        outcome = write.get(30, TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException e) {
                        outcome = e.getCause().getCause() != null ? e.getCause().getCause() : e.getCause();
                    }
                    await("the driver sees the primary back").atMost(Duration.ofSeconds(10)).pollInterval(ms(5))
                            .until(() -> !c.topology().primaryDown());
                    long backAt = System.nanoTime();
                    await("reads after the cut").atMost(Duration.ofSeconds(10)).pollInterval(ms(20))
                            .until(() -> reads.readsByServer(backAt).values().stream().mapToLong(Long::longValue).sum() > 20);
                    reads.close();
                    long readGap = reads.longestReadGapMs(cutAt, backAt);
                    System.out.printf("[partition] primary seen down %d ms after the cut; %d 'still receives' warnings "
                                    + "in %d ms of cut; write sent during the cut: %s; primary back %d ms after restore; "
                                    + "longest pause of reads %d ms, read errors %s%n",
                            (downAt - cutAt) / 1_000_000, logs.containing("still receives from it").size(),
                            (restoreAt - cutAt) / 1_000_000,
                            outcome instanceof Long at ? "done " + (at - restoreAt) / 1_000_000 + " ms after restore"
                                    : "failed: " + outcome,
                            (backAt - restoreAt) / 1_000_000, readGap, WriteReadLoad.summary(reads.readFailures()));
                    System.out.println("[partition] driver log:\n" + logs.describe());

                    // Nothing was promoted: the servers say so.
                    assertThat(writable(cluster)).as("writable servers" + describeServers(cluster)).containsExactly(p);
                    assertThat(epochOn(r1)).as("epoch on replica1").isZero();
                    assertThat(epochOn(r2)).as("epoch on replica2").isZero();
                    assertThat(logs.containing("promoted to primary")).as("promotions in the log").isEmpty();
                    assertThat(c.topology().primary()).isEqualTo(proxied);

                    // Writes work again on the same primary, including the one sent during the cut.
                    assertThat(outcome).as("the write sent during the cut: %s",
                            outcome instanceof Throwable t ? stackTrace(t) : outcome).isInstanceOf(Long.class);
                    try (Connection fresh = ds.getConnection()) {
                        insert(fresh, 3);
                        assertThat(primaryServerId(fresh)).isEqualTo(p.serverId());
                    }
                    assertThat(reads.readFailures()).as("read errors:\n" + WriteReadLoad.describe(reads.readFailures()))
                            .isEmpty();
                    assertThat(readGap).as("longest pause of reads during the cut, ms").isLessThanOrEqualTo(1_000);
                    // The connection whose last statement ran on the primary before the cut (it kept that primary
                    // connection, which the cut closed): its next statement was never sent, so it runs.
                    Throwable keptError = null;
                    try {
                        insert(conn, 4);
                    } catch (Exception e) {
                        keptError = e;
                    }
                    assertThat(keptError).as("next write on the connection that kept its primary connection: %s",
                            keptError == null ? "" : stackTrace(keptError)).isNull();
                    assertThat(p.queryString("SELECT GROUP_CONCAT(id ORDER BY id) FROM app.pt")).isEqualTo("1,2,3,4");
                }
            }
        }
    }

    private static void insert(Connection c, int id) throws Exception {
        try (Statement st = c.createStatement()) {
            st.executeUpdate("INSERT INTO pt VALUES (" + id + ")");
        }
    }
}
