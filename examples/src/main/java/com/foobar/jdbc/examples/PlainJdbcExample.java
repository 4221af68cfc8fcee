package com.foobar.jdbc.examples;

import com.foobar.jdbc.examples.support.ExampleTarget;
import com.foobar.jdbc.examples.support.Examples;
import com.foobar.jdbc.examples.support.Report;
import com.foobar.jdbc.examples.support.Report.Expect;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Plain JDBC through {@code DriverManager} and a {@code jdbc:foobar:} URL: autocommit writes, a read-write
 * transaction, autocommit reads, a read-only transaction and a write the driver refuses. Prints where each
 * statement ran, as the servers report it ({@code @@server_id}).
 *
 * <pre>
 * mvn -q -pl examples -am -Dmaven.test.skip=true package exec:java -Ddemo.mainClass=com.foobar.jdbc.examples.PlainJdbcExample
 * </pre>
 */
public final class PlainJdbcExample {

    private static final String TABLE = "example_jdbc_notes";

    private PlainJdbcExample() {
    }

    public static void main(String[] args) {
        Examples.main("PlainJdbcExample", args, PlainJdbcExample::run);
    }

    /** The example's body: also run by the integration tests against their cluster. */
    public static Report run(ExampleTarget target) throws SQLException {
        try (Connection c = DriverManager.getConnection(target.url(), target.user(), target.password())) {
            Report report = Report.learnPrimary(c);
            try (Statement st = c.createStatement()) {
                st.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, "
                        + "body VARCHAR(100) NOT NULL, written_by INT NOT NULL)");
            }

            // Autocommit writes: each on the primary. The row keeps the @@server_id of the server that wrote it.
            List<Long> writers = new ArrayList<>();
            try (PreparedStatement insert = c.prepareStatement("INSERT INTO " + TABLE + " (body, written_by) VALUES (?, @@server_id)",
                    Statement.RETURN_GENERATED_KEYS)) {
                for (int i = 1; i <= 3; i++) {
                    insert.setString(1, "note " + i);
                    insert.executeUpdate();
                    try (ResultSet keys = insert.getGeneratedKeys()) {
                        keys.next();
                        writers.add(writtenBy(c, keys.getLong(1)));
                    }
                }
            }
            report.add("INSERT x3 (autocommit)", Expect.PRIMARY, writers);

            // A read-write transaction: all of it on one primary connection.
            c.setAutoCommit(false);
            List<Long> tx = new ArrayList<>();
            try (Statement st = c.createStatement()) {
                st.executeUpdate("INSERT INTO " + TABLE + " (body, written_by) VALUES ('in a transaction', @@server_id)");
                tx.add(serverId(st));
                st.executeUpdate("UPDATE " + TABLE + " SET body = CONCAT(body, '!') WHERE body = 'in a transaction'");
                tx.add(serverId(st));
            }
            c.commit();
            c.setAutoCommit(true);
            report.add("transaction: INSERT, UPDATE, commit", Expect.PRIMARY, tx);

            long rows = count(c, "/* foobar:primary */ SELECT COUNT(*) FROM " + TABLE);
            Examples.awaitReplicas(c, "SELECT COUNT(*) FROM " + TABLE, rows);

            // Autocommit reads: round robin over the replicas, one statement at a time.
            List<Long> readers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                readers.add(readServer(c));
            }
            report.add("SELECT x4 (autocommit)", Expect.REPLICA, readers);

            // A read-only transaction, as @Transactional(readOnly = true) runs it: one replica for all of it.
            c.setReadOnly(true);
            c.setAutoCommit(false);
            List<Long> readOnly = new ArrayList<>();
            readOnly.add(readServer(c));
            readOnly.add(readServer(c));
            report.add("read-only transaction: SELECT x2", Expect.REPLICA, readOnly);
            // A write on a read-only connection: the driver refuses it (SQLState 25006) and sends it nowhere.
            try (Statement st = c.createStatement()) {
                st.executeUpdate("UPDATE " + TABLE + " SET body = body WHERE id = -1");
                report.add("UPDATE in the read-only transaction", Expect.NOWHERE, List.of(serverId(st)));
            } catch (SQLException e) {
                report.refused("UPDATE in the read-only transaction", e);
            }
            c.commit();
            c.setAutoCommit(true);
            c.setReadOnly(false);
            return report;
        }
    }

    /** A read of the table that also says which server ran it. */
    private static long readServer(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT @@server_id, COUNT(*) FROM " + TABLE)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The server of the connection's current transaction. */
    private static long serverId(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT @@server_id")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Reads back who wrote a row, on the primary (the hint: the replicas may not have the row yet). */
    private static long writtenBy(Connection c, long id) throws SQLException {
        return count(c, "/* foobar:primary */ SELECT written_by FROM " + TABLE + " WHERE id = " + id);
    }

    private static long count(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
