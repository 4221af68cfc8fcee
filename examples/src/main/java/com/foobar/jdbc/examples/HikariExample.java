package com.foobar.jdbc.examples;

import com.foobar.jdbc.examples.support.ExampleTarget;
import com.foobar.jdbc.examples.support.Examples;
import com.foobar.jdbc.examples.support.Report;
import com.foobar.jdbc.examples.support.Report.Expect;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * HikariCP in front of the driver ({@code jdbcUrl=jdbc:foobar://...}, HikariCP's defaults otherwise): short
 * borrows, one connection held for many reads, a read-only and a read-write transaction, and four threads sharing
 * the pool. Prints where each statement ran, as the servers report it ({@code @@server_id}).
 *
 * <pre>
 * mvn -q -pl examples -am -Dmaven.test.skip=true package exec:java -Ddemo.mainClass=com.foobar.jdbc.examples.HikariExample
 * </pre>
 */
public final class HikariExample {

    private static final String TABLE = "example_hikari_orders";

    private HikariExample() {
    }

    public static void main(String[] args) {
        Examples.main("HikariExample", args, HikariExample::run);
    }

    /** The example's body: also run by the integration tests against their cluster. */
    public static Report run(ExampleTarget target) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setPoolName("example-hikari");
        config.setJdbcUrl(target.url());
        config.setUsername(target.user());
        config.setPassword(target.password());
        config.setMaximumPoolSize(4);
        try (HikariDataSource pool = new HikariDataSource(config)) {
            Report report;
            try (Connection c = pool.getConnection()) {
                report = Report.learnPrimary(c);
                try (Statement st = c.createStatement()) {
                    st.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id BIGINT AUTO_INCREMENT PRIMARY KEY, "
                            + "customer VARCHAR(40) NOT NULL, amount DECIMAL(10,2) NOT NULL, written_by INT NOT NULL)");
                }
            }

            // Writes, one borrow each.
            List<Long> writers = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                try (Connection c = pool.getConnection();
                        PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE
                                + " (customer, amount, written_by) VALUES (?, ?, @@server_id)", Statement.RETURN_GENERATED_KEYS)) {
                    ps.setString(1, "customer-" + i);
                    ps.setBigDecimal(2, java.math.BigDecimal.valueOf(10L * i));
                    ps.executeUpdate();
                    try (ResultSet keys = ps.getGeneratedKeys()) {
                        keys.next();
                        writers.add(single(c, "/* foobar:primary */ SELECT written_by FROM " + TABLE + " WHERE id = "
                                + keys.getLong(1)));
                    }
                }
            }
            report.add("INSERT x4, one borrow each", Expect.PRIMARY, writers);

            try (Connection c = pool.getConnection()) {
                long rows = single(c, "/* foobar:primary */ SELECT COUNT(*) FROM " + TABLE);
                Examples.awaitReplicas(c, "SELECT COUNT(*) FROM " + TABLE, rows);
            }

            // Reads, one borrow each.
            List<Long> borrowed = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                try (Connection c = pool.getConnection()) {
                    borrowed.add(readServer(c));
                }
            }
            report.add("SELECT x4, one borrow each", Expect.REPLICA, borrowed);

            // One pooled connection held for many reads: they still spread (the unit is the statement).
            List<Long> held = new ArrayList<>();
            try (Connection c = pool.getConnection()) {
                for (int i = 0; i < 4; i++) {
                    held.add(readServer(c));
                }
            }
            report.add("SELECT x4 on one held connection", Expect.REPLICA, held);

            // A read-only transaction, as Spring's @Transactional(readOnly = true) runs it.
            List<Long> readOnly = new ArrayList<>();
            try (Connection c = pool.getConnection()) {
                c.setReadOnly(true);
                c.setAutoCommit(false);
                readOnly.add(readServer(c));
                readOnly.add(readServer(c));
                c.commit();
                // returned read-only with autocommit off: HikariCP resets both on return
            }
            report.add("read-only transaction: SELECT x2", Expect.REPLICA, readOnly);

            // A read-write transaction.
            List<Long> readWrite = new ArrayList<>();
            try (Connection c = pool.getConnection()) {
                c.setAutoCommit(false);
                try (Statement st = c.createStatement()) {
                    st.executeUpdate("UPDATE " + TABLE + " SET amount = amount + 1 WHERE customer = 'customer-1'");
                    readWrite.add(single(c, "SELECT @@server_id"));
                    readWrite.add(single(c, "SELECT @@server_id FROM " + TABLE + " WHERE customer = 'customer-1' FOR UPDATE"));
                }
                c.commit();
            }
            report.add("read-write transaction: UPDATE, SELECT x2", Expect.PRIMARY, readWrite);

            // Four threads share the pool: every read is one statement, spread over the replicas.
            ExecutorService threads = Executors.newFixedThreadPool(4);
            Map<Long, Integer> perServer = new TreeMap<>();
            try {
                List<Future<List<Long>>> results = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    results.add(threads.submit(() -> {
                        List<Long> servers = new ArrayList<>();
                        for (int i = 0; i < 50; i++) {
                            try (Connection c = pool.getConnection()) {
                                servers.add(readServer(c));
                            }
                        }
                        return servers;
                    }));
                }
                List<Long> all = new ArrayList<>();
                for (Future<List<Long>> f : results) {
                    all.addAll(f.get());
                }
                all.forEach(id -> perServer.merge(id, 1, Integer::sum));
                report.add("4 threads x 50 SELECTs: " + perServer.values().stream().map(String::valueOf)
                        .reduce((a, b) -> a + " + " + b).orElse("0") + " per server", Expect.REPLICA, new ArrayList<>(perServer.keySet()));
            } finally {
                threads.shutdownNow();
            }
            return report;
        }
    }

    /** A read of the table that also says which server ran it. */
    private static long readServer(Connection c) throws SQLException {
        return single(c, "SELECT @@server_id FROM " + TABLE + " ORDER BY id LIMIT 1");
    }

    private static long single(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
