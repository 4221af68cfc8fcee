package com.foobar.jdbc.topology;

import com.mysql.cj.jdbc.NonRegisteringDriver;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;

/**
 * Opens plain MySQL Connector/J connections to one host, without going through {@code DriverManager}
 * (so the driver works whatever else is registered there).
 *
 * <p>Thread-safe.
 */
public final class ConnectorJ {

    private static final NonRegisteringDriver DRIVER = newDriver();

    private ConnectorJ() {
    }

    private static NonRegisteringDriver newDriver() {
        try {
            return new NonRegisteringDriver();
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /**
     * @param host     the host to connect to
     * @param database the default database, or {@code ""} for none
     * @param props    Connector/J properties, including {@code user} and {@code password}
     * @return a new connection
     * @throws SQLException as Connector/J reports it (08001 / 08S01 when the host cannot be reached)
     */
    public static Connection connect(HostSpec host, String database, Properties props) throws SQLException {
        return DRIVER.connect("jdbc:mysql://" + host + "/" + database, props);
    }
}
