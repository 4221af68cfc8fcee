package com.foobar.jdbc.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.foobar.jdbc.it.support.ServerProbe;
import com.foobar.jdbc.it.support.ServerProbe.Deltas;
import com.foobar.jdbc.it.support.ServerProbe.SqlAction;
import com.foobar.jdbc.it.support.ServerProbe.TestUser;
import com.foobar.jdbc.it.support.SharedCluster;
import com.foobar.testcluster.EmbeddedCluster;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Autocommit on, read-only off: each statement is routed on its own. Where a statement ran is read from
 * the servers ({@code @@server_id} in results, rows on the primary, and the servers' own per-user counters
 * of this class's user: {@code information_schema.USER_STATISTICS}, see {@link ServerProbe}), never from
 * the driver.
 */
@ExtendWith(SharedCluster.class)
class AutocommitRoutingTest {

    private static EmbeddedCluster cluster;
    private static ServerProbe probe;
    /** This class's own user: the statements counted are its statements only (not other clusters' monitors). */
    private static TestUser user;

    @BeforeAll
    static void setUp(EmbeddedCluster sharedCluster) {
        cluster = sharedCluster;
        probe = new ServerProbe(sharedCluster);
        user = probe.createUser("it_autocommit");
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

    private static Connection connect(String query) throws SQLException {
        return DriverManager.getConnection(cluster.foobarUrl(ServerProbe.QUIET_MONITOR + "&" + query), user.name(),
                user.password());
    }

    /** What this class's user did on each server while the action ran. */
    private static Deltas measure(SqlAction action) throws Exception {
        return probe.measure(user, action);
    }

    private static long queryLong(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as("a row from [%s]", sql).isTrue();
            return rs.getLong(1);
        }
    }

    /** A table {@code id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(64), n INT} with {@code rows} rows (v = 'r<i>', n = i). */
    private static String table(int rows) {
        List<String> inserts = new ArrayList<>();
        for (int i = 1; i <= rows; i++) {
            inserts.add("INSERT INTO {t} (v, n) VALUES ('r" + i + "', " + i + ")");
        }
        return probe.createTable("id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(64), n INT", inserts.toArray(String[]::new));
    }

    /** Asserts the statements ran on the primary only: it counted them, no replica received anything. */
    private static void assertOnPrimaryOnly(Deltas d, String what) {
        assertThat(d.onPrimary(ServerProbe.STATEMENTS)).as("%s: statements on the primary (%s)", what, d)
                .isGreaterThanOrEqualTo(1);
        assertNothingReachedTheReplicas(d, what);
    }

    private static void assertNothingReachedTheReplicas(Deltas d, String what) {
        for (String replica : probe.replicaRoles()) {
            assertThat(d.nothingReached(replica)).as("%s: nothing reached %s (%s)", what, replica, d).isTrue();
        }
    }

    private static void assertNothingReachedThePrimary(Deltas d, String what) {
        assertThat(d.nothingReached(probe.primaryRole())).as("%s: nothing reached the primary (%s)", what, d).isTrue();
    }

    // ------------------------------------------------------------------------------------------------
    // Plain reads

    @Test
    void hundredReadsOnOneConnectionAlternateOverBothReplicas() throws Exception {
        List<Long> ids = new ArrayList<>();
        Deltas d;
        try (Connection c = connect(); Statement s = c.createStatement()) {
            // warm-up: each replica's pool has a physical connection with this connection's state
            for (int i = 0; i < 4; i++) {
                assertThat(queryLong(s, "SELECT @@server_id")).isIn(probe.replicaIds());
            }
            d = measure(() -> {
                for (int i = 0; i < 100; i++) {
                    ids.add(queryLong(s, "SELECT @@server_id"));
                }
            });
        }
        Map<Long, Integer> counts = new LinkedHashMap<>();
        ids.forEach(id -> counts.merge(id, 1, Integer::sum));
        assertThat(counts.keySet()).as("servers that answered: %s", counts).containsExactlyInAnyOrderElementsOf(probe.replicaIds());
        assertThat(counts.values()).as("split over the replicas: %s", counts).containsOnly(50);
        for (int i = 1; i < ids.size(); i++) {
            assertThat(ids.get(i)).as("read %d follows read %d on the other replica (round robin): %s", i, i - 1, ids)
                    .isNotEqualTo(ids.get(i - 1));
        }
        assertNothingReachedThePrimary(d, "100 reads");
        assertThat(d.total(ServerProbe.CONNECTIONS)).as("physical connections opened during 100 reads (%s)", d).isZero();
        for (String replica : probe.replicaRoles()) {
            assertThat(d.of(replica, ServerProbe.SELECTS)).as("SELECTs counted by %s (%s)", replica, d).isEqualTo(50);
        }
    }

    @Test
    void showDescribeAndExplainGoToReplicas() throws Exception {
        String t = table(2);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String sql : List.of("SHOW TABLES", "DESCRIBE " + t, "EXPLAIN SELECT * FROM " + t + " WHERE id = 1",
                    "SHOW COLUMNS FROM " + t)) {
                Deltas d = measure(() -> {
                    try (ResultSet rs = s.executeQuery(sql)) {
                        assertThat(rs.next()).as(sql).isTrue();
                    }
                });
                assertNothingReachedThePrimary(d, sql);
                // MariaDB counts no SHOW/DESCRIBE in a user's statements; what it received tells where it went
                List<String> received = probe.replicaRoles().stream()
                        .filter(r -> d.of(r, ServerProbe.BYTES_RECEIVED) >= ServerProbe.packetBytes(sql)).toList();
                assertThat(received).as("%s: replicas that received the statement (%s)", sql, d).hasSize(1);
                assertThat(d.of(received.get(0), ServerProbe.ROWS_SENT)).as("%s: rows sent by %s (%s)", sql, received, d)
                        .isGreaterThanOrEqualTo(1);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Writes

    @Test
    void dmlRunsOnThePrimary() throws Exception {
        String t = table(3);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            Deltas insert = measure(() -> assertThat(s.executeUpdate(
                    "INSERT INTO " + t + " (v, n) VALUES ('inserted', 100)")).isEqualTo(1));
            assertOnPrimaryOnly(insert, "INSERT");
            assertThat(insert.onPrimary(ServerProbe.UPDATES)).as("INSERT statements on the primary (%s)", insert).isEqualTo(1);
            assertThat(insert.onPrimary(ServerProbe.ROWS_INSERTED)).as("rows inserted on the primary (%s)", insert).isEqualTo(1);
            assertThat(probe.rowCountOnPrimary(t, "v = 'inserted'")).isEqualTo(1);

            Deltas update = measure(() -> assertThat(s.executeUpdate(
                    "UPDATE " + t + " SET n = 200 WHERE v = 'inserted'")).isEqualTo(1));
            assertOnPrimaryOnly(update, "UPDATE");
            assertThat(update.onPrimary(ServerProbe.UPDATES)).as("UPDATE statements on the primary (%s)", update).isEqualTo(1);
            assertThat(update.onPrimary(ServerProbe.ROWS_UPDATED)).as("rows updated on the primary (%s)", update).isEqualTo(1);
            assertThat(probe.rowCountOnPrimary(t, "v = 'inserted' AND n = 200")).isEqualTo(1);

            Deltas replace = measure(() -> s.executeUpdate(
                    "REPLACE INTO " + t + " (id, v, n) VALUES (1, 'replaced', 300)"));
            assertOnPrimaryOnly(replace, "REPLACE");
            assertThat(probe.rowCountOnPrimary(t, "id = 1 AND v = 'replaced'")).isEqualTo(1);

            Deltas delete = measure(() -> assertThat(s.executeUpdate(
                    "DELETE FROM " + t + " WHERE id = 2")).isEqualTo(1));
            assertOnPrimaryOnly(delete, "DELETE");
            assertThat(delete.onPrimary(ServerProbe.UPDATES)).as("DELETE statements on the primary (%s)", delete).isEqualTo(1);
            assertThat(delete.onPrimary(ServerProbe.ROWS_DELETED)).as("rows deleted on the primary (%s)", delete).isEqualTo(1);
            assertThat(probe.rowCountOnPrimary(t, "id = 2")).isZero();

            // execute() with an INSERT: same routing as executeUpdate
            Deltas viaExecute = measure(() -> assertThat(s.execute(
                    "insert into " + t + " (v, n) values ('via-execute', 1)")).isFalse());
            assertOnPrimaryOnly(viaExecute, "execute(INSERT)");
            assertThat(s.getUpdateCount()).isEqualTo(1);
            assertThat(probe.rowCountOnPrimary(t, "v = 'via-execute'")).isEqualTo(1);
        }
    }

    @Test
    void ddlRunsOnThePrimary() throws Exception {
        String t = ServerProbe.uniqueName("ddl_t");
        try (Connection c = connect(); Statement s = c.createStatement()) {
            Deltas create = measure(() -> s.execute("CREATE TABLE " + t + " (id INT PRIMARY KEY, v VARCHAR(10))"));
            assertOnPrimaryOnly(create, "CREATE TABLE");
            assertThat(probe.queryString(probe.primaryRole(), "SELECT COUNT(*) FROM information_schema.TABLES "
                    + "WHERE TABLE_SCHEMA = 'app' AND TABLE_NAME = '" + t + "'")).isEqualTo("1");

            Deltas alter = measure(() -> s.execute("ALTER TABLE " + t + " ADD COLUMN extra INT"));
            assertOnPrimaryOnly(alter, "ALTER TABLE");
            assertThat(probe.queryString(probe.primaryRole(), "SELECT COUNT(*) FROM information_schema.COLUMNS "
                    + "WHERE TABLE_SCHEMA = 'app' AND TABLE_NAME = '" + t + "' AND COLUMN_NAME = 'extra'")).isEqualTo("1");

            Deltas index = measure(() -> s.execute("CREATE INDEX ix_" + t + " ON " + t + " (v)"));
            assertOnPrimaryOnly(index, "CREATE INDEX");

            Deltas truncate = measure(() -> s.execute("TRUNCATE TABLE " + t));
            assertOnPrimaryOnly(truncate, "TRUNCATE");

            Deltas drop = measure(() -> s.execute("DROP TABLE " + t));
            assertOnPrimaryOnly(drop, "DROP TABLE");
            assertThat(probe.queryString(probe.primaryRole(), "SELECT COUNT(*) FROM information_schema.TABLES "
                    + "WHERE TABLE_SCHEMA = 'app' AND TABLE_NAME = '" + t + "'")).isEqualTo("0");
        }
        probe.awaitReplication();
    }

    // ------------------------------------------------------------------------------------------------
    // Reads that must run on the primary

    @Test
    void lockingReadsRunOnThePrimary() throws Exception {
        String t = table(3);
        for (String sql : List.of(
                "SELECT @@server_id FROM " + t + " WHERE id = 1 FOR UPDATE",
                "select @@server_id from " + t + " where id = 1 for update nowait",
                "SELECT @@server_id FROM " + t + " WHERE id = 1 LOCK IN SHARE MODE",
                "SELECT @@server_id FROM " + t + " WHERE id = 1\n  LOCK\tIN SHARE MODE")) {
            try (Connection c = connect(); Statement s = c.createStatement()) {
                for (int i = 0; i < 3; i++) {
                    assertThat(queryLong(s, sql)).as("server of [%s], run %d", sql, i).isEqualTo(probe.primaryId());
                }
            }
        }
    }

    /**
     * MariaDB has no {@code FOR SHARE} (MySQL 8 syntax): the server rejects it at parsing, which it does not
     * count among the user's statements, so where it was sent is read from what each server received from
     * this class's user. The contract says FOR SHARE is a locking read: primary.
     */
    @Test
    void forShareIsSentToThePrimary() throws Exception {
        String t = table(1);
        String sql = "SELECT @@server_id FROM " + t + " WHERE id = 1 FOR SHARE";
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (int i = 0; i < 2; i++) {
                Object[] outcome = new Object[1];
                Deltas d = measure(() -> {
                    try (ResultSet rs = s.executeQuery(sql)) {
                        rs.next();
                        outcome[0] = rs.getLong(1);
                    } catch (SQLException e) {
                        outcome[0] = e;
                    }
                });
                if (outcome[0] instanceof Long id) {
                    assertThat(id).as("server of [%s]", sql).isEqualTo(probe.primaryId());
                }
                String what = sql + " (outcome " + outcome[0] + ")";
                assertThat(d.onPrimary(ServerProbe.BYTES_RECEIVED)).as("%s: bytes the primary received (%s)", what, d)
                        .isGreaterThanOrEqualTo(ServerProbe.packetBytes(sql));
                assertNothingReachedTheReplicas(d, what);
            }
        }
    }

    @Test
    void getLockIsTakenOnThePrimaryAndReleasedOnTheSameConnection() throws Exception {
        String lock = ServerProbe.uniqueName("it_lock");
        try (Connection c = connect(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT GET_LOCK('" + lock + "', 1), @@server_id")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).as("GET_LOCK result").isEqualTo(1);
                assertThat(rs.getLong(2)).as("server of GET_LOCK").isEqualTo(probe.primaryId());
            }
            assertThat(probe.queryString(probe.primaryRole(), "SELECT IS_USED_LOCK('" + lock + "')"))
                    .as("the lock is held on the primary").isNotNull();
            // Pinned: reads after GET_LOCK stay on the primary connection that holds the lock.
            for (int i = 0; i < 4; i++) {
                assertThat(queryLong(s, "SELECT @@server_id")).as("read %d after GET_LOCK", i).isEqualTo(probe.primaryId());
            }
            assertThat(queryLong(s, "SELECT RELEASE_LOCK('" + lock + "')"))
                    .as("RELEASE_LOCK on the connection that holds the lock").isEqualTo(1);
            assertThat(probe.queryString(probe.primaryRole(), "SELECT IS_USED_LOCK('" + lock + "')"))
                    .as("the lock is free again").isNull();
        }
    }

    @Test
    void selectIntoUserVariableRunsOnThePrimary() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            Deltas d = measure(() -> s.execute("SELECT @@server_id INTO @v"));
            assertOnPrimaryOnly(d, "SELECT ... INTO @v");
            assertThat(queryLong(s, "SELECT @v")).as("@v, set where SELECT INTO ran").isEqualTo(probe.primaryId());
        }
    }

    @Test
    void userVariableAssignmentInSelectRunsOnThePrimary() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            assertThat(queryLong(s, "SELECT @a := @@server_id")).isEqualTo(probe.primaryId());
            assertThat(queryLong(s, "SELECT @a")).isEqualTo(probe.primaryId());
        }
        try (Connection c = connect(); Statement s = c.createStatement()) {
            Deltas d = measure(() -> assertThat(queryLong(s, "SELECT @a := 1")).isEqualTo(1));
            assertOnPrimaryOnly(d, "SELECT @a := 1");
        }
    }

    @Test
    void primaryHintSendsAReadToThePrimary() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (int i = 0; i < 6; i++) {
                assertThat(queryLong(s, "/* foobar:primary */ SELECT @@server_id")).as("hinted read %d", i)
                        .isEqualTo(probe.primaryId());
            }
            // and the hint does not stick: the next plain reads go to both replicas
            List<Long> after = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                after.add(queryLong(s, "SELECT @@server_id"));
            }
            assertThat(after).as("plain reads after hinted ones").doesNotContain(probe.primaryId())
                    .containsAll(probe.replicaIds());
        }
    }

    @Test
    void leadingCommentsWhitespaceAndMixedCaseAreStillReads() throws Exception {
        List<String> variants = List.of(
                "  /* c */ -- x\n sElEcT @@server_id",
                "\n\t# hash comment\nSelect @@server_id",
                "/* a */ /* b */ (SELECT @@server_id)",
                "-- only a comment line\nselect @@SERVER_ID");
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String sql : variants) {
                List<Long> ids = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    ids.add(queryLong(s, sql));
                }
                assertThat(ids).as("servers of [%s]", sql).containsExactlyInAnyOrderElementsOf(probe.replicaIds());
            }
        }
    }

    @Test
    void otherReadFormsGoToReplicas() throws Exception {
        String t = table(2);
        List<String> reads = List.of(
                "WITH x AS (SELECT 1 AS a) SELECT @@server_id FROM x",
                "SELECT @@server_id FROM " + t + " WHERE v <> 'FOR UPDATE' LIMIT 1",
                "SELECT @@server_id, 'GET_LOCK(1)', 'LOCK IN SHARE MODE', 'INTO @v'",
                "SELECT @@server_id /* FOR UPDATE */",
                "SELECT @@server_id FROM (SELECT id FROM " + t + " WHERE id = 1) AS sub");
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String sql : reads) {
                List<Long> ids = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    ids.add(queryLong(s, sql));
                }
                assertThat(ids).as("servers of the plain read [%s]", sql).containsExactlyInAnyOrderElementsOf(probe.replicaIds());
            }
        }
    }

    @Test
    void sequenceReadsRunOnThePrimary() throws Exception {
        String seq = ServerProbe.uniqueName("seq");
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE SEQUENCE " + seq);
            probe.awaitReplication();
            for (String sql : List.of("SELECT @@server_id, NEXTVAL(" + seq + ")",
                    "SELECT @@server_id, NEXT VALUE FOR " + seq,
                    "select @@server_id, nextval(" + seq + ")")) {
                try (ResultSet rs = s.executeQuery(sql)) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).as("server of [%s]", sql).isEqualTo(probe.primaryId());
                    assertThat(rs.getLong(2)).isPositive();
                }
            }
            assertThat(probe.queryString(probe.primaryRole(), "SELECT next_not_cached_value FROM app." + seq))
                    .as("the sequence advanced on the primary").isNotEqualTo("1");
        }
    }

    @Test
    void unknownOrOtherStatementsGoToThePrimary() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String sql : List.of("DO 1", "DO SLEEP(0)", "CHECKSUM TABLE no_such_table_here")) {
                Deltas d = measure(() -> s.execute(sql));
                assertOnPrimaryOnly(d, sql);
            }
        }
    }

    @Test
    void multiStatementStringsAreRoutedAsAWhole() throws Exception {
        String t = table(1);
        try (Connection c = connect("allowMultiQueries=true"); Statement s = c.createStatement()) {
            for (int round = 0; round < 2; round++) {
                assertThat(s.execute("SELECT @@server_id; SELECT @@server_id")).isTrue();
                long first;
                try (ResultSet rs = s.getResultSet()) {
                    rs.next();
                    first = rs.getLong(1);
                }
                assertThat(s.getMoreResults()).isTrue();
                long second;
                try (ResultSet rs = s.getResultSet()) {
                    rs.next();
                    second = rs.getLong(1);
                }
                assertThat(first).as("two SELECTs: a replica").isIn(probe.replicaIds());
                assertThat(second).as("both parts on the same server").isEqualTo(first);
            }

            assertThat(s.execute("SELECT @@server_id; UPDATE " + t + " SET n = n + 1 WHERE id = 1")).isTrue();
            try (ResultSet rs = s.getResultSet()) {
                rs.next();
                assertThat(rs.getLong(1)).as("SELECT + UPDATE: the primary").isEqualTo(probe.primaryId());
            }
            assertThat(s.getMoreResults()).isFalse();
            assertThat(s.getUpdateCount()).isEqualTo(1);
            assertThat(probe.rowCountOnPrimary(t, "id = 1 AND n = 2")).isEqualTo(1);

            assertThat(s.execute("UPDATE " + t + " SET n = n + 1 WHERE id = 1; SELECT @@server_id")).isFalse();
            assertThat(s.getUpdateCount()).isEqualTo(1);
            assertThat(s.getMoreResults()).isTrue();
            try (ResultSet rs = s.getResultSet()) {
                rs.next();
                assertThat(rs.getLong(1)).as("UPDATE + SELECT: the primary").isEqualTo(probe.primaryId());
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Primary affinity and generated keys

    @Test
    void lastInsertIdRightAfterAnInsertSeesIt() throws Exception {
        String t = table(5);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (int i = 0; i < 3; i++) {
                // a read in between sends the connection to a replica; the INSERT takes it back to the primary
                assertThat(queryLong(s, "SELECT @@server_id")).isIn(probe.replicaIds());
                assertThat(s.executeUpdate("INSERT INTO " + t + " (v, n) VALUES ('lid" + i + "', " + i + ")")).isEqualTo(1);
                long lastId = queryLong(s, "SELECT LAST_INSERT_ID()");
                assertThat(lastId).as("LAST_INSERT_ID() after insert %d", i).isPositive();
                assertThat(probe.queryString(probe.primaryRole(), "SELECT id FROM app." + t + " WHERE v = 'lid" + i + "'"))
                        .isEqualTo(Long.toString(lastId));
            }
        }
    }

    @Test
    void foundRowsRightAfterCalcFoundRowsSeesIt() throws Exception {
        String t = table(7);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (int i = 0; i < 2; i++) {
                assertThat(queryLong(s, "SELECT @@server_id")).isIn(probe.replicaIds());
                try (ResultSet rs = s.executeQuery("SELECT SQL_CALC_FOUND_ROWS id, @@server_id FROM " + t + " ORDER BY id LIMIT 2")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(2)).as("SELECT SQL_CALC_FOUND_ROWS runs on the primary").isEqualTo(probe.primaryId());
                }
                try (ResultSet rs = s.executeQuery("SELECT FOUND_ROWS(), @@server_id")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).as("FOUND_ROWS() on the connection of the previous statement").isEqualTo(7);
                    assertThat(rs.getLong(2)).isEqualTo(probe.primaryId());
                }
            }
        }
    }

    @Test
    void generatedKeysAreReturned() throws Exception {
        String t = table(2);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            assertThat(s.executeUpdate("INSERT INTO " + t + " (v, n) VALUES ('gk', 1)", Statement.RETURN_GENERATED_KEYS))
                    .isEqualTo(1);
            long key;
            try (ResultSet keys = s.getGeneratedKeys()) {
                assertThat(keys.next()).isTrue();
                key = keys.getLong(1);
            }
            assertThat(probe.queryString(probe.primaryRole(), "SELECT id FROM app." + t + " WHERE v = 'gk'"))
                    .isEqualTo(Long.toString(key));

            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (v, n) VALUES (?, ?)",
                    Statement.RETURN_GENERATED_KEYS)) {
                ps.setString(1, "gk-ps");
                ps.setInt(2, 2);
                assertThat(ps.executeUpdate()).isEqualTo(1);
                try (ResultSet keys = ps.getGeneratedKeys()) {
                    assertThat(keys.next()).isTrue();
                    key = keys.getLong(1);
                }
            }
            assertThat(probe.queryString(probe.primaryRole(), "SELECT id FROM app." + t + " WHERE v = 'gk-ps'"))
                    .isEqualTo(Long.toString(key));
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Prepared statements and batches

    @Test
    void preparedReadIsRoutedAgainOnEveryExecution() throws Exception {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("SELECT @@server_id, ?")) {
            List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                ps.setInt(1, i);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    ids.add(rs.getLong(1));
                    assertThat(rs.getInt(2)).as("parameter of execution %d", i).isEqualTo(i);
                }
            }
            assertThat(ids).as("servers of 10 executions").doesNotContain(probe.primaryId());
            for (int i = 1; i < ids.size(); i++) {
                assertThat(ids.get(i)).as("execution %d alternates replicas: %s", i, ids).isNotEqualTo(ids.get(i - 1));
            }
            assertThat(ids).containsAll(probe.replicaIds());
        }
    }

    @Test
    void preparedInsertRunsOnThePrimary() throws Exception {
        String t = table(1);
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (v, n) VALUES (?, ?)")) {
            for (int i = 0; i < 3; i++) {
                int n = i;
                ps.setString(1, "ps" + n);
                ps.setInt(2, 1000 + n);
                Deltas d = measure(() -> assertThat(ps.executeUpdate()).isEqualTo(1));
                assertOnPrimaryOnly(d, "prepared INSERT " + n);
                assertThat(probe.rowCountOnPrimary(t, "v = 'ps" + n + "' AND n = " + (1000 + n))).isEqualTo(1);
            }
        }
    }

    @Test
    void batchesRunOnThePrimary() throws Exception {
        String t = table(1);
        try (Connection c = connect()) {
            try (Statement s = c.createStatement()) {
                s.addBatch("INSERT INTO " + t + " (v, n) VALUES ('sb1', 1)");
                s.addBatch("INSERT INTO " + t + " (v, n) VALUES ('sb2', 2)");
                s.addBatch("UPDATE " + t + " SET n = 20 WHERE v = 'sb2'");
                int[][] counts = new int[1][];
                Deltas d = measure(() -> counts[0] = s.executeBatch());
                assertThat(counts[0]).containsExactly(1, 1, 1);
                assertOnPrimaryOnly(d, "Statement batch");
                assertThat(probe.rowCountOnPrimary(t, "v IN ('sb1', 'sb2')")).isEqualTo(2);
                assertThat(probe.rowCountOnPrimary(t, "v = 'sb2' AND n = 20")).isEqualTo(1);
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + t + " (v, n) VALUES (?, ?)")) {
                for (int i = 0; i < 5; i++) {
                    ps.setString(1, "pb" + i);
                    ps.setInt(2, i);
                    ps.addBatch();
                }
                int[][] counts = new int[1][];
                Deltas d = measure(() -> counts[0] = ps.executeBatch());
                assertThat(counts[0]).hasSize(5);
                assertOnPrimaryOnly(d, "PreparedStatement batch");
                assertThat(probe.rowCountOnPrimary(t, "v LIKE 'pb%'")).isEqualTo(5);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Result sets

    @Test
    void resultSetStaysValidWhileTheConnectionRoutesOtherStatements() throws Exception {
        resultSetStaysValid(false);
    }

    @Test
    void streamingResultSetStaysValidWhileTheConnectionRoutesOtherStatements() throws Exception {
        resultSetStaysValid(true);
    }

    private static void resultSetStaysValid(boolean streaming) throws Exception {
        String t = table(10);
        try (Connection c = connect(); Statement first = c.createStatement(); Statement other = c.createStatement()) {
            if (streaming) {
                first.setFetchSize(Integer.MIN_VALUE);
            }
            ResultSet open = first.executeQuery("SELECT id, v, @@server_id FROM " + t + " ORDER BY id");
            assertThat(other.executeUpdate("INSERT INTO " + t + " (v, n) VALUES ('while-open', 0)")).isEqualTo(1);
            assertThat(probe.rowCountOnPrimary(t, "v = 'while-open'")).isEqualTo(1);
            long secondServer = queryLong(other, "SELECT @@server_id");
            assertThat(secondServer).isIn(probe.replicaIds());
            List<String> values = new ArrayList<>();
            long firstServer = -1;
            while (open.next()) {
                values.add(open.getString(2));
                firstServer = open.getLong(3);
            }
            open.close();
            assertThat(values).hasSize(10).startsWith("r1", "r2").endsWith("r10");
            assertThat(firstServer).as("the first result came from a replica").isIn(probe.replicaIds());
            assertThat(open.isClosed()).isTrue();
            // the connection is still usable afterwards
            assertThat(queryLong(other, "SELECT @@server_id")).isIn(probe.replicaIds());
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Stored procedures

    @Test
    void callableStatementRunsOnThePrimary() throws Exception {
        String t = table(1);
        String proc = ServerProbe.uniqueName("proc");
        try (Connection c = connect()) {
            try (Statement s = c.createStatement()) {
                Deltas d = measure(() -> s.execute("CREATE PROCEDURE " + proc + "(IN x INT) "
                        + "BEGIN INSERT INTO " + t + " (v, n) VALUES ('proc', x); END"));
                assertOnPrimaryOnly(d, "CREATE PROCEDURE");
            }
            try (CallableStatement cs = c.prepareCall("{call " + proc + "(?)}")) {
                cs.setInt(1, 42);
                cs.execute();
            }
            assertThat(probe.rowCountOnPrimary(t, "v = 'proc' AND n = 42")).isEqualTo(1);
            try (CallableStatement cs = c.prepareCall("CALL " + proc + "(?)")) {
                cs.setInt(1, 43);
                cs.executeUpdate();
            }
            assertThat(probe.rowCountOnPrimary(t, "v = 'proc' AND n = 43")).isEqualTo(1);
        }
        probe.awaitReplication();
    }

    // ------------------------------------------------------------------------------------------------
    // Round trips

    /**
     * One application statement is one statement on one server: 200 SELECTs by primary key and 50 UPDATEs
     * through one connection send at most 2% more statements (this class's user's statements, summed over
     * all servers), and the servers receive at most 2% more bytes from the user than the packets of those
     * 250 statements (so no uncounted SHOW or other command hides either).
     */
    @Test
    void oneStatementIsOneServerStatement() throws Exception {
        String t = table(50);
        try (Connection c = connect(); Statement s = c.createStatement()) {
            // warm-up: physical connections exist and have this connection's state
            for (int i = 1; i <= 10; i++) {
                queryLong(s, "SELECT n FROM " + t + " WHERE id = " + i);
                s.executeUpdate("UPDATE " + t + " SET n = n WHERE id = " + i);
            }
            int[] selects = new int[1];
            int[] updates = new int[1];
            List<String> sent = new ArrayList<>();
            Deltas d = measure(() -> {
                for (int i = 0; i < 250; i++) {
                    int id = 1 + (i % 50);
                    if (i % 5 == 4) {
                        String sql = "UPDATE " + t + " SET n = n + 1 WHERE id = " + id;
                        s.executeUpdate(sql);
                        sent.add(sql);
                        updates[0]++;
                    } else {
                        String sql = "SELECT n FROM " + t + " WHERE id = " + id;
                        try (ResultSet rs = s.executeQuery(sql)) {
                            assertThat(rs.next()).isTrue();
                        }
                        sent.add(sql);
                        selects[0]++;
                    }
                }
            });
            assertThat(selects[0]).isEqualTo(200);
            assertThat(updates[0]).isEqualTo(50);
            long total = d.total(ServerProbe.STATEMENTS);
            assertThat(total).as("statements on all servers for 250 application statements (%s)", d)
                    .isBetween(250L, (long) Math.floor(1.02 * 250));
            long packets = ServerProbe.packetBytes(sent);
            assertThat(d.total(ServerProbe.BYTES_RECEIVED))
                    .as("bytes received by all servers for 250 application statements of %d bytes (%s)", packets, d)
                    .isBetween(packets, (long) Math.floor(1.02 * packets));
            assertThat(d.onPrimary(ServerProbe.UPDATES)).as("UPDATEs on the primary (%s)", d).isEqualTo(50);
            assertThat(d.onReplicas(ServerProbe.UPDATES)).as("UPDATEs on the replicas (%s)", d).isZero();
            assertThat(d.onReplicas(ServerProbe.STATEMENTS)).as("statements on the replicas (%s)", d).isEqualTo(200);
            assertThat(d.onPrimary(ServerProbe.SELECTS)).as("SELECTs on the primary (%s)", d).isZero();
            assertThat(d.onReplicas(ServerProbe.SELECTS)).as("SELECTs on the replicas (%s)", d).isEqualTo(200);
        }
    }
}
