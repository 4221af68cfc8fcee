package com.foobar.bench.e2e;

import com.foobar.jdbc.FoobarDataSource;
import com.foobar.testcluster.EmbeddedCluster;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * The application pools of the cases: HikariCP, all configured alike (fixed size, filled before use,
 * no keepalive pings so that idle connections send nothing while another case is counted).
 */
final class Pools {

    private static final long FILL_TIMEOUT_MS = 60_000;

    private Pools() {
    }

    /** A pool over a JDBC URL, through {@link DriverManager}. */
    static Pool url(String name, String jdbcUrl, EmbeddedCluster cluster, int size) throws SQLException {
        HikariConfig hc = config(name, size);
        hc.setJdbcUrl(jdbcUrl);
        hc.setUsername(cluster.appUser());
        hc.setPassword(cluster.appPassword());
        return new Pool(start(hc, size), null);
    }

    /** A pool over a {@link FoobarDataSource}, closed with the pool so that the driver's own pools close too. */
    static Pool foobar(String name, String jdbcUrl, EmbeddedCluster cluster, int size) throws SQLException {
        FoobarDataSource ds = new FoobarDataSource();
        ds.setUrl(jdbcUrl);
        ds.setUser(cluster.appUser());
        ds.setPassword(cluster.appPassword());
        HikariConfig hc = config(name, size);
        hc.setDataSource(ds);
        try {
            return new Pool(start(hc, size), ds);
        } catch (SQLException | RuntimeException e) {
            ds.close();
            throw e;
        }
    }

    /** A pool whose connections go to each URL in turn as they are opened (connection-level balancing). */
    static Pool roundRobin(String name, List<String> jdbcUrls, EmbeddedCluster cluster, int size) throws SQLException {
        HikariConfig hc = config(name, size);
        hc.setDataSource(new RoundRobinDataSource(jdbcUrls, cluster.appUser(), cluster.appPassword()));
        return new Pool(start(hc, size), null);
    }

    private static HikariConfig config(String name, int size) {
        HikariConfig hc = new HikariConfig();
        hc.setPoolName(name);
        hc.setMaximumPoolSize(size);
        hc.setMinimumIdle(size);
        hc.setKeepaliveTime(0);
        hc.setConnectionTimeout(30_000);
        hc.setAutoCommit(true);
        return hc;
    }

    private static HikariDataSource start(HikariConfig hc, int size) throws SQLException {
        HikariDataSource pool = new HikariDataSource(hc);
        try {
            // Open a connection now: a URL or driver that cannot work fails here, with its own message.
            try (Connection c = pool.getConnection()) {
                c.isValid(5);
            }
            long deadline = System.nanoTime() + FILL_TIMEOUT_MS * 1_000_000;
            while (pool.getHikariPoolMXBean().getTotalConnections() < size) {
                if (System.nanoTime() - deadline > 0) {
                    throw new SQLException(hc.getPoolName() + ": only " + pool.getHikariPoolMXBean().getTotalConnections()
                            + " of " + size + " connections opened in " + FILL_TIMEOUT_MS + " ms");
                }
                try {
                    Thread.sleep(5); // polling the pool's fill level with a deadline
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("interrupted", e);
                }
            }
            return pool;
        } catch (SQLException | RuntimeException e) {
            pool.close();
            throw e;
        }
    }

    /** A HikariCP pool and what closes with it. */
    record Pool(HikariDataSource hikari, AutoCloseable alsoClose) implements AutoCloseable {
        @Override
        public void close() {
            hikari.close();
            if (alsoClose != null) {
                try {
                    alsoClose.close();
                } catch (Exception e) {
                    System.err.println("closing " + alsoClose + ": " + e);
                }
            }
        }
    }

    /** Opens each new connection on the next URL in turn. */
    private static final class RoundRobinDataSource implements DataSource {
        private final List<String> urls;
        private final Properties props = new Properties();
        private final AtomicInteger next = new AtomicInteger();

        RoundRobinDataSource(List<String> urls, String user, String password) {
            this.urls = List.copyOf(urls);
            props.setProperty("user", user);
            props.setProperty("password", password);
        }

        @Override
        public Connection getConnection() throws SQLException {
            String url = urls.get(Math.floorMod(next.getAndIncrement(), urls.size()));
            Driver driver = DriverManager.getDriver(url);
            return driver.connect(url, props);
        }

        @Override
        public Connection getConnection(String username, String password) throws SQLException {
            throw new SQLFeatureNotSupportedException("credentials are fixed");
        }

        @Override
        public PrintWriter getLogWriter() {
            return null;
        }

        @Override
        public void setLogWriter(PrintWriter out) {
            // no log writer
        }

        @Override
        public void setLoginTimeout(int seconds) {
            // Connector/J's connectTimeout applies
        }

        @Override
        public int getLoginTimeout() {
            return 0;
        }

        @Override
        public Logger getParentLogger() throws SQLFeatureNotSupportedException {
            throw new SQLFeatureNotSupportedException();
        }

        @Override
        public <T> T unwrap(Class<T> iface) throws SQLException {
            throw new SQLException("not a wrapper");
        }

        @Override
        public boolean isWrapperFor(Class<?> iface) {
            return false;
        }
    }
}
