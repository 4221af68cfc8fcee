package com.foobar.jdbc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.foobar.jdbc.it.support.ServerProbe;
import com.foobar.jdbc.it.support.ServerProbe.Deltas;
import com.foobar.jdbc.it.support.ServerProbe.SqlAction;
import com.foobar.jdbc.it.support.ServerProbe.TestUser;
import com.foobar.jdbc.it.support.SharedCluster;
import com.foobar.testcluster.EmbeddedCluster;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
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
 * Session state: what is set through JDBC or in SQL follows the logical connection onto every physical
 * connection it uses (so reads still reach both replicas), never leaks to another logical connection, and
 * state that cannot be replayed pins the connection to the primary. Read from the servers: session
 * variables and {@code @@server_id} in results, and the per-user counters ({@code USER_STATISTICS}) of this
 * class's own user (see {@link ServerProbe}).
 */
@ExtendWith(SharedCluster.class)
class SessionStateTest {

    private static final String HINT = "/* foobar:primary */ ";
    private static final String SECOND_SCHEMA = "app2";

    private static ServerProbe probe;
    /**
     * This class's own user (rights on {@code app} and {@link #SECOND_SCHEMA}): the statements counted are its
     * statements only (not other clusters' monitors).
     */
    private static TestUser user;

    @BeforeAll
    static void setUp(EmbeddedCluster sharedCluster) {
        probe = new ServerProbe(sharedCluster);
        user = probe.createUser("it_session", "GRANT ALL ON " + SECOND_SCHEMA + ".* TO {user}");
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

    /**
     * Asserts that the servers received nothing from this class's user but the statements in {@code sent}: at
     * most a ping per server on top (5 bytes: HikariCP checks a physical connection idle for more than 500 ms
     * before handing it out), less than any SHOW statement (which MariaDB does not count per user).
     */
    private static void assertOnlyTheseStatementsWereReceived(Deltas d, List<String> sent) {
        long packets = ServerProbe.packetBytes(sent);
        assertThat(d.total(ServerProbe.BYTES_RECEIVED) - packets)
                .as("bytes received beyond the %d statements' %d bytes (%s)", sent.size(), packets, d)
                .isBetween(0L, ServerProbe.PING_BYTES * probe.roles().size());
    }

    private static String queryString(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertThat(rs.next()).as("a row from [%s]", sql).isTrue();
            return rs.getString(1);
        }
    }

    /** A value read together with the server that answered. */
    private record Seen(String value, long serverId) {
    }

    /** Runs {@code SELECT <expression>, @@server_id} (with an optional prefix such as the hint). */
    private static Seen read(Statement s, String prefix, String expression) throws SQLException {
        try (ResultSet rs = s.executeQuery(prefix + "SELECT " + expression + ", @@server_id")) {
            assertThat(rs.next()).isTrue();
            return new Seen(rs.getString(1), rs.getLong(2));
        }
    }

    /** Reads {@code expression} {@code times} times as plain reads; returns server id to the values seen there. */
    private static Map<Long, Set<String>> readMany(Statement s, String expression, int times) throws SQLException {
        Map<Long, Set<String>> seen = new LinkedHashMap<>();
        for (int i = 0; i < times; i++) {
            Seen r = read(s, "", expression);
            seen.computeIfAbsent(r.serverId(), k -> new LinkedHashSet<>()).add(r.value());
        }
        return seen;
    }

    private static void assertBothReplicasSawOnly(Map<Long, Set<String>> seen, String expected, String what) {
        assertThat(seen.keySet()).as("%s: servers that answered %s", what, seen)
                .containsExactlyInAnyOrderElementsOf(probe.replicaIds());
        for (Map.Entry<Long, Set<String>> e : seen.entrySet()) {
            assertThat(e.getValue()).as("%s on %s", what, probe.role(e.getKey())).containsExactly(expected);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Default database

    @Test
    void catalogFollowsTheConnectionOntoReplicas() throws Exception {
        probe.executeOnPrimary("CREATE DATABASE IF NOT EXISTS " + SECOND_SCHEMA);
        String t = ServerProbe.uniqueName("app2_t");
        probe.executeOnPrimary("CREATE TABLE " + SECOND_SCHEMA + "." + t + " (id INT PRIMARY KEY, v VARCHAR(20))");
        probe.executeOnPrimary("INSERT INTO " + SECOND_SCHEMA + "." + t + " VALUES (1, 'in-app2')");
        probe.awaitReplication(); // this class's user has had ALL ON app2.* since it was made

        try (Connection c = connect(); Statement s = c.createStatement()) {
            c.setCatalog(SECOND_SCHEMA);
            assertThat(c.getCatalog()).isEqualTo(SECOND_SCHEMA);
            assertBothReplicasSawOnly(readMany(s, "DATABASE()", 6), SECOND_SCHEMA, "DATABASE() after setCatalog");
            Map<Long, Set<String>> rows = new LinkedHashMap<>();
            for (int i = 0; i < 6; i++) {
                try (ResultSet rs = s.executeQuery("SELECT v, @@server_id FROM " + t + " WHERE id = 1")) {
                    assertThat(rs.next()).isTrue();
                    rows.computeIfAbsent(rs.getLong(2), k -> new LinkedHashSet<>()).add(rs.getString(1));
                }
            }
            assertBothReplicasSawOnly(rows, "in-app2", "unqualified table of app2");

            // another logical connection meanwhile stays in app, on both replicas and the primary
            try (Connection other = connect(); Statement o = other.createStatement()) {
                Map<Long, Set<String>> mine = new LinkedHashMap<>();
                Map<Long, Set<String>> theirs = new LinkedHashMap<>();
                for (int i = 0; i < 6; i++) {
                    Seen m = read(s, "", "DATABASE()");
                    mine.computeIfAbsent(m.serverId(), k -> new LinkedHashSet<>()).add(m.value());
                    for (int j = 0; j < 2; j++) {
                        Seen r = read(o, "", "DATABASE()");
                        theirs.computeIfAbsent(r.serverId(), k -> new LinkedHashSet<>()).add(r.value());
                    }
                }
                assertBothReplicasSawOnly(mine, SECOND_SCHEMA, "DATABASE() after setCatalog, interleaved");
                assertBothReplicasSawOnly(theirs, "app", "DATABASE() of another connection, interleaved");
                assertThat(read(o, HINT, "DATABASE()").value()).isEqualTo("app");
            }

            s.execute("USE app");
            assertBothReplicasSawOnly(readMany(s, "DATABASE()", 6), "app", "DATABASE() after USE app");
            assertThatThrownBy(() -> s.executeQuery("SELECT v FROM " + t)).isInstanceOf(SQLException.class);

            // in a transaction, the default database is the connection's too
            c.setCatalog(SECOND_SCHEMA);
            c.setAutoCommit(false);
            assertThat(read(s, "", "DATABASE()")).as("in a transaction").isEqualTo(new Seen(SECOND_SCHEMA, probe.primaryId()));
            c.commit();
            c.setAutoCommit(true);

            // an unknown database fails at once and changes nothing
            assertThatThrownBy(() -> c.setCatalog("no_such_db_here")).isInstanceOf(SQLException.class);
            assertBothReplicasSawOnly(readMany(s, "DATABASE()", 4), SECOND_SCHEMA, "DATABASE() after a failed setCatalog");
        }
        // a new logical connection starts in the URL's database everywhere
        try (Connection c = connect(); Statement s = c.createStatement()) {
            assertBothReplicasSawOnly(readMany(s, "DATABASE()", 6), "app", "DATABASE() of a new connection");
            assertThat(read(s, HINT, "DATABASE()").value()).isEqualTo("app");
        }
    }

    // ------------------------------------------------------------------------------------------------
    // SQL session settings

    private static final String SETTINGS = "@@session.time_zone, @@session.sql_mode, @@session.collation_connection";

    private static String settingsOf(Statement s, String prefix) throws SQLException {
        try (ResultSet rs = s.executeQuery(prefix + "SELECT " + SETTINGS)) {
            rs.next();
            return rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3);
        }
    }

    @Test
    void sqlSessionSettingsFollowTheConnectionAndNeverLeak() throws Exception {
        // the defaults, as a fresh logical connection sees them
        String defaults;
        try (Connection fresh = connect(); Statement s = fresh.createStatement()) {
            defaults = settingsOf(s, HINT);
            assertThat(defaults).startsWith("SYSTEM|");
            Map<Long, Set<String>> seen = readMany(s, "CONCAT_WS('|', " + SETTINGS + ")", 4);
            assertBothReplicasSawOnly(seen, defaults, "defaults");
        }
        String wanted = "+03:00|ANSI_QUOTES|utf8mb4_bin";
        try (Connection setter = connect(); Statement s = setter.createStatement();
                Connection other = connect(); Statement o = other.createStatement()) {
            s.execute("SET SESSION sql_mode = 'ANSI_QUOTES'");
            s.execute("SET time_zone = '+03:00'");
            s.execute("SET NAMES utf8mb4 COLLATE utf8mb4_bin");

            assertBothReplicasSawOnly(readMany(s, "CONCAT_WS('|', " + SETTINGS + ")", 10), wanted,
                    "settings on the connection that made them");
            assertThat(settingsOf(s, HINT)).as("on the primary").isEqualTo(wanted);
            // semantics, not only the variables: utf8mb4_bin compares case-sensitively
            assertThat(queryString(s, "SELECT 'a' = 'A'")).isEqualTo("0");

            // interleaved with another logical connection that uses the same physical connections (one read
            // of the setter, two of the other: with round robin over two replicas both see both replicas)
            Map<Long, Set<String>> mine = new LinkedHashMap<>();
            Map<Long, Set<String>> theirs = new LinkedHashMap<>();
            for (int i = 0; i < 10; i++) {
                Seen m = read(s, "", "CONCAT_WS('|', " + SETTINGS + ")");
                mine.computeIfAbsent(m.serverId(), k -> new LinkedHashSet<>()).add(m.value());
                for (int j = 0; j < 2; j++) {
                    Seen r = read(o, "", "CONCAT_WS('|', " + SETTINGS + ")");
                    theirs.computeIfAbsent(r.serverId(), k -> new LinkedHashSet<>()).add(r.value());
                }
            }
            assertBothReplicasSawOnly(mine, wanted, "setter, interleaved");
            assertBothReplicasSawOnly(theirs, defaults, "other connection, interleaved");
            assertThat(settingsOf(o, HINT)).as("other connection on the primary").isEqualTo(defaults);
            assertThat(queryString(o, "SELECT 'a' = 'A'")).isEqualTo("1");

            // the settings are also on the connection of a transaction (primary) and of a read-only one (replica)
            setter.setAutoCommit(false);
            Seen inTx = read(s, "", "CONCAT_WS('|', " + SETTINGS + ")");
            assertThat(inTx).as("in a transaction").isEqualTo(new Seen(wanted, probe.primaryId()));
            setter.commit();
            setter.setReadOnly(true);
            Seen inRoTx = read(s, "", "CONCAT_WS('|', " + SETTINGS + ")");
            assertThat(inRoTx.value()).as("in a read-only transaction").isEqualTo(wanted);
            assertThat(inRoTx.serverId()).isIn(probe.replicaIds());
            setter.commit();
            setter.setReadOnly(false);
            setter.setAutoCommit(true);
        }
        // after the setter closed: nobody sees its settings, over many reads on every server
        try (Connection after = connect(); Statement s = after.createStatement()) {
            assertBothReplicasSawOnly(readMany(s, "CONCAT_WS('|', " + SETTINGS + ")", 20), defaults,
                    "a later logical connection");
            for (int i = 0; i < 3; i++) {
                assertThat(settingsOf(s, HINT)).as("a later logical connection on the primary").isEqualTo(defaults);
            }
            assertBothReplicasSawOnly(readMany(s, "@@session.time_zone", 10), "SYSTEM", "time_zone");
        }
    }

    @Test
    void aRejectedSessionSettingFailsAtOnceAndIsNotReplayed() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("SET time_zone = '+04:00'");
            assertThatThrownBy(() -> s.execute("SET time_zone = 'Nowhere/Bogus'"))
                    .as("an unknown time zone").isInstanceOf(SQLException.class);
            assertBothReplicasSawOnly(readMany(s, "@@session.time_zone", 6), "+04:00", "time_zone after a rejected SET");
            assertThat(read(s, HINT, "@@session.time_zone").value()).isEqualTo("+04:00");
        }
    }

    @Test
    void transactionIsolationFollowsTheConnectionAndDoesNotLeak() throws Exception {
        String isolation = "@@session.tx_isolation";
        try (Connection c = connect(); Statement s = c.createStatement()) {
            assertBothReplicasSawOnly(readMany(s, isolation, 4), "REPEATABLE-READ", "default isolation");
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            assertThat(c.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_READ_COMMITTED);
            try (Connection other = connect(); Statement o = other.createStatement()) {
                Map<Long, Set<String>> mine = new LinkedHashMap<>();
                Map<Long, Set<String>> theirs = new LinkedHashMap<>();
                for (int i = 0; i < 8; i++) {
                    Seen m = read(s, "", isolation);
                    mine.computeIfAbsent(m.serverId(), k -> new LinkedHashSet<>()).add(m.value());
                    for (int j = 0; j < 2; j++) {
                        Seen r = read(o, "", isolation);
                        theirs.computeIfAbsent(r.serverId(), k -> new LinkedHashSet<>()).add(r.value());
                    }
                }
                assertBothReplicasSawOnly(mine, "READ-COMMITTED", "isolation set through JDBC, interleaved");
                assertBothReplicasSawOnly(theirs, "REPEATABLE-READ", "isolation of another connection, interleaved");
                assertThat(read(o, HINT, isolation).value()).isEqualTo("REPEATABLE-READ");
            }
            assertBothReplicasSawOnly(readMany(s, isolation, 6), "READ-COMMITTED", "isolation set through JDBC");
            assertThat(read(s, HINT, isolation).value()).isEqualTo("READ-COMMITTED");
            // the same set in SQL
            s.execute("SET SESSION TRANSACTION ISOLATION LEVEL READ UNCOMMITTED");
            assertThat(c.getTransactionIsolation()).isEqualTo(Connection.TRANSACTION_READ_UNCOMMITTED);
            assertBothReplicasSawOnly(readMany(s, isolation, 4), "READ-UNCOMMITTED", "isolation set in SQL");
            // inside a transaction too, on the primary
            c.setTransactionIsolation(Connection.TRANSACTION_SERIALIZABLE);
            c.setAutoCommit(false);
            Seen inTx = read(s, "", isolation);
            assertThat(inTx).isEqualTo(new Seen("SERIALIZABLE", probe.primaryId()));
            c.commit();
            // and in a read-only transaction, on a replica
            c.setReadOnly(true);
            Seen inRoTx = read(s, "", isolation);
            assertThat(inRoTx.value()).isEqualTo("SERIALIZABLE");
            assertThat(inRoTx.serverId()).isIn(probe.replicaIds());
            c.commit();
        }
        try (Connection later = connect(); Statement s = later.createStatement()) {
            assertBothReplicasSawOnly(readMany(s, isolation, 10), "REPEATABLE-READ", "isolation of a later connection");
            assertThat(read(s, HINT, isolation).value()).isEqualTo("REPEATABLE-READ");
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Pinning

    @Test
    void userVariablePinsTheConnectionToThePrimaryUntilClose() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("SET @x = 5");
            for (int i = 0; i < 6; i++) {
                Seen x = read(s, "", "@x");
                assertThat(x).as("read %d after SET @x", i).isEqualTo(new Seen("5", probe.primaryId()));
            }
            for (int i = 0; i < 4; i++) {
                assertThat(read(s, "", "1").serverId()).as("plain read %d of a pinned connection", i).isEqualTo(probe.primaryId());
            }
            c.setAutoCommit(false);
            assertThat(read(s, "", "@x")).as("in a transaction of a pinned connection").isEqualTo(new Seen("5", probe.primaryId()));
            c.commit();
            c.setAutoCommit(true);
            assertThat(read(s, "", "@x")).as("after the transaction").isEqualTo(new Seen("5", probe.primaryId()));
        }
        try (Connection c = connect(); Statement s = c.createStatement()) {
            List<Seen> seen = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                seen.add(read(s, "", "@x"));
            }
            assertThat(seen).extracting(Seen::serverId).as("reads of a new connection").doesNotContain(probe.primaryId())
                    .containsAll(probe.replicaIds());
            assertThat(seen).extracting(Seen::value).containsOnlyNulls();
            for (int i = 0; i < 3; i++) {
                assertThat(read(s, HINT, "@x")).as("@x on the primary for a new connection")
                        .isEqualTo(new Seen(null, probe.primaryId()));
            }
        }
    }

    @Test
    void temporaryTablePinsTheConnection() throws Exception {
        String tmp = ServerProbe.uniqueName("tmp");
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE TEMPORARY TABLE " + tmp + " (id INT PRIMARY KEY, v VARCHAR(10))");
            s.executeUpdate("INSERT INTO " + tmp + " VALUES (1, 'a'), (2, 'b')");
            for (int i = 0; i < 4; i++) {
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*), @@server_id FROM " + tmp)) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).as("rows of the temporary table, read %d", i).isEqualTo(2);
                    assertThat(rs.getLong(2)).isEqualTo(probe.primaryId());
                }
            }
        }
        try (Connection c = connect(); Statement s = c.createStatement()) {
            assertThat(read(s, "", "1").serverId()).isIn(probe.replicaIds());
            assertThatThrownBy(() -> s.executeQuery(HINT + "SELECT COUNT(*) FROM " + tmp))
                    .as("another connection does not see the temporary table")
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(((SQLException) e).getErrorCode()).isEqualTo(1146));
        }
    }

    @Test
    void lockTablesPinsTheConnection() throws Exception {
        String t = probe.createTable("id INT PRIMARY KEY", "INSERT INTO {t} VALUES (1), (2), (3)");
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("LOCK TABLES " + t + " READ");
            assertThat(probe.queryString(probe.primaryRole(),
                    "SHOW OPEN TABLES FROM app WHERE `Table` = '" + t + "' AND In_use > 0"))
                    .as("the table is locked on the primary").isEqualTo("app");
            for (int i = 0; i < 4; i++) {
                try (ResultSet rs = s.executeQuery("SELECT COUNT(*), @@server_id FROM " + t)) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).isEqualTo(3);
                    assertThat(rs.getLong(2)).as("read %d under LOCK TABLES", i).isEqualTo(probe.primaryId());
                }
            }
            s.execute("UNLOCK TABLES");
            assertThat(probe.queryString(probe.primaryRole(),
                    "SHOW OPEN TABLES FROM app WHERE `Table` = '" + t + "' AND In_use > 0"))
                    .as("UNLOCK TABLES ran on the connection that holds the lock").isNull();
            assertThat(read(s, "", "1").serverId()).as("still pinned after UNLOCK TABLES").isEqualTo(probe.primaryId());
        }
    }

    @Test
    void serverSidePrepareInSqlPinsTheConnection() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("PREPARE it_stmt FROM 'SELECT @@server_id'");
            for (int i = 0; i < 4; i++) {
                assertThat(s.execute("EXECUTE it_stmt")).isTrue();
                try (ResultSet rs = s.getResultSet()) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getLong(1)).as("EXECUTE %d", i).isEqualTo(probe.primaryId());
                }
            }
            s.execute("DEALLOCATE PREPARE it_stmt");
        }
        try (Connection c = connect(); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.execute(HINT + "EXECUTE it_stmt"))
                    .as("another connection does not see the prepared statement").isInstanceOf(SQLException.class);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // A pool over the driver

    @Test
    void hikariConnectionInitSqlDoesNotStopReadsFromReachingReplicas() throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(probe.quietUrl());
        config.setUsername(user.name());
        config.setPassword(user.password());
        config.setConnectionInitSql("SET time_zone = '+02:00'");
        config.setMaximumPoolSize(2);
        config.setPoolName("it-app-pool");
        try (HikariDataSource pool = new HikariDataSource(config)) {
            Map<Long, Set<String>> seen = new LinkedHashMap<>();
            for (int borrow = 0; borrow < 5; borrow++) {
                try (Connection c = pool.getConnection(); Statement s = c.createStatement()) {
                    for (int i = 0; i < 4; i++) {
                        Seen r = read(s, "", "@@session.time_zone");
                        seen.computeIfAbsent(r.serverId(), k -> new LinkedHashSet<>()).add(r.value());
                    }
                }
            }
            assertBothReplicasSawOnly(seen, "+02:00", "time_zone through the app pool");
        }
        try (Connection c = connect(); Statement s = c.createStatement()) {
            assertBothReplicasSawOnly(readMany(s, "@@session.time_zone", 8), "SYSTEM", "time_zone outside the app pool");
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Round trips

    /**
     * After the first use, reads on a connection with a session setting send nothing but the reads: the
     * setting is already on the physical connections.
     */
    @Test
    void steadyStateReadsWithSessionStateSendNoExtraStatements() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("SET time_zone = '+03:00'");
            c.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            for (int i = 0; i < 6; i++) { // warm-up: both replicas get the state
                assertThat(read(s, "", "@@session.time_zone").value()).isEqualTo("+03:00");
            }
            List<String> sent = new ArrayList<>();
            Deltas d = measure(() -> {
                for (int i = 0; i < 100; i++) {
                    Seen r = read(s, "", "@@session.time_zone");
                    sent.add("SELECT @@session.time_zone, @@server_id");
                    assertThat(r.value()).isEqualTo("+03:00");
                }
            });
            // SET and USE (Com_set_option, Com_change_db) are among the user's OTHER statements
            assertThat(d.total(ServerProbe.OTHERS)).as("SET, USE or other non-SELECT statements during 100 reads (%s)", d)
                    .isZero();
            assertThat(d.total(ServerProbe.STATEMENTS)).as("statements for 100 reads (%s)", d).isEqualTo(100);
            assertThat(d.total(ServerProbe.SELECTS)).as("SELECTs for 100 reads (%s)", d).isEqualTo(100);
            assertOnlyTheseStatementsWereReceived(d, sent);
            assertThat(d.nothingReached(probe.primaryRole())).as("nothing reached the primary (%s)", d).isTrue();
        }
    }

    /** Reads and writes alternating on a connection with session state: still one statement each. */
    @Test
    void steadyStateMixedStatementsWithSessionStateSendNoExtraStatements() throws Exception {
        String t = probe.createTable("id INT PRIMARY KEY, n INT", "INSERT INTO {t} VALUES (1, 0)");
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("SET time_zone = '+03:00'");
            s.execute("SET SESSION sql_mode = 'STRICT_ALL_TABLES'");
            for (int i = 0; i < 6; i++) {
                read(s, "", "1");
                s.executeUpdate("UPDATE " + t + " SET n = n + 1 WHERE id = 1");
            }
            List<String> sent = new ArrayList<>();
            String update = "UPDATE " + t + " SET n = n + 1 WHERE id = 1";
            Deltas d = measure(() -> {
                for (int i = 0; i < 50; i++) {
                    read(s, "", "1");
                    sent.add("SELECT 1, @@server_id");
                    s.executeUpdate(update);
                    sent.add(update);
                }
            });
            // SET statements (Com_set_option) are among the user's OTHER statements
            assertThat(d.total(ServerProbe.OTHERS)).as("SET or other non-SELECT, non-UPDATE statements during 100 statements (%s)", d)
                    .isZero();
            assertThat(d.total(ServerProbe.STATEMENTS)).as("statements for 100 statements (%s)", d).isEqualTo(100);
            assertOnlyTheseStatementsWereReceived(d, sent);
            assertThat(d.onPrimary(ServerProbe.UPDATES)).as("UPDATEs on the primary (%s)", d).isEqualTo(50);
        }
    }
}
