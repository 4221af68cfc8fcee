package com.foobar.jdbc;

import com.foobar.jdbc.config.FoobarConfig;
import com.foobar.jdbc.config.FoobarProperty;
import com.foobar.jdbc.config.FoobarUrl;
import com.foobar.jdbc.jdbc.FoobarConnection;
import com.foobar.jdbc.pool.Cluster;
import com.foobar.jdbc.pool.ClusterRegistry;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.logging.Logger;

/**
 * The {@code jdbc:foobar:} driver: {@code jdbc:foobar://host1:3306,host2:3306,host3:3306/db?key=value}.
 *
 * <p>Registered with {@link DriverManager} when loaded (through {@code META-INF/services/java.sql.Driver},
 * JDBC 4.3 section 9.2.1). Each connection it returns is a logical {@link FoobarConnection} over the cluster
 * the URL names; every connection with the same URL and properties shares that cluster's per-host pools
 * and topology, which live until the JVM exits. For pools you can close, use {@link FoobarDataSource}.
 *
 * <p>Thread-safe.
 */
public final class FoobarDriver implements Driver {

    /** The driver's version, as {@link #getMajorVersion()}.{@link #getMinorVersion()}. */
    public static final String VERSION = "0.1";

    static {
        try {
            DriverManager.registerDriver(new FoobarDriver());
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * Connects to the cluster the URL names. On the first connection to a cluster every host is probed and
     * the topology resolved.
     *
     * @param url  a {@code jdbc:foobar:} URL (any other URL returns {@code null}, as JDBC requires)
     * @param info more properties, among them {@code user} and {@code password}; not modified
     * @return a logical connection, or {@code null} if the URL is not ours
     * @throws SQLException (08001) for a null URL, bad settings (the message names the property) or a cluster with no
     *                      usable primary (the message names every host and its state)
     */
    @Override
    public Connection connect(String url, Properties info) throws SQLException {
        if (url == null) {
            throw new SQLException("The URL is null: expected jdbc:foobar://host[:port],.../database", "08001");
        }
        if (!acceptsURL(url)) {
            return null;
        }
        FoobarConfig config = FoobarUrl.parse(url, info);
        Cluster cluster = ClusterRegistry.forDriver(config);
        return new FoobarConnection(cluster, FoobarUrl.redact(url));
    }

    /**
     * @param url any JDBC URL
     * @return whether it starts with {@code jdbc:foobar:}
     */
    @Override
    public boolean acceptsURL(String url) {
        return FoobarUrl.accepts(url);
    }

    /**
     * Lists {@code user}, {@code password} and every property of ours with its current value (from the URL
     * or {@code info}) or default, a one-line description and, for enumerated properties, the choices.
     * Other properties are Connector/J's: see its documentation.
     */
    @Override
    public DriverPropertyInfo[] getPropertyInfo(String url, Properties info) {
        Properties given = new Properties();
        if (info != null) {
            for (String name : info.stringPropertyNames()) {
                given.setProperty(name, info.getProperty(name));
            }
        }
        if (url != null && url.indexOf('?') >= 0) {
            for (String pair : url.substring(url.indexOf('?') + 1).split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    try {
                        given.setProperty(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                                URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                    } catch (IllegalArgumentException e) {
                        given.setProperty(pair.substring(0, eq), pair.substring(eq + 1));
                    }
                }
            }
        }
        List<DriverPropertyInfo> result = new ArrayList<>();
        DriverPropertyInfo user = new DriverPropertyInfo("user", given.getProperty("user"));
        user.description = "The database user of every physical connection.";
        result.add(user);
        DriverPropertyInfo password = new DriverPropertyInfo("password", null);
        password.description = "That user's password.";
        result.add(password);
        for (FoobarProperty p : FoobarProperty.values()) {
            DriverPropertyInfo pi = new DriverPropertyInfo(p.propertyName(), FoobarUrl.isSecret(p.propertyName())
                    ? null : given.getProperty(p.propertyName(), p.defaultValue()));
            pi.description = p.description() + " Default: "
                    + (p.defaultValue() == null || p.defaultValue().isEmpty() ? "none" : p.defaultValue()) + ".";
            pi.choices = p.choices();
            result.add(pi);
        }
        return result.toArray(DriverPropertyInfo[]::new);
    }

    @Override
    public int getMajorVersion() {
        return 0;
    }

    @Override
    public int getMinorVersion() {
        return 1;
    }

    /** @return false: SQL conformance is the server's, and the driver does not claim JDBC compliance */
    @Override
    public boolean jdbcCompliant() {
        return false;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("The driver logs through slf4j, not java.util.logging");
    }
}
