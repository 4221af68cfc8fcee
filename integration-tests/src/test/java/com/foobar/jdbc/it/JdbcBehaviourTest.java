package com.foobar.jdbc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.foobar.jdbc.it.support.ServerProbe;
import com.foobar.jdbc.it.support.SharedCluster;
import com.foobar.jdbc.jdbc.FoobarConnection;
import com.foobar.testcluster.EmbeddedCluster;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * JDBC 4.3 behaviour of the logical objects: metadata, wrappers, validity, abort, warnings, the objects'
 * back references, and closed objects.
 */
@ExtendWith(SharedCluster.class)
class JdbcBehaviourTest {

    private static EmbeddedCluster cluster;
    private static ServerProbe probe;

    @BeforeAll
    static void setUp(EmbeddedCluster sharedCluster) {
        cluster = sharedCluster;
        probe = new ServerProbe(sharedCluster);
    }

    @AfterAll
    static void tearDown() {
        if (probe != null) {
            probe.close();
        }
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(cluster.foobarUrl(), cluster.appUser(), cluster.appPassword());
    }

    private static void assertSqlState(Throwable e, String state) {
        assertThat(e).isInstanceOf(SQLException.class);
        assertThat(((SQLException) e).getSQLState()).as("SQLState of %s", e).isEqualTo(state);
    }

    // ------------------------------------------------------------------------------------------------
    // DatabaseMetaData

    @Test
    void metaDataReportsTheFoobarUrlWithoutPassword() throws Exception {
        String url = cluster.foobarUrl("user=" + cluster.appUser() + "&password=" + cluster.appPassword());
        try (Connection c = DriverManager.getConnection(url)) {
            DatabaseMetaData md = c.getMetaData();
            assertThat(md.getURL()).startsWith("jdbc:foobar://" + cluster.hostList() + "/app")
                    .doesNotContain(cluster.appPassword());
            assertThat(md.getConnection()).isSameAs(c);
            assertThat(md.getUserName()).startsWith(cluster.appUser());
            assertThat(c.toString()).doesNotContain(cluster.appPassword());
        }
        try (Connection c = connect()) {
            assertThat(c.getMetaData().getURL()).isEqualTo(cluster.foobarUrl());
        }
    }

    @Test
    void metaDataFindsTablesAndColumns() throws Exception {
        String t = probe.createTable("id INT PRIMARY KEY, v VARCHAR(10)");
        try (Connection c = connect()) {
            DatabaseMetaData md = c.getMetaData();
            List<String> found = new ArrayList<>();
            try (ResultSet rs = md.getTables("app", null, t, new String[] {"TABLE"})) {
                while (rs.next()) {
                    found.add(rs.getString("TABLE_NAME"));
                }
            }
            assertThat(found).containsExactly(t);
            List<String> columns = new ArrayList<>();
            try (ResultSet rs = md.getColumns("app", null, t, "%")) {
                while (rs.next()) {
                    columns.add(rs.getString("COLUMN_NAME"));
                }
            }
            assertThat(columns).containsExactly("id", "v");
            assertThat(md.getDatabaseProductVersion()).isNotBlank();
            // the connection is still fine after metadata calls
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT @@server_id")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isIn(probe.replicaIds());
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Wrappers

    /**
     * Connector/J calls a MariaDB server "MySQL" and its getSQLKeywords() fails there (it reads a MySQL 8
     * column); the driver reports the real product and MariaDB's keywords, so Hibernate can pick its dialect.
     */
    @Test
    void metaDataReportsMariaDbAndItsKeywords() throws Exception {
        try (Connection c = connect()) {
            DatabaseMetaData md = c.getMetaData();
            assertThat(md.getDatabaseProductName()).isEqualTo("MariaDB");
            assertThat(md.getDatabaseProductVersion()).contains("MariaDB");
            assertThat(md.getSQLKeywords()).contains("AUTO_INCREMENT").contains("STRAIGHT_JOIN");
        }
    }

    @Test
    void unwrapAndIsWrapperFor() throws Exception {
        try (Connection c = connect()) {
            assertThat(c.isWrapperFor(FoobarConnection.class)).isTrue();
            assertThat(c.unwrap(FoobarConnection.class)).isSameAs(c);
            assertThat(c.isWrapperFor(Connection.class)).isTrue();
            assertThat(c.unwrap(Connection.class)).isSameAs(c);
            assertThat(c.isWrapperFor(String.class)).isFalse();
            assertThatThrownBy(() -> c.unwrap(String.class)).isInstanceOf(SQLException.class);
            try (Statement s = c.createStatement()) {
                assertThat(s.isWrapperFor(Statement.class)).isTrue();
                assertThat(s.unwrap(Statement.class)).isSameAs(s);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Validity, close, abort

    @Test
    void isValidIsTrueWhenOpenAndFalseAfterClose() throws Exception {
        Connection c = connect();
        assertThat(c.isValid(2)).isTrue();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT 1")) {
            assertThat(rs.next()).isTrue();
        }
        assertThat(c.isValid(2)).isTrue();
        c.close();
        assertThat(c.isClosed()).isTrue();
        assertThat(c.isValid(2)).isFalse();
        assertThatThrownBy(() -> c.isValid(-1)).isInstanceOf(SQLException.class);
    }

    @Test
    void abortClosesTheConnection() throws Exception {
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Connection c = connect();
            Statement s = c.createStatement();
            try (ResultSet rs = s.executeQuery("SELECT 1")) {
                assertThat(rs.next()).isTrue();
            }
            s.executeUpdate("DO 1"); // a primary statement: the connection keeps a primary connection
            c.abort(executor);
            assertThat(c.isClosed()).isTrue();
            assertThat(c.isValid(1)).isFalse();
            assertThatThrownBy(c::createStatement).satisfies(e -> assertSqlState(e, "08003"));
            assertThatThrownBy(() -> c.prepareStatement("SELECT 1")).satisfies(e -> assertSqlState(e, "08003"));
            assertThatThrownBy(() -> c.setAutoCommit(false)).satisfies(e -> assertSqlState(e, "08003"));
            assertThatThrownBy(() -> s.executeQuery("SELECT 1")).isInstanceOf(SQLException.class);
            c.close(); // no-op
            assertThatThrownBy(() -> c.abort(null)).as("abort(null): JDBC requires an executor").isInstanceOf(SQLException.class);
        } finally {
            executor.shutdownNow();
        }
        // the cluster still works for other connections
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT @@server_id")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getLong(1)).isIn(probe.replicaIds());
        }
    }

    @Test
    void abortInsideATransactionRollsItBack() throws Exception {
        String t = probe.createTable("id INT PRIMARY KEY, v VARCHAR(10)");
        ExecutorService executor = Executors.newSingleThreadExecutor();
        try {
            Connection c = connect();
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO " + t + " VALUES (1, 'aborted')");
            }
            c.abort(executor);
            assertThat(c.isClosed()).isTrue();
        } finally {
            executor.shutdownNow();
        }
        // the physical connection was closed by the abort: the server rolled the transaction back
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(probe.rowCountOnPrimary(t, null)).isZero());
        // and no lock is left behind: the row can be inserted by another connection
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.setQueryTimeout(5);
            assertThat(s.executeUpdate("INSERT INTO " + t + " VALUES (1, 'after')")).isEqualTo(1);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Warnings

    @Test
    void statementWarningsAreReported() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT CAST('x' AS SIGNED)")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isZero();
                SQLWarning w = s.getWarnings();
                assertThat((Object) w).as("warning of CAST('x' AS SIGNED) while its result is open").isNotNull();
                assertThat(w.getMessage()).containsIgnoringCase("truncated");
            }
            SQLWarning afterClose = s.getWarnings();
            assertThat((Object) afterClose).as("statement warnings after the result set was closed (cleared only by the next execution)")
                    .isNotNull();
            s.clearWarnings();
            assertThat((Object) s.getWarnings()).isNull();
            try (ResultSet rs = s.executeQuery("SELECT 1")) {
                assertThat(rs.next()).isTrue();
                assertThat((Object) s.getWarnings()).as("no warning for SELECT 1").isNull();
            }
        }
    }

    @Test
    void warningsOfAnUpdateAreReported() throws Exception {
        String t = probe.createTable("id INT PRIMARY KEY, n INT", "INSERT INTO {t} VALUES (1, 0)");
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.executeUpdate("SET SESSION sql_mode = ''"); // non-strict: a truncation is a warning, not an error
            assertThat(s.executeUpdate("UPDATE " + t + " SET n = CAST('12abc' AS SIGNED) WHERE id = 1")).isEqualTo(1);
            assertThat((Object) s.getWarnings()).as("warning of the UPDATE").isNotNull();
            try (PreparedStatement ps = c.prepareStatement("SELECT CAST(? AS SIGNED)")) {
                ps.setString(1, "y");
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    assertThat((Object) ps.getWarnings()).as("warning of a prepared SELECT").isNotNull();
                }
            }
        }
        assertThat(probe.rowCountOnPrimary(t, "n = 12")).isEqualTo(1);
    }

    @Test
    void connectionWarningsCanBeReadAndCleared() throws Exception {
        try (Connection c = connect()) {
            c.getWarnings(); // may be null: no warning on the logical connection itself
            c.clearWarnings();
            assertThat((Object) c.getWarnings()).isNull();
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Back references

    @Test
    void statementsAndResultSetsPointBackToTheLogicalObjects() throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement();
                PreparedStatement ps = c.prepareStatement("SELECT ?")) {
            assertThat(s.getConnection()).isSameAs(c);
            assertThat(ps.getConnection()).isSameAs(c);
            try (ResultSet rs = s.executeQuery("SELECT 1")) {
                assertThat(rs.getStatement()).isSameAs(s);
            }
            ps.setInt(1, 7);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.getStatement()).isSameAs(ps);
                assertThat(rs.next()).isTrue();
                assertThat(rs.getInt(1)).isEqualTo(7);
            }
            assertThat(s.execute("SELECT 2")).isTrue();
            try (ResultSet rs = s.getResultSet()) {
                assertThat(rs.getStatement()).isSameAs(s);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Closed objects

    @Test
    void closedStatementsAndConnectionsThrow() throws Exception {
        Connection c = connect();
        Statement s = c.createStatement();
        PreparedStatement ps = c.prepareStatement("SELECT 1");
        s.close();
        assertThat(s.isClosed()).isTrue();
        assertThatThrownBy(() -> s.executeQuery("SELECT 1")).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> s.executeUpdate("DO 1")).isInstanceOf(SQLException.class);
        s.close(); // idempotent

        Statement open = c.createStatement();
        ResultSet rs = open.executeQuery("SELECT 1");
        c.close();
        assertThat(c.isClosed()).isTrue();
        assertThat(open.isClosed()).as("closing the connection closes its statements").isTrue();
        assertThat(ps.isClosed()).isTrue();
        assertThat(rs.isClosed()).as("and their result sets").isTrue();
        assertThatThrownBy(() -> ps.executeQuery()).isInstanceOf(SQLException.class);
        assertThatThrownBy(c::createStatement).satisfies(e -> assertSqlState(e, "08003"));
        assertThatThrownBy(() -> c.prepareStatement("SELECT 1")).satisfies(e -> assertSqlState(e, "08003"));
        assertThatThrownBy(() -> c.prepareCall("{call x()}")).satisfies(e -> assertSqlState(e, "08003"));
        assertThatThrownBy(c::commit).satisfies(e -> assertSqlState(e, "08003"));
        assertThatThrownBy(c::getMetaData).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> c.setReadOnly(true)).satisfies(e -> assertSqlState(e, "08003"));
        c.close(); // idempotent
    }
}
