package com.foobar.jdbc.topology;

import java.sql.Statement;
import java.util.Map;

/**
 * MySQL 8.0.23 and later, 8.4 LTS, 9.x: {@code SHOW REPLICA STATUS} with its {@code Replica_IO_Running},
 * {@code Replica_SQL_Running}, {@code Seconds_Behind_Source} and {@code Source_Server_Id} columns (MySQL 8.4
 * Reference Manual, "SHOW REPLICA STATUS Statement"; the statement exists since 8.0.22). A user without
 * {@code REPLICATION CLIENT} can learn nothing about replication on MySQL (the replication tables of
 * {@code performance_schema} need their own grant), so a read-only host is then trusted to be a replica.
 */
public final class MySqlDialect implements Dialect {

    /** The one instance. */
    public static final MySqlDialect INSTANCE = new MySqlDialect();

    private MySqlDialect() {
    }

    @Override
    public String name() {
        return "MySQL";
    }

    @Override
    public String replicaStatusSql() {
        return "SHOW REPLICA STATUS";
    }

    @Override
    public ReplicationStatus parseReplicaStatus(Map<String, String> row) {
        return new ReplicationStatus(true, true,
                "Yes".equalsIgnoreCase(row.get("Replica_IO_Running")),
                "Yes".equalsIgnoreCase(row.get("Replica_SQL_Running")),
                Dialect.number(row, "Source_Server_Id"),
                Dialect.number(row, "Seconds_Behind_Source"),
                Dialect.error(row, "Last_IO_Error", "Last_SQL_Error"));
    }

    @Override
    public ReplicationStatus replicationWithoutPrivilege(Statement st, boolean readOnly) {
        return new ReplicationStatus(false, readOnly, null, null, null, null, null);
    }
}
