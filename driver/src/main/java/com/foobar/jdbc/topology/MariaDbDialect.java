package com.foobar.jdbc.topology;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * MariaDB 10.6 and later: {@code SHOW SLAVE STATUS} with its {@code Slave_IO_Running}, {@code Slave_SQL_Running},
 * {@code Seconds_Behind_Master} and {@code Master_Server_Id} columns (MariaDB Knowledge Base, "SHOW REPLICA
 * STATUS"); without privileges, the {@code Slave_running} and {@code Slaves_running} status variables, which
 * any user may read.
 */
public final class MariaDbDialect implements Dialect {

    /** The one instance. */
    public static final MariaDbDialect INSTANCE = new MariaDbDialect();

    private MariaDbDialect() {
    }

    @Override
    public String name() {
        return "MariaDB";
    }

    @Override
    public String replicaStatusSql() {
        return "SHOW SLAVE STATUS";
    }

    @Override
    public ReplicationStatus parseReplicaStatus(Map<String, String> row) {
        return new ReplicationStatus(true, true,
                "Yes".equalsIgnoreCase(row.get("Slave_IO_Running")),
                "Yes".equalsIgnoreCase(row.get("Slave_SQL_Running")),
                Dialect.number(row, "Master_Server_Id"),
                Dialect.number(row, "Seconds_Behind_Master"),
                Dialect.error(row, "Last_IO_Error", "Last_SQL_Error"));
    }

    /**
     * {@code Slave_running} is ON while the default connection's I/O and SQL threads both run;
     * {@code Slaves_running} counts the running named connections.
     */
    @Override
    public ReplicationStatus replicationWithoutPrivilege(Statement st, boolean readOnly) throws SQLException {
        boolean running = false;
        try (ResultSet rs = st.executeQuery(
                "SHOW GLOBAL STATUS WHERE Variable_name IN ('Slave_running', 'Slaves_running')")) {
            while (rs.next()) {
                String value = rs.getString(2);
                running |= "ON".equalsIgnoreCase(value) || (value != null && value.matches("[1-9][0-9]*"));
            }
        }
        return new ReplicationStatus(false, running, null, null, null, null, null);
    }
}
