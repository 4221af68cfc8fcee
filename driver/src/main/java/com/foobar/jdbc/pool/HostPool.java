package com.foobar.jdbc.pool;

import com.foobar.jdbc.config.FoobarConfig;
import com.foobar.jdbc.topology.HostSpec;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;

/**
 * The HikariCP pool of physical connections to one host of one cluster.
 *
 * <p>Sized by {@code maxConnectionsPerHost}; a borrow waits at most {@code connectionAcquireTimeoutMs}.
 * Connections are created on demand (no minimum idle), so a cluster that is never used opens nothing.
 * The pool never fails at construction: a host that is down only fails the borrows that need it.
 *
 * <p>Thread-safe.
 */
final class HostPool implements AutoCloseable {

    private final HostSpec host;
    private final HikariDataSource pool;
    private final long acquireTimeoutMs;

    HostPool(String clusterName, HostSpec host, FoobarConfig config) {
        this.host = host;
        this.acquireTimeoutMs = config.connectionAcquireTimeoutMs();
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("foobar[" + clusterName + "]" + host);
        hc.setDataSource(new PhysicalDataSource(host, config));
        hc.setMaximumPoolSize(config.maxConnectionsPerHost());
        hc.setMinimumIdle(0);
        hc.setConnectionTimeout(acquireTimeoutMs);
        hc.setInitializationFailTimeout(-1);
        hc.setAutoCommit(true);
        this.pool = new HikariDataSource(hc);
    }

    /**
     * @return a borrowed connection; close the lease to return it
     * @throws SQLTransientConnectionException (08001) naming the host and {@code connectionAcquireTimeoutMs}
     *                                         when no connection could be had in time
     */
    Lease borrow() throws SQLException {
        Connection c;
        if (pool.isClosed()) {
            throw new SQLNonTransientConnectionException("The pool of host " + host + " is closed: its cluster or "
                    + "data source was closed", "08003");
        }
        try {
            c = pool.getConnection();
        } catch (SQLException e) {
            throw new SQLTransientConnectionException("Cannot get a connection to host " + host + " within "
                    + acquireTimeoutMs + " ms (property connectionAcquireTimeoutMs): " + e.getMessage(), "08001", e);
        }
        return new Lease(this, c, c.unwrap(PhysicalConnection.class));
    }

    void evict(Connection c) {
        pool.evictConnection(c);
    }

    @Override
    public void close() {
        pool.close();
    }
}
