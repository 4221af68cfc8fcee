package com.foobar.jdbc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.foobar.jdbc.it.support.ServerProbe;
import com.foobar.jdbc.it.support.ServerProbe.Deltas;
import com.foobar.jdbc.it.support.ServerProbe.Snapshot;
import com.foobar.jdbc.it.support.ServerProbe.TestUser;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The driver behind an application HikariCP pool, configured both ways HikariCP offers ({@code jdbcUrl}
 * through {@code DriverManager}, and {@code dataSourceClassName} = {@code FoobarDataSource}). Where each
 * statement ran is read from the servers: {@code @@server_id} values computed by the server that ran the
 * statement (also stored by writes, {@code written_by = @@server_id}) and the per-user counters
 * ({@code USER_STATISTICS}) of this class's own user (see {@link ServerProbe}), through which every pool of
 * this class connects.
 */
@ExtendWith(SharedCluster.class)
class HikariFrontTest {

    private static final String TABLE = "hikari_front";
    private static final String ROWS = "hikari_front_rows";
    private static final String OTHER_SCHEMA = "hikari_front_other";
    private static final int TABLE_ROWS = 100;
    private static final AtomicLong NEXT_ID = new AtomicLong(1_000);

    private static int primaryId;
    private static Set<Integer> replicaIds;
    private static ServerProbe probe;
    /**
     * This class's own user (rights on {@code app} and {@link #OTHER_SCHEMA}): the statements counted are its
     * statements only (not other clusters' monitors).
     */
    private static TestUser user;

    @BeforeAll
    static void createTables(EmbeddedCluster cluster) {
        probe = new ServerProbe(cluster);
        user = probe.createUser("it_hikari", "GRANT ALL PRIVILEGES ON " + OTHER_SCHEMA + ".* TO {user}");
        EmbeddedServer primary = cluster.primary();
        StringBuilder insert = new StringBuilder("INSERT INTO app." + TABLE + " (id, v, hits) VALUES ");
        for (int i = 1; i <= TABLE_ROWS; i++) {
            insert.append(i == 1 ? "" : ",").append("(").append(i).append(", 'row ").append(i).append("', 0)");
        }
        primary.execute("CREATE OR REPLACE TABLE app." + TABLE
                + " (id INT PRIMARY KEY, v VARCHAR(40) NOT NULL, hits INT NOT NULL, updated_by INT NULL)");
        primary.execute(insert.toString());
        primary.execute("CREATE OR REPLACE TABLE app." + ROWS
                + " (id BIGINT PRIMARY KEY, note VARCHAR(60), written_by INT NOT NULL)");
        primary.execute("CREATE DATABASE IF NOT EXISTS " + OTHER_SCHEMA);
        primary.execute("CREATE OR REPLACE TABLE " + OTHER_SCHEMA + ".marker (id INT PRIMARY KEY)");
        primary.execute("INSERT INTO " + OTHER_SCHEMA + ".marker VALUES (7)");
        cluster.awaitReplicationCaughtUp(Duration.ofSeconds(30));
        primaryId = primary.serverId();
        replicaIds = cluster.replicas().stream().map(EmbeddedServer::serverId).collect(Collectors.toSet());
    }

    @AfterAll
    static void closeProbe() {
        if (probe != null) {
            probe.close();
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Configuration styles

    @Test
    void jdbcUrlConfiguration_writesOnPrimary_readsOnReplicas(EmbeddedCluster cluster) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setPoolName("it-hikari-jdbcurl");
        config.setJdbcUrl(probe.quietUrl());
        config.setUsername(user.name());
        config.setPassword(user.password());
        config.setMaximumPoolSize(4);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            assertWritesOnPrimaryAndReadsOnReplicas(cluster, pool);
        }
    }

    @Test
    void dataSourceClassNameConfiguration_writesOnPrimary_readsOnReplicas(EmbeddedCluster cluster) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setPoolName("it-hikari-dsclass");
        config.setDataSourceClassName("com.foobar.jdbc.FoobarDataSource");
        config.addDataSourceProperty("url", probe.quietUrl());
        config.addDataSourceProperty("user", user.name());
        config.addDataSourceProperty("password", user.password());
        config.setMaximumPoolSize(4);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            assertWritesOnPrimaryAndReadsOnReplicas(cluster, pool);
        }
    }

    private static void assertWritesOnPrimaryAndReadsOnReplicas(EmbeddedCluster cluster, HikariDataSource pool)
            throws SQLException {
        List<Integer> readServers = new ArrayList<>();
        long id = NEXT_ID.getAndIncrement();
        try (Connection c = pool.getConnection()) {
            for (int i = 0; i < 8; i++) {
                readServers.add(readServerId(c, 1 + i));
            }
            insertRow(c, id, "configuration style");
        }
        assertThat(readServers).as("servers that ran the reads").allMatch(replicaIds::contains);
        assertThat(Set.copyOf(readServers)).as("both replicas served reads").isEqualTo(replicaIds);
        assertThat(cluster.primary().queryLong("SELECT written_by FROM app." + ROWS + " WHERE id = " + id))
                .as("server that ran the INSERT").isEqualTo(primaryId);
    }

    // ------------------------------------------------------------------------------------------------
    // Load: 16 threads share one pool

    @Test
    void sixteenThreadsShareOnePool_readsSpreadEvenly_writesOnPrimary_noErrors(EmbeddedCluster cluster) throws Exception {
        final int threads = 16;
        final int opsPerThread = 200;
        HikariConfig config = new HikariConfig();
        config.setPoolName("it-hikari-load");
        config.setJdbcUrl(probe.quietUrl());
        config.setUsername(user.name());
        config.setPassword(user.password());
        config.setMaximumPoolSize(threads);

        EmbeddedServer primary = cluster.primary();
        try (HikariDataSource pool = new HikariDataSource(config)) {
            // Warm up: the cluster and the application pool, with all its logical connections, exist before
            // the counters are read.
            try (Connection c = pool.getConnection()) {
                readServerId(c, 1);
            }
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> pool.getHikariPoolMXBean().getTotalConnections() == threads);
            Snapshot before = probe.snapshot(user);

            Map<Integer, AtomicInteger> readsByServer = new ConcurrentHashMap<>();
            AtomicInteger updates = new AtomicInteger();
            List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
            CountDownLatch start = new CountDownLatch(1);
            ExecutorService executor = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    final int thread = t;
                    futures.add(executor.submit(() -> {
                        start.await();
                        for (int op = 0; op < opsPerThread; op++) {
                            int key = 1 + (thread * opsPerThread + op) % TABLE_ROWS;
                            try (Connection c = pool.getConnection()) {
                                if (op % 10 == 9) {
                                    try (PreparedStatement ps = c.prepareStatement("UPDATE " + TABLE
                                            + " SET hits = hits + 1, updated_by = @@server_id WHERE id = ?")) {
                                        ps.setInt(1, key);
                                        assertThat(ps.executeUpdate()).isEqualTo(1);
                                    }
                                    updates.incrementAndGet();
                                } else {
                                    int server = readServerId(c, key);
                                    readsByServer.computeIfAbsent(server, k -> new AtomicInteger()).incrementAndGet();
                                }
                            } catch (Throwable e) {
                                errors.add(e);
                            }
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : futures) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                executor.shutdownNow();
            }
            Deltas d = probe.since(before);

            assertThat(errors).as("errors during the run").isEmpty();
            int totalReads = threads * opsPerThread * 9 / 10;
            int totalUpdates = threads * opsPerThread / 10;
            assertThat(updates.get()).isEqualTo(totalUpdates);

            Map<Integer, Integer> reads = new TreeMap<>();
            readsByServer.forEach((k, v) -> reads.put(k, v.get()));
            assertThat(reads.keySet()).as("servers that answered SELECT @@server_id: %s", reads)
                    .containsExactlyInAnyOrderElementsOf(replicaIds);
            assertThat(reads.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(totalReads);
            double even = totalReads / (double) replicaIds.size();
            for (int server : replicaIds) {
                assertThat((double) reads.get(server)).as("reads answered by server_id %d (all: %s)", server, reads)
                        .isBetween(even * 0.9, even * 1.1);
            }

            // Each replica counted every read it answered, and no other SELECT of this class's user but the one
            // each new physical connection runs while connecting (the driver's pools grow under 16 threads).
            Map<Integer, Long> newConnections = new TreeMap<>();
            Map<Integer, Long> otherSelects = new TreeMap<>();
            for (EmbeddedServer s : cluster.servers()) {
                String role = probe.role(s.serverId());
                newConnections.put(s.serverId(), d.of(role, ServerProbe.CONNECTIONS));
                otherSelects.put(s.serverId(), d.of(role, ServerProbe.SELECTS)
                        - ServerProbe.SELECTS_PER_NEW_CONNECTION * d.of(role, ServerProbe.CONNECTIONS)
                        - (s.serverId() == primaryId ? 0 : reads.get(s.serverId())));
            }
            Map<Integer, Long> expectedOther = new LinkedHashMap<>();
            newConnections.keySet().forEach(id -> expectedOther.put(id, 0L));
            assertThat(otherSelects).as("SELECTs of %s by server_id beyond the reads each answered and the SELECT of "
                            + "each new connection (reads: %s, new connections: %s, %s); on the primary no read may run",
                    user, reads, newConnections, d).isEqualTo(expectedOther);
            // Replicas count replicated row events in Com_update, never in the user's UPDATE statements: those tell
            // where the application's updates ran.
            for (EmbeddedServer s : cluster.servers()) {
                assertThat(d.of(probe.role(s.serverId()), ServerProbe.UPDATES))
                        .as("UPDATE/INSERT statements of %s on server_id %d (%s)", user, s.serverId(), d)
                        .isEqualTo(s.serverId() == primaryId ? totalUpdates : 0);
            }
            assertThat(primary.queryLong("SELECT COUNT(*) FROM app." + TABLE + " WHERE updated_by IS NOT NULL AND updated_by <> "
                    + primaryId)).as("rows updated by a server other than the primary").isZero();
            assertThat(primary.queryLong("SELECT SUM(hits) FROM app." + TABLE)).isGreaterThanOrEqualTo(totalUpdates);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // One long-lived pooled connection

    @Test
    void oneLongLivedPooledConnection_spreadsReadsOverBothReplicas(EmbeddedCluster cluster) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setPoolName("it-hikari-single");
        config.setJdbcUrl(probe.quietUrl());
        config.setUsername(user.name());
        config.setPassword(user.password());
        config.setMaximumPoolSize(1);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            Map<Integer, Integer> heldReads = new TreeMap<>();
            try (Connection c = pool.getConnection()) {
                for (int i = 0; i < 100; i++) {
                    heldReads.merge(readServerId(c, 1 + i % TABLE_ROWS), 1, Integer::sum);
                }
            }
            assertThat(heldReads.keySet()).as("servers that answered one held connection's reads: %s", heldReads)
                    .containsExactlyInAnyOrderElementsOf(replicaIds);
            for (int n : heldReads.values()) {
                assertThat(n).as("reads per replica over one connection: %s", heldReads).isBetween(45, 55);
            }

            // The same single pooled connection borrowed and returned for each read.
            Map<Integer, Integer> borrowedReads = new TreeMap<>();
            for (int i = 0; i < 40; i++) {
                try (Connection c = pool.getConnection()) {
                    borrowedReads.merge(readServerId(c, 1 + i), 1, Integer::sum);
                }
            }
            assertThat(borrowedReads.keySet()).as("servers, one borrow per read: %s", borrowedReads)
                    .containsExactlyInAnyOrderElementsOf(replicaIds);
            for (int n : borrowedReads.values()) {
                assertThat(n).as("reads per replica, one borrow per read: %s", borrowedReads).isBetween(18, 22);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Connections returned in every state

    @Test
    void connectionReturnedInAnyState_nextBorrowerGetsACleanConnection(EmbeddedCluster cluster) throws Exception {
        EmbeddedServer primary = cluster.primary();
        HikariConfig config = new HikariConfig();
        config.setPoolName("it-hikari-reset");
        config.setJdbcUrl(probe.quietUrl());
        config.setUsername(user.name());
        config.setPassword(user.password());
        config.setMaximumPoolSize(1);
        // HikariCP restores the catalog on return only when the pool has a configured catalog.
        config.setCatalog(cluster.database());
        try (HikariDataSource pool = new HikariDataSource(config)) {
            Object logical;
            try (Connection c = pool.getConnection()) {
                logical = c.unwrap(FoobarConnection.class);
                assertClean(c, cluster, "fresh");
            }

            // 1. read-only on
            try (Connection c = pool.getConnection()) {
                c.setReadOnly(true);
                assertThat(replicaIds).contains(readServerId(c, 3));
            }
            try (Connection c = pool.getConnection()) {
                assertThat(c.unwrap(FoobarConnection.class)).as("pool of one: same logical connection").isSameAs(logical);
                assertClean(c, cluster, "after read-only");
            }

            // 2. autocommit off with an uncommitted insert
            long uncommitted = NEXT_ID.getAndIncrement();
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(false);
                insertRow(c, uncommitted, "must be rolled back");
                // returned without commit
            }
            try (Connection c = pool.getConnection()) {
                assertClean(c, cluster, "after an open transaction");
                try (Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("/* foobar:primary */ SELECT COUNT(*) FROM " + ROWS + " WHERE id = "
                                + uncommitted)) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("uncommitted insert seen by the next borrower").isZero();
                }
            }
            assertThat(primary.queryLong("SELECT COUNT(*) FROM app." + ROWS + " WHERE id = " + uncommitted))
                    .as("uncommitted insert visible on the primary").isZero();
            // Rolled back, not merely left open: the key is not locked any more.
            primary.execute("SET SESSION innodb_lock_wait_timeout = 3; INSERT INTO app." + ROWS
                    + " (id, note, written_by) VALUES (" + uncommitted + ", 'lock probe', 0); DELETE FROM app." + ROWS
                    + " WHERE id = " + uncommitted);

            // 3. changed catalog
            try (Connection c = pool.getConnection()) {
                c.setCatalog(OTHER_SCHEMA);
                assertThat(c.getCatalog()).isEqualTo(OTHER_SCHEMA);
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT id FROM marker")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getInt(1)).isEqualTo(7);
                }
            }
            try (Connection c = pool.getConnection()) {
                assertClean(c, cluster, "after setCatalog");
            }

            // 4. a session variable set in SQL
            long defaultLen = primary.queryLong("SELECT @@global.group_concat_max_len");
            long customLen = defaultLen == 12345 ? 12346 : 12345;
            try (Connection c = pool.getConnection()) {
                try (Statement st = c.createStatement()) {
                    st.execute("SET SESSION group_concat_max_len = " + customLen);
                }
                for (int i = 0; i < 4; i++) {
                    try (Statement st = c.createStatement();
                            ResultSet rs = st.executeQuery("SELECT @@server_id, @@session.group_concat_max_len")) {
                        rs.next();
                        assertThat(replicaIds).contains(rs.getInt(1));
                        assertThat(rs.getLong(2)).as("the setting follows the connection to server_id %d", rs.getInt(1))
                                .isEqualTo(customLen);
                    }
                }
            }
            try (Connection c = pool.getConnection()) {
                assertClean(c, cluster, "after SET SESSION");
            }
            // Another logical connection on the same physical pools never sees that setting.
            try (Connection other = probe.connect(user)) {
                Set<Integer> seen = new HashSet<>();
                for (int i = 0; i < 4; i++) {
                    try (Statement st = other.createStatement();
                            ResultSet rs = st.executeQuery("SELECT @@server_id, @@session.group_concat_max_len")) {
                        rs.next();
                        seen.add(rs.getInt(1));
                        assertThat(rs.getLong(2)).as("another logical connection's setting leaked to server_id %d",
                                rs.getInt(1)).isEqualTo(defaultLen);
                    }
                }
                assertThat(seen).isEqualTo(replicaIds);
            }
        }
    }

    /**
     * The other kind of session variable set in SQL: a user variable ({@code SET @v = ...}), whose state the
     * driver cannot replay, so it pins the logical connection to the primary. HikariCP (by default) never
     * closes its logical connections and never calls {@code endRequest()}; it calls {@code clearWarnings()} and
     * resets the JDBC state on every return. The next borrower must still get a clean connection: reads on
     * the replicas, writes on the primary.
     */
    @Test
    void connectionReturnedAfterUserVariableAssignment_nextBorrowerReadsOnReplicas(EmbeddedCluster cluster)
            throws Exception {
        HikariConfig config = new HikariConfig();
        config.setPoolName("it-hikari-uservar");
        config.setJdbcUrl(probe.quietUrl());
        config.setUsername(user.name());
        config.setPassword(user.password());
        config.setMaximumPoolSize(1);
        config.setCatalog(cluster.database());
        try (HikariDataSource pool = new HikariDataSource(config)) {
            try (Connection c = pool.getConnection()) {
                assertClean(c, cluster, "fresh");
            }
            try (Connection c = pool.getConnection()) {
                try (Statement st = c.createStatement()) {
                    st.execute("SET @it_hikari_marker = 42");
                }
                // pinned while borrowed: the variable is readable, on the primary
                try (Statement st = c.createStatement();
                        ResultSet rs = st.executeQuery("SELECT @@server_id, @it_hikari_marker")) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("server that ran a read of the user variable").isEqualTo(primaryId);
                    assertThat(rs.getInt(2)).isEqualTo(42);
                }
            }
            try (Connection c = pool.getConnection()) {
                assertClean(c, cluster, "after SET @user_variable and return to HikariCP");
            }
        }
    }

    /**
     * autocommit on, read-only off, catalog {@code app}, reads on both replicas, a write on the primary.
     */
    private static void assertClean(Connection c, EmbeddedCluster cluster, String after) throws SQLException {
        assertThat(c.getAutoCommit()).as("autocommit %s", after).isTrue();
        assertThat(c.isReadOnly()).as("read-only %s", after).isFalse();
        assertThat(c.getCatalog()).as("catalog %s", after).isEqualTo(cluster.database());
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT DATABASE()")) {
            rs.next();
            assertThat(rs.getString(1)).as("DATABASE() %s", after).isEqualTo(cluster.database());
        }
        Set<Integer> readServers = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            // unqualified table name: only works in the app schema
            readServers.add(readServerId(c, 1 + i));
        }
        assertThat(readServers).as("servers that ran the reads %s", after).isEqualTo(replicaIds);
        long id = NEXT_ID.getAndIncrement();
        insertRow(c, id, after);
        assertThat(cluster.primary().queryLong("SELECT written_by FROM app." + ROWS + " WHERE id = " + id))
                .as("server that ran the INSERT %s", after).isEqualTo(primaryId);
    }

    // ------------------------------------------------------------------------------------------------
    // Helpers

    /** Reads one row by primary key; returns the {@code @@server_id} of the server that ran the SELECT. */
    private static int readServerId(Connection c, int key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT @@server_id, v FROM " + TABLE + " WHERE id = ?")) {
            ps.setInt(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as("row %d exists", key).isTrue();
                assertThat(rs.getString(2)).isEqualTo("row " + key);
                return rs.getInt(1);
            }
        }
    }

    private static void insertRow(Connection c, long id, String note) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + ROWS + " (id, note, written_by) VALUES (?, ?, @@server_id)")) {
            ps.setLong(1, id);
            ps.setString(2, note);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }
}
