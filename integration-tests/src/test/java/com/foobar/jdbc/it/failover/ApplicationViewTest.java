package com.foobar.jdbc.it.failover;

import static com.foobar.jdbc.it.failover.FailoverSupport.ADMIN;
import static com.foobar.jdbc.it.failover.FailoverSupport.FAST_MONITOR;
import static com.foobar.jdbc.it.failover.FailoverSupport.clusterOf;
import static com.foobar.jdbc.it.failover.FailoverSupport.dataSource;
import static com.foobar.jdbc.it.failover.FailoverSupport.describe;
import static com.foobar.jdbc.it.failover.FailoverSupport.describeServers;
import static com.foobar.jdbc.it.failover.FailoverSupport.driverPrimary;
import static com.foobar.jdbc.it.failover.FailoverSupport.host;
import static com.foobar.jdbc.it.failover.FailoverSupport.millisSince;
import static com.foobar.jdbc.it.failover.FailoverSupport.ms;
import static com.foobar.jdbc.it.failover.FailoverSupport.primaryServerId;
import static com.foobar.jdbc.it.failover.FailoverSupport.serverAt;
import static com.foobar.jdbc.it.failover.FailoverSupport.stackTrace;
import static com.foobar.jdbc.it.failover.FailoverSupport.writable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import com.foobar.jdbc.FoobarDataSource;
import com.foobar.jdbc.PrimaryChangedException;
import com.foobar.jdbc.TransactionResolutionUnknownException;
import com.foobar.jdbc.it.failover.FailoverSupport.Logs;
import com.foobar.jdbc.pool.Cluster;
import com.foobar.testcluster.EmbeddedCluster;
import com.foobar.testcluster.EmbeddedServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;

/**
 * What the application sees when the primary dies, each on one logical connection:
 * <ul>
 *   <li>an autocommit write in flight on the dead primary fails with {@link PrimaryChangedException} (08S02)
 *       and the same connection then works on the new primary;</li>
 *   <li>a transaction open on the dead primary fails with {@link TransactionResolutionUnknownException} (08007)
 *       and after {@code rollback()} the same connection works on the new primary;</li>
 *   <li>a statement that arrives while the primary is down waits for the new primary and succeeds, on a new
 *       logical connection and on one whose last statement was an autocommit write on the old primary (the
 *       connection keeps that primary connection: the statement was never sent, so nothing is uncertain);</li>
 *   <li>with no promotable replica and a small {@code failoverTimeoutMs}, a statement fails with 08001 after
 *       about that time, and the message names every host.</li>
 * </ul>
 *
 * <p>Reads on other logical connections go on meanwhile: no error, no pause.
 *
 * <p>To hold the failover open long enough to observe waiting statements, the test holds the driver's
 * failover lock ({@code GET_LOCK('foobar_failover')}, the lock every promotion takes on its candidate) on
 * both replicas, then releases it. Facts come from the servers (rows, {@code @@server_id}, read_only).
 */
class ApplicationViewTest {

    private static final String URL = ADMIN + "&" + FAST_MONITOR;
    /** The lock name of the driver's promotion (Promotion.LOCK). */
    private static final String FAILOVER_LOCK = "foobar_failover";
    private static final long HOLD_MS = 1_500;

    @Test
    void inFlightWriteOpenTransactionAndArrivingStatementsDuringOneFailover() throws Exception {
        ExecutorService executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "it-app-view");
            t.setDaemon(true);
            return t;
        });
        try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(2).start(); Logs logs = new Logs()) {
            EmbeddedServer p = cluster.primary();
            p.execute("CREATE TABLE app.av (id INT PRIMARY KEY, note VARCHAR(60))");
            cluster.awaitReplicationCaughtUp(Duration.ofSeconds(30));
            // connectionAcquireTimeoutMs only bounds this test's time if a borrow waits for the dead primary.
            try (FoobarDataSource ds = dataSource(cluster, URL + "&connectionAcquireTimeoutMs=10000", cluster.appUser(),
                    cluster.appPassword());
                 Connection inFlight = ds.getConnection();
                 Connection tx = ds.getConnection();
                 Connection arrivingFresh = ds.getConnection();
                 Connection arrivingAfterWrite = ds.getConnection();
                 Connection arrivingEarly = ds.getConnection()) {
                Cluster c = clusterOf(ds);

                // A transaction open on the primary.
                tx.setAutoCommit(false);
                try (Statement st = tx.createStatement()) {
                    st.executeUpdate("INSERT INTO av VALUES (10, 'transaction, never committed')");
                }
                assertThat(p.queryLong("SELECT COUNT(*) FROM information_schema.INNODB_TRX t JOIN "
                        + "information_schema.PROCESSLIST l ON l.ID = t.trx_mysql_thread_id WHERE l.USER = 'app'"))
                        .as("open transaction of the application user on p").isEqualTo(1);
                // A connection whose last statement was an autocommit write on the primary (it keeps that
                // primary connection for a following SELECT LAST_INSERT_ID()), and one that never used the primary.
                try (Statement st = arrivingAfterWrite.createStatement()) {
                    assertThat(st.executeUpdate("INSERT INTO av VALUES (20, 'before the kill')")).isEqualTo(1);
                }
                try (Statement st = arrivingFresh.createStatement()) {
                    st.executeQuery("SELECT 1").close();
                }

                // Reads go on meanwhile, on two more logical connections.
                WriteReadLoad reads = new WriteReadLoad(ds, "av", 0, 2, new AtomicLong());
                long killAt = 0;

                // Hold the failover open: the driver's promotion waits for this lock on its candidate.
                Connection lock1 = lock(cluster.replicas().get(0));
                Connection lock2 = lock(cluster.replicas().get(1));
                long releasedAt;
                long arrivingSentAt;
                Future<Integer> inFlightWrite;
                Future<Integer> txStatement;
                Future<Long> fresh;
                Future<Long> afterWrite;
                Future<Long> early = null;
                long earlySentAt = 0;
                try {
                    // An autocommit write in flight on the primary.
                    inFlightWrite = executor.submit(update(inFlight, "INSERT INTO av VALUES (1, SLEEP(30))"));
                    await("INSERT ... SLEEP running on p").atMost(Duration.ofSeconds(10)).pollInterval(ms(20))
                            .until(() -> p.queryLong("SELECT COUNT(*) FROM information_schema.PROCESSLIST "
                                    + "WHERE INFO LIKE 'INSERT INTO av VALUES (1, SLEEP%'") == 1);

                    killAt = System.nanoTime();
                    p.kill9();
                    // A statement sent at once, before the driver's checks may have noticed the primary down.
                    boolean knownDown = c.topology().primaryDown();
                    earlySentAt = System.nanoTime();
                    early = executor.submit(timedUpdate(arrivingEarly, "INSERT INTO av VALUES (5, 'arrived at once')"));
                    await("the driver sees the primary down").atMost(Duration.ofSeconds(10)).pollInterval(ms(5))
                            .until(() -> c.topology().primaryDown());
                    System.out.println("[app view] primary seen down " + millisSince(killAt) + " ms after the kill: "
                            + describe(c.topology()) + "; known down when the early statement was sent: " + knownDown);

                    // Statements arriving while the primary is down, and the open transaction's next statement.
                    arrivingSentAt = System.nanoTime();
                    fresh = executor.submit(timedUpdate(arrivingFresh, "INSERT INTO av VALUES (3, 'arrived, fresh')"));
                    afterWrite = executor.submit(timedUpdate(arrivingAfterWrite,
                            "INSERT INTO av VALUES (4, 'arrived, after a write')"));
                    txStatement = executor.submit(update(tx, "INSERT INTO av VALUES (11, 'transaction, second statement')"));

                    await("all wait while the failover is held").during(ms(HOLD_MS)).atMost(ms(HOLD_MS + 2_000))
                            .pollInterval(ms(20))
                            .until(() -> !inFlightWrite.isDone() && !txStatement.isDone());
                    assertThat(driverPrimary(c)).as("no promotion while the lock is held").isEqualTo(host(p));
                } finally {
                    releasedAt = System.nanoTime();
                    lock1.close(); // releases GET_LOCK
                    lock2.close();
                }

                SoftAssertions soft = new SoftAssertions();
                long released = releasedAt;
                await("reads after the promotion").atMost(Duration.ofSeconds(10)).pollInterval(ms(20))
                        .until(() -> reads.readsByServer(released + 1_000_000_000L).values().stream()
                                .mapToLong(Long::longValue).sum() > 20);
                reads.close();
                long readGap = reads.longestReadGapMs(killAt, releasedAt + 1_000_000_000L);
                System.out.println("[app view] reads during the failover: longest pause " + readGap + " ms, errors "
                        + WriteReadLoad.summary(reads.readFailures()));
                soft.assertThat(reads.readFailures()).as("read errors:\n" + WriteReadLoad.describe(reads.readFailures()))
                        .isEmpty();
                soft.assertThat(readGap).as("longest pause of reads from the kill to 1 s after the failover lock was "
                        + "released, ms").isLessThanOrEqualTo(1_000);
                // Statements that arrived while the primary was down waited and succeeded.
                java.util.Map<String, Future<Long>> arrivals = new java.util.LinkedHashMap<>();
                arrivals.put("a new logical connection", fresh);
                arrivals.put("a connection whose last statement was a write on the old primary", afterWrite);
                arrivals.put("a new logical connection, sent right after the kill", early);
                for (var e : arrivals.entrySet()) {
                    Object outcome = outcome(e.getValue());
                    long sentAt = e.getValue() == early ? earlySentAt : arrivingSentAt;
                    if (outcome instanceof Long doneAt) {
                        System.out.printf("[app view] statement sent while the primary was down on %s: done %d ms after "
                                        + "it was sent, %d ms after the failover lock was released%n", e.getKey(),
                                (doneAt - sentAt) / 1_000_000, (doneAt - releasedAt) / 1_000_000);
                        soft.assertThat(doneAt - releasedAt).as("%s: completed only after the failover could go on",
                                e.getKey()).isPositive();
                    } else {
                        soft.fail("a statement sent while the primary was down on " + e.getKey() + " failed after "
                                + (System.nanoTime() - sentAt) / 1_000_000 + " ms (or less) instead of waiting for the new "
                                + "primary: " + stackTrace((Throwable) outcome));
                    }
                }

                EmbeddedServer newPrimary = serverAt(cluster, driverPrimary(c));
                assertThat(newPrimary).as(describe(c.topology())).isIn(cluster.replicas());
                assertThat(writable(cluster)).as("writable servers" + describeServers(cluster)).containsExactly(newPrimary);

                // The in-flight autocommit write: 08S02, then the same connection works on the new primary.
                Object inFlightOutcome = outcome(inFlightWrite);
                soft.assertThat(inFlightOutcome).as("in-flight write: %s", describeOutcome(inFlightOutcome))
                        .isInstanceOf(PrimaryChangedException.class);
                if (inFlightOutcome instanceof SQLException e) {
                    soft.assertThat(e.getSQLState()).as("in-flight write SQLState").isEqualTo("08S02");
                }
                try (Statement st = inFlight.createStatement()) {
                    soft.assertThat(st.executeUpdate("INSERT INTO av VALUES (2, 'same connection after 08S02')"))
                            .isEqualTo(1);
                }
                soft.assertThat(primaryServerId(inFlight)).isEqualTo(newPrimary.serverId());

                // The open transaction: 08007, rollback, then the same connection works on the new primary.
                Object txOutcome = outcome(txStatement);
                soft.assertThat(txOutcome).as("statement in the open transaction: %s", describeOutcome(txOutcome))
                        .isInstanceOf(TransactionResolutionUnknownException.class);
                if (txOutcome instanceof SQLException e) {
                    soft.assertThat(e.getSQLState()).as("open transaction SQLState").isEqualTo("08007");
                }
                tx.rollback();
                try (Statement st = tx.createStatement()) {
                    soft.assertThat(st.executeUpdate("INSERT INTO av VALUES (12, 'same connection after rollback')"))
                            .isEqualTo(1);
                    try (ResultSet rs = st.executeQuery("SELECT @@server_id")) {
                        rs.next();
                        soft.assertThat(rs.getLong(1)).as("the transaction runs on the new primary")
                                .isEqualTo(newPrimary.serverId());
                    }
                }
                tx.commit();

                // The servers: what committed where (20 before the kill; 1, 10 and 11 never committed).
                soft.assertThat(ids(newPrimary)).as("rows on the new primary").isEqualTo("2,3,4,5,12,20");
                System.out.println("[app view] driver log:\n" + logs.describe());
                soft.assertAll();
            }
        } finally {
            executor.shutdownNow();
        }
    }

    @Test
    void noPromotableReplicaFailsWith08001NamingEveryHostAfterFailoverTimeout() throws Exception {
        long failoverTimeoutMs = 1_000;
        try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(2).start();
             FoobarDataSource ds = dataSource(cluster, URL + "&failoverTimeoutMs=" + failoverTimeoutMs,
                     cluster.appUser(), cluster.appPassword());
             Connection conn = ds.getConnection()) {
            EmbeddedServer p = cluster.primary();
            p.execute("CREATE TABLE app.nf (id INT PRIMARY KEY)");
            Cluster c = clusterOf(ds);
            try (Statement st = conn.createStatement()) {
                st.executeUpdate("INSERT INTO nf VALUES (1)");
            }
            for (EmbeddedServer r : cluster.replicas()) {
                r.kill9();
            }
            p.kill9();
            await("the driver sees the primary down").atMost(Duration.ofSeconds(10)).pollInterval(ms(5))
                    .until(() -> c.topology().primaryDown());

            long t0 = System.nanoTime();
            Throwable e;
            try (Statement st = conn.createStatement()) {
                e = catchThrowable(() -> st.executeUpdate("INSERT INTO nf VALUES (2)"));
            }
            long tookMs = millisSince(t0);
            System.out.println("[app view] no promotable replica: failed after " + tookMs + " ms: " + e);
            assertThat(e).isInstanceOf(SQLException.class);
            assertThat(((SQLException) e).getSQLState()).as(stackTrace(e)).isEqualTo("08001");
            for (EmbeddedServer s : cluster.servers()) {
                assertThat(e.getMessage()).as("names " + s).contains(s.hostAndPort());
            }
            assertThat(tookMs).as("ms until it failed (failoverTimeoutMs=%d)", failoverTimeoutMs)
                    .isBetween(failoverTimeoutMs - 100, failoverTimeoutMs + 3_000);
        }
    }

    private static Connection lock(EmbeddedServer s) throws SQLException {
        Connection c = s.adminConnection();
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT GET_LOCK('" + FAILOVER_LOCK + "', 0)")) {
            rs.next();
            assertThat(rs.getInt(1)).as("failover lock taken on " + s).isEqualTo(1);
        }
        return c;
    }

    private static Callable<Integer> update(Connection c, String sql) {
        return () -> {
            try (Statement st = c.createStatement()) {
                return st.executeUpdate(sql);
            }
        };
    }

    /** Runs an update and returns when it completed (System.nanoTime()). */
    private static Callable<Long> timedUpdate(Connection c, String sql) {
        return () -> {
            try (Statement st = c.createStatement()) {
                st.executeUpdate(sql);
            }
            return System.nanoTime();
        };
    }

    /** The future's result, or the exception it failed with. */
    private static Object outcome(Future<?> f) throws Exception {
        try {
            return f.get(40, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    private static String describeOutcome(Object o) {
        return o instanceof Throwable t ? stackTrace(t) : "returned " + o;
    }

    private static String ids(EmbeddedServer s) {
        return s.queryString("SELECT GROUP_CONCAT(id ORDER BY id) FROM app.av");
    }
}
