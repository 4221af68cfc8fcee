package com.foobar.jdbc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.foobar.jdbc.it.support.ServerProbe;
import com.foobar.jdbc.it.support.ServerProbe.Deltas;
import com.foobar.jdbc.it.support.ServerProbe.SqlAction;
import com.foobar.jdbc.it.support.ServerProbe.TestUser;
import com.foobar.jdbc.it.support.SharedCluster;
import com.foobar.testcluster.EmbeddedCluster;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Transactions: with autocommit off (or a transaction begun in SQL) every statement runs on one physical
 * connection, on the primary, or on one replica when the connection is read-only. Where statements ran is
 * read from the servers: {@code @@server_id}, {@code CONNECTION_ID()}, rows, and the per-user counters
 * ({@code USER_STATISTICS}) of this class's own user (see {@link ServerProbe}).
 */
@ExtendWith(SharedCluster.class)
class TransactionRoutingTest {

    private static ServerProbe probe;
    /** This class's own user: the statements counted are its statements only (not other clusters' monitors). */
    private static TestUser user;

    @BeforeAll
    static void setUp(EmbeddedCluster sharedCluster) {
        probe = new ServerProbe(sharedCluster);
        user = probe.createUser("it_tx");
    }

    @AfterAll
    static void tearDown() {
        if (probe != null) {
            probe.close();
        }
    }

    private static Connection connect() throws SQLException {
        return probe.connect(user);
    }

    /** What this class's user did on each server while the action ran. */
    private static Deltas measure(SqlAction action) throws Exception {
        return probe.measure(user, action);
    }

    private static void assertNothingReachedThePrimary(Deltas d, String what) {
        assertThat(d.nothingReached(probe.primaryRole())).as("%s: nothing reached the primary (%s)", what, d).isTrue();
    }

    private static long queryLong(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as("a row from [%s]", sql).isTrue();
            return rs.getLong(1);
        }
    }

    /** server id and connection id of the physical connection a read runs on. */
    private record Where(long serverId, long connectionId) {
    }

    private static Where where(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("SELECT @@server_id, CONNECTION_ID()")) {
            assertThat(rs.next()).isTrue();
            return new Where(rs.getLong(1), rs.getLong(2));
        }
    }

    private static String table() {
        return probe.createTable("id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(64), n INT",
                "INSERT INTO {t} (v, n) VALUES ('seed1', 1)", "INSERT INTO {t} (v, n) VALUES ('seed2', 2)");
    }

    // ------------------------------------------------------------------------------------------------
    // Read-write transactions

    @Test
    void wholeTransactionRunsOnThePrimaryOnOnePhysicalConnection() throws Exception {
        String t = table();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            Where first = where(s);
            assertThat(first.serverId()).as("first statement of the transaction (a SELECT)").isEqualTo(probe.primaryId());
            assertThat(s.executeUpdate("INSERT INTO " + t + " (v, n) VALUES ('tx', 1)")).isEqualTo(1);
            assertThat(probe.rowCountOnPrimary(t, "v = 'tx'")).as("not committed yet").isZero();
            for (int i = 0; i < 5; i++) {
                assertThat(where(s)).as("statement %d of the transaction", i).isEqualTo(first);
            }
            // the transaction sees its own uncommitted row: same physical connection
            assertThat(queryLong(s, "SELECT COUNT(*) FROM " + t + " WHERE v = 'tx'")).isEqualTo(1);
            assertThat(queryLong(s, "SELECT n FROM " + t + " WHERE id = 1 FOR UPDATE")).isEqualTo(1);
            assertThat(where(s)).isEqualTo(first);
            c.commit();
            assertThat(probe.rowCountOnPrimary(t, "v = 'tx'")).as("committed").isEqualTo(1);
        }
    }

    @Test
    void rollbackRollsBack() throws Exception {
        String t = table();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO " + t + " (v, n) VALUES ('rolled-back', 1)");
            s.executeUpdate("UPDATE " + t + " SET n = 99 WHERE v = 'seed1'");
            assertThat(queryLong(s, "SELECT COUNT(*) FROM " + t + " WHERE v = 'rolled-back'")).isEqualTo(1);
            c.rollback();
            assertThat(probe.rowCountOnPrimary(t, "v = 'rolled-back'")).isZero();
            assertThat(probe.rowCountOnPrimary(t, "v = 'seed1' AND n = 1")).isEqualTo(1);
            // the next transaction starts clean and commits
            s.executeUpdate("INSERT INTO " + t + " (v, n) VALUES ('next', 1)");
            assertThat(queryLong(s, "SELECT COUNT(*) FROM " + t + " WHERE v = 'rolled-back'")).isZero();
            c.commit();
            assertThat(probe.rowCountOnPrimary(t, "v = 'next'")).isEqualTo(1);
        }
    }

    @Test
    void nextTransactionCanRunOnAnotherPhysicalConnection() throws Exception {
        try (Connection c1 = connect(); Connection c2 = connect();
                Statement s1 = c1.createStatement(); Statement s2 = c2.createStatement()) {
            c1.setAutoCommit(false);
            c2.setAutoCommit(false);
            Where tx1 = where(s1);
            c1.commit();
            // c1 is idle (a pool would call clearWarnings on return): it must not keep its primary connection
            c1.clearWarnings();
            Where other = where(s2); // c2's transaction borrows a primary connection and keeps it
            assertThat(other.serverId()).isEqualTo(probe.primaryId());
            Where tx2 = where(s1);
            assertThat(tx2.serverId()).isEqualTo(probe.primaryId());
            assertThat(tx2.connectionId()).as("c1's second transaction runs beside c2's open one").isNotEqualTo(other.connectionId());
            // c1 gave its physical connection back after tx1, c2 took it (the pool hands out the connection
            // returned last): c1's next transaction runs on another one
            assertThat(tx2.connectionId()).as("c1's transactions: tx1 %s, tx2 %s; c2 on %s", tx1, tx2, other)
                    .isNotEqualTo(tx1.connectionId());
            c1.commit();
            c2.commit();
        }
    }

    @Test
    void setAutoCommitTrueInsideATransactionCommitsIt() throws Exception {
        String t = table();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO " + t + " (v, n) VALUES ('autocommit-on', 1)");
            assertThat(probe.rowCountOnPrimary(t, "v = 'autocommit-on'")).isZero();
            c.setAutoCommit(true);
            assertThat(probe.rowCountOnPrimary(t, "v = 'autocommit-on'")).as("committed by setAutoCommit(true)").isEqualTo(1);
            // back in autocommit: reads go to replicas again
            probe.awaitReplication();
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ids.add(queryLong(s, "SELECT @@server_id"));
            }
            assertThat(ids).doesNotContain(probe.primaryId()).containsAll(probe.replicaIds());
        }
    }

    @Test
    void transactionBegunInSqlStaysOnThePrimaryOnOneConnection() throws Exception {
        String t = table();
        for (String begin : List.of("BEGIN", "START TRANSACTION", "begin work", "START TRANSACTION READ WRITE")) {
            try (Connection c = connect(); Statement s = c.createStatement()) {
                assertThat(c.getAutoCommit()).isTrue();
                s.execute(begin);
                Where first = where(s);
                assertThat(first.serverId()).as("first SELECT after %s", begin).isEqualTo(probe.primaryId());
                s.executeUpdate("INSERT INTO " + t + " (v, n) VALUES ('" + begin + "', 1)");
                assertThat(probe.rowCountOnPrimary(t, "v = '" + begin + "'")).as("uncommitted after %s", begin).isZero();
                for (int i = 0; i < 4; i++) {
                    assertThat(where(s)).as("statement %d after %s", i, begin).isEqualTo(first);
                }
                s.execute("COMMIT");
                assertThat(probe.rowCountOnPrimary(t, "v = '" + begin + "'")).as("committed (%s)", begin).isEqualTo(1);
                // after COMMIT plain reads are autocommit reads again: replicas
                List<Long> ids = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    ids.add(queryLong(s, "SELECT @@server_id"));
                }
                assertThat(ids).as("reads after COMMIT (%s)", begin).doesNotContain(probe.primaryId());
            }
        }
        // ROLLBACK in SQL really rolls back
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("START TRANSACTION");
            s.executeUpdate("INSERT INTO " + t + " (v, n) VALUES ('sql-rollback', 1)");
            assertThat(queryLong(s, "SELECT COUNT(*) FROM " + t + " WHERE v = 'sql-rollback'")).isEqualTo(1);
            s.execute("ROLLBACK");
            assertThat(probe.rowCountOnPrimary(t, "v = 'sql-rollback'")).isZero();
        }
    }

    @Test
    void setAutocommitInSqlStartsAJdbcStyleTransaction() throws Exception {
        String t = table();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("SET autocommit = 0");
            assertThat(c.getAutoCommit()).as("SET autocommit = 0 is seen by JDBC").isFalse();
            Where first = where(s);
            assertThat(first.serverId()).isEqualTo(probe.primaryId());
            s.executeUpdate("INSERT INTO " + t + " (v, n) VALUES ('sql-autocommit', 1)");
            assertThat(probe.rowCountOnPrimary(t, "v = 'sql-autocommit'")).isZero();
            assertThat(where(s)).isEqualTo(first);
            s.execute("COMMIT");
            assertThat(probe.rowCountOnPrimary(t, "v = 'sql-autocommit'")).isEqualTo(1);
            s.execute("SET autocommit = 1");
            assertThat(c.getAutoCommit()).isTrue();
            probe.awaitReplication();
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ids.add(queryLong(s, "SELECT @@server_id"));
            }
            assertThat(ids).as("autocommit reads after SET autocommit = 1").doesNotContain(probe.primaryId());
        }
    }

    /**
     * Closing a connection with an open transaction rolls it back, and the physical connection goes back to
     * autocommit: the next logical connection's autocommit INSERT is committed at once.
     */
    @Test
    void closingWithAnOpenTransactionRollsBackAndLeaksNothing() throws Exception {
        String t = table();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO " + t + " (v, n) VALUES ('left-open', 1)");
        }
        assertThat(probe.rowCountOnPrimary(t, "v = 'left-open'")).isZero();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            assertThat(c.getAutoCommit()).isTrue();
            s.executeUpdate("INSERT INTO " + t + " (v, n) VALUES ('autocommitted', 1)");
            assertThat(probe.rowCountOnPrimary(t, "v = 'autocommitted'")).as("committed at once").isEqualTo(1);
            assertThat(probe.rowCountOnPrimary(t, "v = 'left-open'")).isZero();
        }
    }

    @Test
    void savepoints() throws Exception {
        String t = table();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.executeUpdate("INSERT INTO " + t + " (v, n) VALUES ('before-sp', 1)");
            Where w = where(s);
            Savepoint sp = c.setSavepoint("sp1");
            s.executeUpdate("INSERT INTO " + t + " (v, n) VALUES ('after-sp', 1)");
            assertThat(queryLong(s, "SELECT COUNT(*) FROM " + t + " WHERE v = 'after-sp'")).isEqualTo(1);
            c.rollback(sp);
            assertThat(queryLong(s, "SELECT COUNT(*) FROM " + t + " WHERE v = 'after-sp'")).isZero();
            assertThat(queryLong(s, "SELECT COUNT(*) FROM " + t + " WHERE v = 'before-sp'")).isEqualTo(1);
            Savepoint unnamed = c.setSavepoint();
            s.executeUpdate("INSERT INTO " + t + " (v, n) VALUES ('kept', 1)");
            c.releaseSavepoint(unnamed);
            assertThat(where(s)).as("still the same physical connection").isEqualTo(w);
            c.commit();
            assertThat(probe.rowCountOnPrimary(t, "v = 'before-sp'")).isEqualTo(1);
            assertThat(probe.rowCountOnPrimary(t, "v = 'after-sp'")).isZero();
            assertThat(probe.rowCountOnPrimary(t, "v = 'kept'")).isEqualTo(1);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Read-only

    @Test
    void readOnlyAutocommitReadsGoToBothReplicas() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            c.setReadOnly(true);
            Map<Long, Integer> counts = new LinkedHashMap<>();
            Deltas d = measure(() -> {
                for (int i = 0; i < 20; i++) {
                    counts.merge(queryLong(s, "SELECT @@server_id"), 1, Integer::sum);
                }
            });
            assertThat(counts.keySet()).as("servers: %s", counts).containsExactlyInAnyOrderElementsOf(probe.replicaIds());
            assertNothingReachedThePrimary(d, "20 read-only autocommit reads");
        }
    }

    @Test
    void readOnlyTransactionStaysOnOneReplica() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            Map<Long, Integer> perServer = new LinkedHashMap<>();
            Deltas d = measure(() -> {
                for (int tx = 0; tx < 20; tx++) {
                    Where first = where(s);
                    assertThat(first.serverId()).as("transaction %d", tx).isIn(probe.replicaIds());
                    for (int i = 0; i < 3; i++) {
                        assertThat(where(s)).as("statement %d of read-only transaction %d", i, tx).isEqualTo(first);
                    }
                    c.commit();
                    perServer.merge(first.serverId(), 1, Integer::sum);
                }
            });
            assertThat(perServer.keySet()).as("replicas used by 20 read-only transactions: %s", perServer)
                    .containsExactlyInAnyOrderElementsOf(probe.replicaIds());
            assertNothingReachedThePrimary(d, "20 read-only transactions");
        }
    }

    @Test
    void writesOnAReadOnlyConnectionFailWith25006AndAreNeverSent() throws Exception {
        String t = table();
        for (boolean autoCommit : new boolean[] {true, false}) {
            try (Connection c = connect(); Statement s = c.createStatement()) {
                c.setReadOnly(true);
                c.setAutoCommit(autoCommit);
                if (!autoCommit) {
                    assertThat(where(s).serverId()).isIn(probe.replicaIds()); // the read-only transaction is open
                }
                for (String sql : List.of(
                        "INSERT INTO " + t + " (v, n) VALUES ('ro-violation', 1)",
                        "UPDATE " + t + " SET n = 5 WHERE id = 1",
                        "SELECT n FROM " + t + " WHERE id = 1 FOR UPDATE",
                        "SET @x = 1")) {
                    Deltas d = measure(() -> assertThatThrownBy(() -> s.execute(sql))
                            .as("[%s] on a read-only connection, autocommit %s", sql, autoCommit)
                            .isInstanceOf(SQLException.class)
                            .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("25006")));
                    for (String role : probe.roles()) {
                        assertThat(d.nothingReached(role)).as("[%s] was sent to %s (%s)", sql, role, d).isTrue();
                    }
                    assertThat(d.onPrimary(ServerProbe.UPDATES)).isZero();
                }
                assertThatThrownBy(() -> c.prepareStatement("INSERT INTO " + t + " (v, n) VALUES (?, ?)").executeUpdate())
                        .isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("25006"));
                assertThatThrownBy(() -> c.prepareCall("{call nothing()}"))
                        .isInstanceOf(SQLException.class)
                        .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("25006"));
                // reads still work
                assertThat(queryLong(s, "SELECT @@server_id")).isIn(probe.replicaIds());
                if (!autoCommit) {
                    c.commit();
                }
            }
        }
        assertThat(probe.rowCountOnPrimary(t, "v = 'ro-violation'")).isZero();
        assertThat(probe.rowCountOnPrimary(t, "id = 1 AND n = 1")).isEqualTo(1);
    }

    @Test
    void setReadOnlyFalseInsideAnOpenReadOnlyTransactionFailsWith25001() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            Where first = where(s);
            assertThat(first.serverId()).isIn(probe.replicaIds());
            assertThatThrownBy(() -> c.setReadOnly(false))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getSQLState()).isEqualTo("25001"));
            assertThat(c.isReadOnly()).isTrue();
            assertThat(where(s)).as("the transaction goes on where it was").isEqualTo(first);
            c.commit();
            c.setReadOnly(false); // allowed between transactions
            assertThat(where(s).serverId()).as("a read-write transaction").isEqualTo(probe.primaryId());
            c.commit();
        }
    }

    /**
     * Counted from this class's user's USER_STATISTICS on each server: neither the statements of read-only
     * transactions nor their commits reach the primary.
     */
    @Test
    void noStatementOfAReadOnlyTransactionReachesThePrimary() throws Exception {
        String t = table();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            // warm-up: discovery and the first physical connections
            assertThat(queryLong(s, "SELECT COUNT(*) FROM " + t)).isEqualTo(2);
            c.setReadOnly(true);
            assertThat(queryLong(s, "SELECT COUNT(*) FROM " + t)).isEqualTo(2);

            Deltas d = measure(() -> {
                c.setAutoCommit(false);
                for (int tx = 0; tx < 6; tx++) {
                    assertThat(queryLong(s, "SELECT COUNT(*) FROM " + t)).isEqualTo(2);
                    assertThat(queryLong(s, "SELECT n FROM " + t + " WHERE v = 'seed2'")).isEqualTo(2);
                    assertThat(queryLong(s, "SELECT @@server_id")).isIn(probe.replicaIds());
                    if (tx % 2 == 0) {
                        c.commit();
                    } else {
                        c.rollback();
                    }
                }
                c.setAutoCommit(true);
                for (int i = 0; i < 4; i++) {
                    assertThat(queryLong(s, "SELECT @@server_id")).isIn(probe.replicaIds());
                }
            });

            assertNothingReachedThePrimary(d, "read-only transactions of " + user);
            assertThat(d.onPrimary(ServerProbe.COMMITS) + d.onPrimary(ServerProbe.ROLLBACKS))
                    .as("transaction ends on the primary: %s", d).isZero();
            assertThat(d.onReplicas(ServerProbe.SELECTS)).as("SELECTs of %s on the replicas: %s", user, d)
                    .isGreaterThanOrEqualTo(6 * 3 + 4);
        }
    }

    @Test
    void readOnlyTransactionsSeeAConsistentSnapshotOnOneReplica() throws Exception {
        String t = table();
        try (Connection c = connect(); Statement s = c.createStatement()) {
            c.setReadOnly(true);
            c.setAutoCommit(false);
            Set<Long> servers = new LinkedHashSet<>();
            long before = queryLong(s, "SELECT COUNT(*) FROM " + t);
            servers.add(queryLong(s, "SELECT @@server_id"));
            probe.executeOnPrimary("INSERT INTO app." + t + " (v, n) VALUES ('concurrent', 1)");
            probe.awaitReplication();
            // REPEATABLE READ on one replica: the transaction does not see the row committed after its snapshot
            assertThat(queryLong(s, "SELECT COUNT(*) FROM " + t)).isEqualTo(before);
            servers.add(queryLong(s, "SELECT @@server_id"));
            c.commit();
            assertThat(servers).hasSize(1);
            assertThat(queryLong(s, "SELECT COUNT(*) FROM " + t)).isEqualTo(before + 1);
            c.commit();
        }
    }
}
