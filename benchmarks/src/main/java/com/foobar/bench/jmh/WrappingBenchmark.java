package com.foobar.bench.jmh;

import com.foobar.jdbc.FoobarDataSource;
import com.foobar.testcluster.EmbeddedCluster;
import com.foobar.testcluster.EmbeddedServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The cost of the driver's wrapping on the statement path, against a real server: raw Connector/J straight
 * to the replica versus a {@code jdbc:foobar:} connection over a primary and that one replica (so every read
 * goes to the same server in both cases), one thread, no pool in front. The difference between the two is
 * what the driver adds: routing, the borrow of a physical connection from its per-host pool, session sync,
 * parameter recording and replay, and the statement and result-set wrappers. With {@code -prof gc} the
 * difference in {@code gc.alloc.rate.norm} is the driver's own allocation per operation.
 *
 * <p>Each trial starts its own embedded primary and replica (a few seconds).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class WrappingBenchmark {

    private static final String SELECT = "SELECT id, v, pad FROM bench WHERE id = ?";
    private static final String SCAN = "SELECT id, v FROM bench ORDER BY id";
    private static final int ROWS = 1000;
    private static final String CJ_PROPS = "sslMode=DISABLED&allowPublicKeyRetrieval=true&useLocalSessionState=true";

    /** {@code connectorj}: raw Connector/J to the replica; {@code foobar}: this driver. */
    @Param({"connectorj", "foobar"})
    public String driver;

    /**
     * Extra Connector/J properties for both drivers ({@code none}: none), e.g.
     * {@code -p cjExtra=cachePrepStmts=true} to see what Connector/J's statement cache changes.
     */
    @Param({"none"})
    public String cjExtra;

    private EmbeddedCluster cluster;
    private FoobarDataSource foobar;
    private Connection connection;
    private PreparedStatement prepared;
    private PreparedStatement scan;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws SQLException {
        cluster = EmbeddedCluster.builder().replicas(1).database("app").start();
        EmbeddedServer primary = cluster.primary();
        primary.execute("CREATE TABLE app.bench (id INT PRIMARY KEY, v BIGINT NOT NULL, pad VARCHAR(60) NOT NULL)");
        primary.execute("SET STATEMENT max_recursive_iterations = 100000 FOR INSERT INTO app.bench (id, v, pad) WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL SELECT n + 1"
                + " FROM s WHERE n < " + ROWS + ") SELECT n, n, RPAD(CONCAT('row-', n), 60, '.') FROM s");
        cluster.awaitReplicationCaughtUp(Duration.ofSeconds(60));
        String cjProps = CJ_PROPS + (cjExtra.equals("none") ? "" : "&" + cjExtra);
        if (driver.equals("connectorj")) {
            Properties props = new Properties();
            props.setProperty("user", cluster.appUser());
            props.setProperty("password", cluster.appPassword());
            connection = new com.mysql.cj.jdbc.NonRegisteringDriver().connect(
                    "jdbc:mysql://" + cluster.replicas().get(0).hostAndPort() + "/app?" + cjProps, props);
        } else if (driver.equals("foobar")) {
            foobar = new FoobarDataSource();
            foobar.setUrl(cluster.foobarUrl("adminUser=" + EmbeddedCluster.ADMIN_USER + "&adminPassword="
                    + EmbeddedCluster.ADMIN_PASSWORD + "&" + cjProps));
            foobar.setUser(cluster.appUser());
            foobar.setPassword(cluster.appPassword());
            connection = foobar.getConnection();
        } else {
            throw new IllegalArgumentException("unknown driver " + driver);
        }
        prepared = connection.prepareStatement(SELECT);
        scan = connection.prepareStatement(SCAN);
        // Prove the reads land on the replica in both cases.
        try (ResultSet rs = connection.createStatement().executeQuery("SELECT @@server_id")) {
            rs.next();
            if (rs.getInt(1) != cluster.replicas().get(0).serverId()) {
                throw new IllegalStateException(driver + ": a read ran on server_id " + rs.getInt(1));
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() throws SQLException {
        try {
            if (connection != null) {
                connection.close();
            }
        } finally {
            if (foobar != null) {
                foobar.close();
            }
            if (cluster != null) {
                cluster.close();
            }
        }
    }

    private int nextId() {
        next = next == ROWS ? 1 : next + 1;
        return next;
    }

    /** What an application does per query: prepare, bind, execute, read the row, close. */
    @Benchmark
    public long prepareExecuteNext() throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(SELECT)) {
            ps.setInt(1, nextId());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(2);
            }
        }
    }

    /** A statement prepared once and executed again and again (re-routed at each execution). */
    @Benchmark
    public long executeQuery() throws SQLException {
        prepared.setInt(1, nextId());
        try (ResultSet rs = prepared.executeQuery()) {
            rs.next();
            return rs.getLong(2);
        }
    }

    /** {@code ResultSet.next()} plus one getter per row, over a 1000-row result: the score is per row. */
    @Benchmark
    @OperationsPerInvocation(ROWS)
    public long nextPerRow() throws SQLException {
        long sum = 0;
        try (ResultSet rs = scan.executeQuery()) {
            while (rs.next()) {
                sum += rs.getLong(2);
            }
        }
        return sum;
    }
}
