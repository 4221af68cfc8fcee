package com.foobar.jdbc.examples.support;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** What the four examples share: the command line, and waiting for asynchronous replication. */
public final class Examples {

    private Examples() {
    }

    /** An example's body. */
    @FunctionalInterface
    public interface Body {
        /**
         * @return what it did and where that ran
         * @throws Exception whatever the example throws
         */
        Report run(ExampleTarget target) throws Exception;
    }

    /**
     * Runs an example from its {@code main}: an embedded cluster, or {@code --url/--user/--password}. Exits with 2 for
     * bad arguments and 1 if the example failed or a step ran where it should not.
     */
    public static void main(String name, String[] args, Body body) {
        ExampleTarget target;
        try {
            target = ExampleTarget.fromArgs(name, args);
        } catch (IllegalArgumentException e) {
            System.err.println(name + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        if (target == null) {
            return; // --help
        }
        // An embedded cluster is stopped by its own JVM shutdown hook, at the same time as the driver's hook closes
        // the driver's pools: stopping it earlier would leave the driver's health monitor (of connections made
        // through DriverManager, which live until the JVM exits) watching dead servers.
        boolean ok = false;
        try {
            System.out.println(name + " on " + target.describe() + " as user " + target.user());
            Report report = body.run(target);
            report.print(System.out);
            ok = report.allAsExpected();
        } catch (Exception e) {
            System.err.println(name + " failed: " + e);
            e.printStackTrace();
        }
        if (!ok) {
            System.exit(1);
        }
    }

    /**
     * Waits until a read of {@code countSql} (a single number) returns {@code expected} on every replica: the
     * replicas apply the primary's writes asynchronously, a few milliseconds later. Each try is a plain read, so
     * tries go round robin over the replicas; four good answers in a row have come from each replica.
     *
     * @throws SQLException if the replicas do not catch up within 30 s
     */
    public static void awaitReplicas(Connection c, String countSql, long expected) throws SQLException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        int goodInARow = 0;
        while (goodInARow < 4) {
            long value = -1;
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(countSql)) {
                if (rs.next()) {
                    value = rs.getLong(1);
                }
            } catch (SQLException e) {
                if (!"42S02".equals(e.getSQLState())) { // the table is not on this replica yet
                    throw e;
                }
            }
            goodInARow = value == expected ? goodInARow + 1 : 0;
            if (goodInARow < 4) {
                if (System.nanoTime() - deadline > 0) {
                    throw new SQLException("the replicas did not catch up within 30 s: " + countSql + " returned " + value
                            + ", expected " + expected);
                }
                pause();
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
