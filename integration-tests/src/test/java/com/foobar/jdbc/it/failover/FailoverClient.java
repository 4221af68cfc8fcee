package com.foobar.jdbc.it.failover;

import com.foobar.jdbc.FoobarDataSource;
import com.foobar.jdbc.jdbc.FoobarConnection;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One application instance of {@link MultiInstanceTest}, run in its own JVM: one driver instance (its own
 * cluster, monitor and failover coordinator) that writes ({@code INSERT INTO app.mi}) and reads
 * ({@code SELECT @@server_id}) in a loop, about every 20 ms, and prints what it sees on standard output:
 *
 * <pre>
 * READY server_id=1
 * ERROR write 08S02 PrimaryChangedException: ...
 * RESULT server_id=2 epoch=1 writes=... errors=...
 * </pre>
 *
 * <p>It ends by itself: once it has written to a primary other than the first one and then kept writing for
 * {@code settleSeconds} (so that its driver has settled), or after {@code maxSeconds} in all (then it prints
 * {@code RESULT TIMEOUT ...} and exits with 2). The driver's own log (logback, the test classpath's
 * configuration) goes to the same output.
 *
 * <p>Arguments: url user password client-number maxSeconds settleSeconds.
 */
public final class FailoverClient {

    private FailoverClient() {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String user = args[1];
        String password = args[2];
        int client = Integer.parseInt(args[3]);
        long maxNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[4]));
        long settleNanos = TimeUnit.SECONDS.toNanos(Long.parseLong(args[5]));
        long start = System.nanoTime();
        int code;
        FoobarDataSource ds = new FoobarDataSource();
        ds.setUrl(url);
        ds.setUser(user);
        ds.setPassword(password);
        try (ds; Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            long first = primaryServerId(st);
            System.out.println("READY server_id=" + first);
            long writes = 0;
            long errors = 0;
            long movedAt = 0;
            long seq = 0;
            while (true) {
                if (System.nanoTime() - start > maxNanos) {
                    System.out.println("RESULT TIMEOUT writes=" + writes + " errors=" + errors + " primary="
                            + c.unwrap(FoobarConnection.class).cluster().topology().primary());
                    code = 2;
                    break;
                }
                try {
                    st.executeUpdate("INSERT INTO app.mi (client, seq, server_id) VALUES (" + client + ", " + (++seq)
                            + ", @@server_id)");
                    writes++;
                    if (movedAt == 0 && primaryServerId(st) != first) {
                        movedAt = System.nanoTime();
                        System.out.println("MOVED after " + writes + " writes");
                    }
                } catch (SQLException e) {
                    errors++;
                    System.out.println("ERROR write " + e.getSQLState() + " " + e.getClass().getSimpleName() + ": "
                            + e.getMessage());
                }
                try {
                    try (ResultSet rs = st.executeQuery("SELECT @@server_id")) {
                        rs.next();
                    }
                } catch (SQLException e) {
                    errors++;
                    System.out.println("ERROR read " + e.getSQLState() + " " + e.getClass().getSimpleName() + ": "
                            + e.getMessage());
                }
                if (movedAt != 0 && System.nanoTime() - movedAt > settleNanos) {
                    long epoch;
                    try (ResultSet rs = st.executeQuery("/* foobar:primary */ SELECT epoch FROM foobar_meta.topology_epoch "
                            + "WHERE id = 1")) {
                        epoch = rs.next() ? rs.getLong(1) : 0;
                    }
                    System.out.println("RESULT server_id=" + primaryServerId(st) + " epoch=" + epoch + " writes=" + writes
                            + " errors=" + errors);
                    code = 0;
                    break;
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20)); // pace the load
            }
        } catch (Throwable t) {
            System.out.println("FAILED " + t);
            t.printStackTrace(System.out);
            code = 3;
        }
        System.out.flush();
        System.exit(code);
    }

    private static long primaryServerId(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("/* foobar:primary */ SELECT @@server_id")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
