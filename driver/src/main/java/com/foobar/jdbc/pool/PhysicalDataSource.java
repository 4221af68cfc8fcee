package com.foobar.jdbc.pool;

import com.foobar.jdbc.config.FoobarConfig;
import com.foobar.jdbc.topology.HostSpec;
import com.foobar.jdbc.topology.ConnectorJ;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The source HikariCP draws a host's physical connections from: a Connector/J connection to one host,
 * with the cluster's pass-through properties and credentials, wrapped in a {@link PhysicalConnection}.
 *
 * <p>Thread-safe: HikariCP calls it from its connection-adder threads.
 */
final class PhysicalDataSource implements DataSource {

    private final HostSpec host;
    private final FoobarConfig config;
    private volatile int loginTimeoutSeconds;

    PhysicalDataSource(HostSpec host, FoobarConfig config) {
        this.host = host;
        this.config = config;
    }

    @Override
    public Connection getConnection() throws SQLException {
        Properties props = config.connectorProperties();
        Connection c = ConnectorJ.connect(host, config.database(), props);
        try {
            return new PhysicalConnection(c, host);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("The driver's per-host pools use the cluster's credentials");
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // Logging goes through slf4j; a log writer has nothing to receive.
    }

    @Override
    public void setLoginTimeout(int seconds) {
        loginTimeoutSeconds = seconds;
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("java.util.logging is not used; see slf4j");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("Not a wrapper for " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }
}
