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

    /**
     * Opens one connection. Unless the application gave Connector/J's {@code connectTimeout} or
     * {@code socketTimeout}, the TCP connect and the handshake are bounded by {@code connectTimeoutMs}
     * (a hung server accepts TCP connections but never sends its handshake); the socket timeout is then
     * lifted again for statements.
     */
    @Override
    public Connection getConnection() throws SQLException {
        Properties props = config.connectorProperties();
        String bound = Long.toString(config.connectTimeoutMs());
        boolean boundHandshake = !hasIgnoringCase(props, "socketTimeout");
        if (!hasIgnoringCase(props, "connectTimeout")) {
            props.setProperty("connectTimeout", bound);
        }
        if (boundHandshake) {
            props.setProperty("socketTimeout", bound);
        }
        Connection c = ConnectorJ.connect(host, config.database(), props);
        try {
            if (boundHandshake) {
                c.setNetworkTimeout(Runnable::run, 0);
            }
            return new PhysicalConnection(c, host);
        } catch (SQLException | RuntimeException e) {
            c.close();
            throw e;
        }
    }

    private static boolean hasIgnoringCase(Properties props, String name) {
        for (String key : props.stringPropertyNames()) {
            if (key.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
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
