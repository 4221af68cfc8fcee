package com.foobar.jdbc.topology;

import com.foobar.jdbc.config.FoobarConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Asks one host what it is: reachable, writable or read-only, replicating from whom. Each probe uses
 * its own short-lived Connector/J connection (never one from the application's pools) with connect and
 * socket timeouts of {@code healthCheckTimeoutMs}.
 *
 * <p>Privileges: {@code @@global.read_only}, {@code @@server_id} and {@code SHOW GLOBAL STATUS} work for
 * any user. The replication source and thread states need {@code SHOW SLAVE STATUS}, which needs
 * {@code REPLICA MONITOR} (MariaDB 10.5+) or {@code REPLICATION CLIENT} (MySQL); without it the probe
 * falls back to the {@code Slave_running}/{@code Slaves_running} status variables and says once, at
 * WARN, which grant would let it check more.
 *
 * <p>Thread-safe: one instance per cluster, probes of different hosts may run at once.
 */
public final class HostProbe {

    private static final Logger log = LoggerFactory.getLogger(HostProbe.class);
    private static final int ER_SPECIFIC_ACCESS_DENIED = 1227;

    private final FoobarConfig config;
    private final String clusterName;
    private final AtomicBoolean warnedMonitorGrant = new AtomicBoolean();

    /**
     * @param config the cluster's settings: credentials, Connector/J properties, {@code healthCheckTimeoutMs}
     */
    public HostProbe(FoobarConfig config) {
        this.config = config;
        this.clusterName = config.clusterName();
    }

    /**
     * Probes one host. Never throws: an unreachable host is a status too.
     *
     * @param host the host to ask
     * @return what the host reported, or {@link HostStatus#unreachable} with the reason
     */
    public HostStatus probe(HostSpec host) {
        Properties props = config.connectorProperties();
        String timeout = Long.toString(Math.max(1, config.healthCheckTimeoutMs()));
        props.setProperty("connectTimeout", timeout);
        props.setProperty("socketTimeout", timeout);
        try (Connection c = ConnectorJ.connect(host, "", props);
             Statement st = c.createStatement()) {
            boolean readOnly;
            long serverId;
            String version;
            try (ResultSet rs = st.executeQuery("SELECT @@global.read_only, @@server_id, VERSION()")) {
                rs.next();
                readOnly = rs.getBoolean(1);
                serverId = rs.getLong(2);
                version = rs.getString(3);
            }
            return new HostStatus(host, true, readOnly, serverId, version, replication(st, host), null);
        } catch (SQLException e) {
            log.debug("[{}] probe of {} failed", clusterName, host, e);
            return HostStatus.unreachable(host, e.getMessage() + " (SQLState " + e.getSQLState() + ")");
        }
    }

    private ReplicationStatus replication(Statement st, HostSpec host) throws SQLException {
        try (ResultSet rs = st.executeQuery("SHOW SLAVE STATUS")) {
            if (!rs.next()) {
                return ReplicationStatus.NONE;
            }
            String error = firstNonEmpty(rs.getString("Last_IO_Error"), rs.getString("Last_SQL_Error"));
            long behind = rs.getLong("Seconds_Behind_Master");
            Long secondsBehind = rs.wasNull() ? null : behind;
            return new ReplicationStatus(true, true,
                    "Yes".equalsIgnoreCase(rs.getString("Slave_IO_Running")),
                    "Yes".equalsIgnoreCase(rs.getString("Slave_SQL_Running")),
                    rs.getLong("Master_Server_Id"), secondsBehind, error);
        } catch (SQLException e) {
            if (e.getErrorCode() != ER_SPECIFIC_ACCESS_DENIED) {
                throw e;
            }
            if (warnedMonitorGrant.compareAndSet(false, true)) {
                log.warn("[{}] user '{}' may not run SHOW SLAVE STATUS on {}: the driver cannot verify which primary "
                                + "each replica follows nor see its thread errors. Grant REPLICA MONITOR (MariaDB) or "
                                + "REPLICATION CLIENT (MySQL) to that user to enable these checks.",
                        clusterName, config.user(), host);
            }
        }
        boolean running = false;
        try (ResultSet rs = st.executeQuery("SHOW GLOBAL STATUS WHERE Variable_name IN ('Slave_running', 'Slaves_running')")) {
            while (rs.next()) {
                String value = rs.getString(2);
                running |= "ON".equalsIgnoreCase(value) || (value != null && value.matches("[1-9][0-9]*"));
            }
        }
        return new ReplicationStatus(false, running, null, null, null, null, null);
    }

    private static String firstNonEmpty(String a, String b) {
        if (a != null && !a.isEmpty()) {
            return a;
        }
        return b == null || b.isEmpty() ? null : b;
    }
}
