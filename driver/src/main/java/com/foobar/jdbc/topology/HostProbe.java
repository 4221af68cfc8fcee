package com.foobar.jdbc.topology;

import com.foobar.jdbc.config.FoobarConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Asks one host what it is: reachable, writable or read-only, replicating from whom. Each probe uses
 * its own short-lived Connector/J connection (never one from the application's pools) with connect and
 * socket timeouts of {@code healthCheckTimeoutMs}.
 *
 * <p>Privileges: {@code @@global.read_only}, {@code @@server_id} and {@code SHOW GLOBAL STATUS} work for
 * any user. The replication source and thread states need the replica status ({@link Dialect#replicaStatusSql()}), which needs
 * {@code REPLICA MONITOR} (MariaDB 10.5+) or {@code REPLICATION CLIENT} (MySQL); without it the probe
 * falls back to the {@code Slave_running}/{@code Slaves_running} status variables and records it
 * ({@link #replicaStatusDenied()}) for the cluster's one WARN about missing grants.
 *
 * <p>Thread-safe: one instance per cluster, probes of different hosts may run at once.
 */
public final class HostProbe {

    private static final Logger log = LoggerFactory.getLogger(HostProbe.class);
    private static final int ER_SPECIFIC_ACCESS_DENIED = 1227;

    private final FoobarConfig config;
    private final String clusterName;
    private volatile boolean replicaStatusDenied;

    /**
     * @param config the cluster's settings: credentials, Connector/J properties, {@code healthCheckTimeoutMs}
     */
    public HostProbe(FoobarConfig config) {
        this.config = config;
        this.clusterName = config.clusterName();
    }

    /** @return whether the probing user was refused the replica status on some host */
    public boolean replicaStatusDenied() {
        return replicaStatusDenied;
    }

    /**
     * Probes one host. Never throws: an unreachable host is a status too.
     *
     * @param host the host to ask
     * @return what the host reported, or {@link HostStatus#unreachable} with the reason
     */
    public HostStatus probe(HostSpec host) {
        try (Connection c = connect(host)) {
            return inspect(c, host);
        } catch (SQLException e) {
            log.debug("[{}] probe of {} failed", clusterName, host, e);
            return HostStatus.unreachable(host, describe(e));
        }
    }

    /**
     * Opens a connection for probing: the monitor's credentials ({@code adminUser}, else the application
     * user), connect and socket timeouts of {@code healthCheckTimeoutMs}, no default database.
     *
     * @param host the host
     * @return a new Connector/J connection
     * @throws SQLException if it cannot be opened in time
     */
    public Connection connect(HostSpec host) throws SQLException {
        Properties props = config.monitorProperties();
        String timeout = Long.toString(Math.max(1, config.healthCheckTimeoutMs()));
        props.setProperty("connectTimeout", timeout);
        props.setProperty("socketTimeout", timeout);
        return ConnectorJ.connect(host, "", props);
    }

    /**
     * Asks a host what it is over an open connection.
     *
     * @param c    a connection to the host, from {@link #connect}
     * @param host the host
     * @return what the host reported
     * @throws SQLException if the connection fails
     */
    public HostStatus inspect(Connection c, HostSpec host) throws SQLException {
        try (Statement st = c.createStatement()) {
            boolean readOnly;
            long serverId;
            String version;
            long nowMicros;
            try (ResultSet rs = st.executeQuery("SELECT @@global.read_only, @@server_id, VERSION(), NOW(6)")) {
                rs.next();
                readOnly = rs.getBoolean(1);
                serverId = rs.getLong(2);
                version = rs.getString(3);
                nowMicros = ServerTime.micros(rs.getString(4));
            }
            Dialect dialect = Dialect.of(host, version);
            return new HostStatus(host, true, readOnly, serverId, version, replication(st, dialect, readOnly), null,
                    nowMicros);
        }
    }

    /** @return a message for an unreachable host: what failed, with its SQLState (never a password) */
    public static String describe(SQLException e) {
        return e.getMessage() + " (SQLState " + e.getSQLState() + ")";
    }

    private ReplicationStatus replication(Statement st, Dialect dialect, boolean readOnly) throws SQLException {
        try (ResultSet rs = st.executeQuery(dialect.replicaStatusSql())) {
            return rs.next() ? dialect.parseReplicaStatus(Dialect.row(rs)) : ReplicationStatus.NONE;
        } catch (SQLException e) {
            if (e.getErrorCode() != ER_SPECIFIC_ACCESS_DENIED) {
                throw e;
            }
            replicaStatusDenied = true;
        }
        return dialect.replicationWithoutPrivilege(st, readOnly);
    }

}
