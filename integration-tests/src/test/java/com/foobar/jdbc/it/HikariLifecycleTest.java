package com.foobar.jdbc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.foobar.jdbc.it.frameworks.UserCounters;
import com.foobar.jdbc.it.support.ServerProbe;
import com.foobar.jdbc.it.support.SharedCluster;
import com.foobar.jdbc.jdbc.FoobarConnection;
import com.foobar.testcluster.EmbeddedCluster;
import com.foobar.testcluster.EmbeddedServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * HikariCP's connection life cycle with the driver behind it, with HikariCP's defaults: the {@code isValid} check
 * of a connection idle for more than 500 ms, retirement ({@code maxLifetime} and eviction both end in HikariCP's
 * soft eviction, which closes the logical connection once it is idle), {@code abort} of connections still in use
 * when the pool shuts down, and the reset of the transaction isolation on return. What happened is read from the
 * servers: {@code @@server_id} and session variables computed by the server that ran a query, this class's own
 * user's {@code USER_STATISTICS} and {@code PROCESSLIST} rows, pings ({@code Com_admin_commands}), and row locks
 * seen from another session on the primary.
 *
 * <p>{@code maxLifetime} itself is at least 30 s in HikariCP, too slow for this suite: when it expires, HikariCP
 * calls the same soft eviction that {@code HikariPoolMXBean.softEvictConnections()} calls here.
 */
@ExtendWith(SharedCluster.class)
class HikariLifecycleTest {

    private static final String TABLE = "hikari_lifecycle";
    /** Small per-host pools: a physical connection not given back would exhaust them within two rounds. */
    private static final String DRIVER_PROPERTIES = ServerProbe.QUIET_MONITOR
            + "&maxConnectionsPerHost=2&connectionAcquireTimeoutMs=2000";
    private static final Duration IDLE_BEYOND_ALIVE_BYPASS = Duration.ofMillis(700);
    private static final AtomicLong NEXT_ID = new AtomicLong(1);

    private static EmbeddedCluster cluster;
    private static UserCounters counters;
    private static int primaryId;
    private static Set<Integer> replicaIds;

    @BeforeAll
    static void setUp(EmbeddedCluster sharedCluster) {
        cluster = sharedCluster;
        primaryId = cluster.primary().serverId();
        replicaIds = cluster.replicas().stream().map(EmbeddedServer::serverId).collect(Collectors.toSet());
        counters = UserCounters.createUser(cluster, "it_hikari_life");
        cluster.primary().execute("CREATE OR REPLACE TABLE app." + TABLE
                + " (id BIGINT PRIMARY KEY, note VARCHAR(60), written_by INT NOT NULL)");
        cluster.awaitReplicationCaughtUp(Duration.ofSeconds(30));
    }

    private static HikariDataSource pool(String name, int size) {
        HikariConfig config = new HikariConfig();
        config.setPoolName(name);
        config.setJdbcUrl(cluster.foobarUrl(DRIVER_PROPERTIES));
        config.setUsername(counters.user());
        config.setPassword(counters.password());
        config.setMaximumPoolSize(size);
        return new HikariDataSource(config);
    }

    // ------------------------------------------------------------------------------------------------
    // isValid

    @Test
    void idleConnection_isValidOnBorrow_isKept_andStillRoutes() throws Exception {
        try (HikariDataSource pool = pool("it-life-isvalid", 1)) {
            FoobarConnection logical;
            try (Connection c = pool.getConnection()) {
                logical = c.unwrap(FoobarConnection.class);
                assertRoutes(c, "fresh");
            }
            long returned = System.nanoTime();
            awaitIdle(returned);
            // HikariCP calls isValid() on a connection idle for more than 500 ms before handing it out.
            UserCounters.Delta borrow = counters.measure(() -> {
                try (Connection c = pool.getConnection()) {
                    assertThat(c.unwrap(FoobarConnection.class)).as("the same logical connection").isSameAs(logical);
                }
            });
            assertThat(borrow.pings(cluster.primary())).as("isValid pinged the primary (%s)", borrow).isPositive();
            assertThat(borrow.primary().totalCommands() + borrow.statementsOnReplicas())
                    .as("isValid sends no statement (%s)", borrow).isZero();
            assertThat(pool.getHikariPoolMXBean().getTotalConnections()).as("connections in the pool").isEqualTo(1);

            try (Connection c = pool.getConnection()) {
                assertThat(c.isValid(2)).as("isValid, autocommit").isTrue();
                c.setReadOnly(true);
                UserCounters.Delta replicaPings = counters.measure(() -> {
                    for (int i = 0; i < 10; i++) {
                        assertThat(c.isValid(2)).isTrue();
                    }
                });
                // Com_admin_commands is global: other pools of this JVM may ping too (HikariCP's keepalive), so allow a
                // little noise, but the 10 checks themselves went to replicas
                long onReplicas = cluster.replicas().stream().mapToLong(replicaPings::pings).sum();
                assertThat(onReplicas).as("read-only isValid pings replicas (%s)", replicaPings).isGreaterThanOrEqualTo(10);
                assertThat(replicaPings.pings(cluster.primary())).as("read-only isValid pings on the primary (%s)",
                        replicaPings).isLessThan(10);
                c.setReadOnly(false);
                c.setAutoCommit(false);
                insertRow(c, NEXT_ID.getAndIncrement(), "isValid in a transaction");
                assertThat(c.isValid(2)).as("isValid inside a transaction").isTrue();
                c.commit();
                c.setAutoCommit(true);
                assertRoutes(c, "after isValid");
            }
        }
    }

    /**
     * The servers close the idle physical connections (as {@code wait_timeout} or a restarted proxy would): the
     * pooled logical connection is still valid, and its next statements run on new physical connections, reads
     * on the replicas and writes on the primary.
     */
    @Test
    void physicalConnectionsClosedByTheServers_whileIdle_nextBorrowerStillWorks() throws Exception {
        try (HikariDataSource pool = pool("it-life-killed", 1)) {
            FoobarConnection logical;
            try (Connection c = pool.getConnection()) {
                logical = c.unwrap(FoobarConnection.class);
                assertRoutes(c, "before the kill");
            }
            killConnectionsOfTheUser();
            long killed = System.nanoTime();
            awaitIdle(killed);
            UserCounters.Delta d = counters.measure(() -> {
                try (Connection c = pool.getConnection()) {
                    assertThat(c.unwrap(FoobarConnection.class)).as("the same logical connection").isSameAs(logical);
                    assertThat(c.isValid(2)).isTrue();
                    assertRoutes(c, "after the servers closed its physical connections");
                }
            });
            assertThat(d.primary().totalConnections()).as("new physical connections to the primary (%s)", d).isPositive();
            for (EmbeddedServer r : cluster.replicas()) {
                assertThat(d.on(r).totalConnections()).as("new physical connections to %s (%s)", r, d).isPositive();
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Retirement (maxLifetime, soft eviction) and eviction

    @Test
    void softEviction_asMaxLifetimeDoes_closesLogicalConnections_andGivesBackTheirPhysicalConnections() throws Exception {
        try (HikariDataSource pool = pool("it-life-retire", 2)) {
            for (int round = 0; round < 4; round++) {
                long id = NEXT_ID.getAndIncrement();
                FoobarConnection retired;
                try (Connection c = pool.getConnection()) {
                    retired = c.unwrap(FoobarConnection.class);
                    c.setAutoCommit(false);
                    insertRow(c, id, "uncommitted, round " + round);
                    // retired while in use: HikariCP closes it when it comes back
                    pool.getHikariPoolMXBean().softEvictConnections();
                }
                await("logical connection closed by HikariCP").atMost(Duration.ofSeconds(10)).until(retired::isClosed);
                assertRolledBackAndUnlocked(id);
                try (Connection c = pool.getConnection()) {
                    assertThat(c.unwrap(FoobarConnection.class)).as("a new logical connection").isNotSameAs(retired);
                    assertRoutes(c, "after retirement, round " + round);
                }
            }
            // an idle connection is retired at once
            FoobarConnection idle;
            try (Connection c = pool.getConnection()) {
                idle = c.unwrap(FoobarConnection.class);
            }
            pool.getHikariPoolMXBean().softEvictConnections();
            await("idle logical connection closed").atMost(Duration.ofSeconds(10)).until(idle::isClosed);
            assertAtMostPerHostPoolSizeConnections();
        }
    }

    @Test
    void evictConnection_inUse_withAnOpenTransaction_rollsBack_andGivesBackThePhysicalConnection() throws Exception {
        try (HikariDataSource pool = pool("it-life-evict", 2)) {
            for (int round = 0; round < 3; round++) {
                long id = NEXT_ID.getAndIncrement();
                Connection c = pool.getConnection();
                FoobarConnection evicted = c.unwrap(FoobarConnection.class);
                c.setAutoCommit(false);
                insertRow(c, id, "evicted, round " + round);
                pool.evictConnection(c);
                await("evicted logical connection closed").atMost(Duration.ofSeconds(10)).until(evicted::isClosed);
                assertRolledBackAndUnlocked(id);
                try (Connection next = pool.getConnection()) {
                    assertRoutes(next, "after evictConnection, round " + round);
                }
            }
            assertAtMostPerHostPoolSizeConnections();
        }
    }

    /**
     * HikariCP aborts ({@code Connection.abort}) the connections still in use when the pool shuts down: the driver
     * closes the physical connection at once, so the server rolls the transaction back and frees its locks.
     */
    @Test
    void poolShutdown_abortsAConnectionInUse_theServerRollsBackAndFreesTheLock() throws Exception {
        long id = NEXT_ID.getAndIncrement();
        HikariDataSource pool = pool("it-life-abort", 2);
        Connection c = pool.getConnection();
        FoobarConnection logical = c.unwrap(FoobarConnection.class);
        c.setAutoCommit(false);
        insertRow(c, id, "aborted");
        long connectionId;
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT CONNECTION_ID(), @@server_id")) {
            rs.next();
            connectionId = rs.getLong(1);
            assertThat(rs.getInt(2)).as("server of the transaction").isEqualTo(primaryId);
        }
        assertThat(processlistCount(cluster.primary(), "ID = " + connectionId)).isEqualTo(1);

        pool.close(); // the connection is still borrowed

        assertThat(logical.isClosed()).as("logical connection aborted").isTrue();
        await("the physical connection is gone from the primary").atMost(Duration.ofSeconds(10))
                .until(() -> processlistCount(cluster.primary(), "ID = " + connectionId) == 0);
        assertRolledBackAndUnlocked(id);
        assertThatThrownBy(c::createStatement).isInstanceOf(SQLException.class);
    }

    // ------------------------------------------------------------------------------------------------
    // Isolation reset on return (read-only, autocommit, catalog and SQL settings: HikariFrontTest)

    @Test
    void isolationChangedAndReturned_nextBorrowerHasThePoolDefault_onEveryServer() throws Exception {
        try (HikariDataSource pool = pool("it-life-isolation", 1)) {
            int defaultLevel;
            try (Connection c = pool.getConnection()) {
                defaultLevel = c.getTransactionIsolation();
                assertThat(defaultLevel).isEqualTo(Connection.TRANSACTION_REPEATABLE_READ);
                c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
                assertIsolationEverywhere(c, "SERIALIZABLE");
            }
            try (Connection c = pool.getConnection()) {
                assertThat(c.getTransactionIsolation()).isEqualTo(defaultLevel);
                assertIsolationEverywhere(c, "REPEATABLE-READ");
                assertRoutes(c, "after the isolation reset");
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Helpers

    /** Reads on both replicas (and nothing of it on the primary), a write on the primary. */
    private static void assertRoutes(Connection c, String when) throws Exception {
        assertThat(c.getAutoCommit()).as("autocommit %s", when).isTrue();
        assertThat(c.isReadOnly()).as("read-only %s", when).isFalse();
        Set<Integer> readers = new HashSet<>();
        UserCounters.Delta d = counters.measure(() -> {
            for (int i = 0; i < 4; i++) {
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@server_id")) {
                    rs.next();
                    readers.add(rs.getInt(1));
                }
            }
        });
        assertThat(readers).as("servers of 4 reads %s", when).isEqualTo(replicaIds);
        assertThat(d.primary().selectCommands()).as("reads on the primary %s (%s)", when, d).isZero();
        long id = NEXT_ID.getAndIncrement();
        insertRow(c, id, when);
        assertThat(cluster.primary().queryLong("SELECT written_by FROM app." + TABLE + " WHERE id = " + id))
                .as("server of the insert %s", when).isEqualTo(primaryId);
    }

    private static void assertIsolationEverywhere(Connection c, String expected) throws SQLException {
        Set<Integer> servers = new HashSet<>();
        for (int i = 0; i < 2; i++) {
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT @@server_id, @@session.transaction_isolation")) {
                rs.next();
                servers.add(rs.getInt(1));
                assertThat(rs.getString(2)).as("isolation on server_id %d", rs.getInt(1)).isEqualTo(expected);
            }
        }
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("/* foobar:primary */ SELECT @@server_id, @@session.transaction_isolation")) {
            rs.next();
            servers.add(rs.getInt(1));
            assertThat(rs.getString(2)).as("isolation on the primary").isEqualTo(expected);
        }
        Set<Integer> all = new HashSet<>(replicaIds);
        all.add(primaryId);
        assertThat(servers).as("servers that answered").isEqualTo(all);
    }

    private static void insertRow(Connection c, long id, String note) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO " + TABLE + " (id, note, written_by) VALUES (?, ?, @@server_id)")) {
            ps.setLong(1, id);
            ps.setString(2, note);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    /** The row is not on the primary, and nobody holds a lock on its key. */
    private static void assertRolledBackAndUnlocked(long id) {
        assertThat(cluster.primary().queryLong("SELECT COUNT(*) FROM app." + TABLE + " WHERE id = " + id))
                .as("uncommitted row %d on the primary", id).isZero();
        // a key still locked by an open transaction would fail at once (NOWAIT) with a lock wait error
        try (Connection admin = cluster.primary().adminConnection(); Statement st = admin.createStatement()) {
            admin.setAutoCommit(false);
            st.executeQuery("SELECT id FROM app." + TABLE + " WHERE id = " + id + " FOR UPDATE NOWAIT").close();
            admin.rollback();
        } catch (SQLException e) {
            throw new AssertionError("key " + id + " still locked on the primary: " + e, e);
        }
    }

    /** The user's connections on each server are no more than the driver's per-host pool allows. */
    private static void assertAtMostPerHostPoolSizeConnections() {
        for (EmbeddedServer s : cluster.servers()) {
            // maxConnectionsPerHost=2, plus the monitor's own connection
            assertThat(processlistCount(s, null)).as("connections of %s on %s", counters.user(), s).isLessThanOrEqualTo(3);
        }
    }

    private static long processlistCount(EmbeddedServer server, String where) {
        return server.queryLong("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '" + counters.user() + "'"
                + (where == null ? "" : " AND " + where));
    }

    /** Every server closes this user's connections, as {@code wait_timeout} would. */
    private static void killConnectionsOfTheUser() {
        for (EmbeddedServer s : cluster.servers()) {
            String ids = s.queryString("SELECT GROUP_CONCAT(ID) FROM information_schema.PROCESSLIST WHERE USER = '"
                    + counters.user() + "'");
            if (ids != null) {
                for (String id : ids.split(",")) {
                    s.execute("KILL CONNECTION " + id);
                }
            }
            await("connections of " + counters.user() + " gone from " + s).atMost(Duration.ofSeconds(10))
                    .until(() -> processlistCount(s, null) == 0);
        }
    }

    /** Polls until HikariCP's 500 ms alive-bypass window (and the driver's pools' one) has passed since {@code since}. */
    private static void awaitIdle(long since) {
        await("idle beyond HikariCP's alive-bypass window").pollInterval(Duration.ofMillis(50)).atMost(Duration.ofSeconds(5))
                .until(() -> System.nanoTime() - since >= IDLE_BEYOND_ALIVE_BYPASS.toNanos());
    }
}
