package com.foobar.jdbc;

import com.foobar.jdbc.config.FoobarConfig;
import com.foobar.jdbc.config.FoobarUrl;
import com.foobar.jdbc.health.ClusterListener;
import com.foobar.jdbc.jdbc.FoobarConnection;
import com.foobar.jdbc.pool.Cluster;
import com.foobar.jdbc.pool.ClusterRegistry;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Logger;

/**
 * A {@link DataSource} over a {@code jdbc:foobar:} cluster, for Hibernate
 * ({@code hibernate.connection.datasource}), Spring, or HikariCP's {@code dataSourceClassName}
 * (HikariCP sets {@code url}, {@code user}, {@code password} through the bean setters).
 *
 * <p>Every connection it returns is a logical {@link FoobarConnection}. The cluster's per-host pools are
 * shared with every other data source and {@code DriverManager} user of the same URL and settings, and
 * close when the last data source using them is {@link #close() closed} (or at JVM exit).
 *
 * <p>Configure it before the first {@link #getConnection()}; it is thread-safe afterwards.
 */
public class FoobarDataSource implements DataSource, AutoCloseable {

    private volatile String url;
    private volatile String user;
    private volatile String password;
    private volatile Properties properties = new Properties();
    private volatile int loginTimeoutSeconds;
    private volatile PrintWriter logWriter;
    private final Map<FoobarConfig, Cluster> acquired = new LinkedHashMap<>();
    private final List<ClusterListener> listeners = new CopyOnWriteArrayList<>();
    private boolean closed;

    /** @param url the cluster's {@code jdbc:foobar:} URL */
    public void setUrl(String url) {
        this.url = url;
    }

    /** @return the URL, with a password in it shown as {@code ****} */
    public String getUrl() {
        return FoobarUrl.redact(url);
    }

    /** @param url the same as {@link #setUrl}, for tools that use the name {@code jdbcUrl} */
    public void setJdbcUrl(String url) {
        setUrl(url);
    }

    /** @param user the database user (wins over a {@code user} in the URL or properties) */
    public void setUser(String user) {
        this.user = user;
    }

    /** @return the database user */
    public String getUser() {
        return user;
    }

    /** @param password the user's password */
    public void setPassword(String password) {
        this.password = password;
    }

    /**
     * @param properties more properties: ours and Connector/J's (copied; the caller's object is not kept)
     */
    public void setProperties(Properties properties) {
        Properties copy = new Properties();
        if (properties != null) {
            copy.putAll(properties);
        }
        this.properties = copy;
    }

    /** @return a copy of the extra properties */
    public Properties getProperties() {
        Properties copy = new Properties();
        copy.putAll(properties);
        return copy;
    }

    /**
     * @return a logical connection as the configured user
     * @throws SQLException (08001) for bad settings or a cluster with no usable primary; (08003) after close
     */
    @Override
    public Connection getConnection() throws SQLException {
        return connect(user, password);
    }

    /**
     * @return a logical connection as the given user (a cluster of its own: pools are per user)
     * @throws SQLException as {@link #getConnection()}
     */
    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        return connect(username, password);
    }

    private Connection connect(String username, String pass) throws SQLException {
        String u = url;
        if (u == null) {
            throw new SQLException("FoobarDataSource has no URL: call setUrl(\"jdbc:foobar://...\") first (property 'url')",
                    "08001");
        }
        Properties info = getProperties();
        if (username != null) {
            info.setProperty("user", username);
        }
        if (pass != null) {
            info.setProperty("password", pass);
        }
        FoobarConfig config = FoobarUrl.parse(u, info);
        Cluster cluster;
        synchronized (acquired) {
            if (closed) {
                throw new SQLException("FoobarDataSource is closed", "08003");
            }
            cluster = acquired.get(config);
            if (cluster == null) {
                cluster = ClusterRegistry.acquire(config);
                acquired.put(config, cluster);
                for (ClusterListener l : listeners) {
                    cluster.addListener(l);
                }
            }
        }
        ClusterRegistry.start(cluster);
        return new FoobarConnection(cluster, FoobarUrl.redact(u));
    }

    /**
     * Registers a listener for the state changes of this data source's clusters (replicas leaving and
     * returning to the read rotation, the primary becoming unreachable, reads running out of replicas),
     * including clusters it connects to later.
     *
     * @param listener called on the cluster's monitor thread; see {@link ClusterListener}
     */
    public void addClusterListener(ClusterListener listener) {
        synchronized (acquired) {
            listeners.add(listener);
            for (Cluster c : acquired.values()) {
                c.addListener(listener);
            }
        }
    }

    /** @param listener no longer called */
    public void removeClusterListener(ClusterListener listener) {
        synchronized (acquired) {
            listeners.remove(listener);
            for (Cluster c : acquired.values()) {
                c.removeListener(listener);
            }
        }
    }

    /**
     * Closes the data source: the pools of its clusters close unless another data source or
     * {@code DriverManager} still uses them. Connections already handed out fail afterwards. Idempotent.
     */
    @Override
    public void close() {
        synchronized (acquired) {
            if (closed) {
                return;
            }
            closed = true;
            for (FoobarConfig c : acquired.keySet()) {
                ClusterRegistry.release(c);
            }
            acquired.clear();
        }
    }

    @Override
    public PrintWriter getLogWriter() {
        return logWriter;
    }

    /** Logging goes through slf4j; a log writer is kept only because {@link DataSource} asks for one. */
    @Override
    public void setLogWriter(PrintWriter out) {
        logWriter = out;
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
        throw new SQLFeatureNotSupportedException("The driver logs through slf4j, not java.util.logging");
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

    @Override
    public String toString() {
        return "FoobarDataSource[" + getUrl() + ", user=" + user + "]";
    }
}
