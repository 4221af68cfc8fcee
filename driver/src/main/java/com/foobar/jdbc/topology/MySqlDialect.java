package com.foobar.jdbc.topology;

import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
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
                Dialect.thread(row.get("Replica_IO_Running")),
                "Yes".equalsIgnoreCase(row.get("Replica_SQL_Running")),
                Dialect.number(row, "Source_Server_Id"),
                Dialect.number(row, "Seconds_Behind_Source"),
                Dialect.error(row, "Last_IO_Error", "Last_SQL_Error"));
    }

    @Override
    public ReplicationStatus replicationWithoutPrivilege(Statement st, boolean readOnly) {
        return new ReplicationStatus(false, readOnly, null, null, null, null, null);
    }

    /** Promotion on MySQL comes with the MySQL dialect's own failover support; until then {@code failover=promote} is refused. */
    @Override
    public boolean supportsPromotion() {
        return false;
    }

    private static SQLFeatureNotSupportedException notYet() {
        return new SQLFeatureNotSupportedException("Promotion and fencing are not implemented for MySQL yet: "
                + "use failover=follow or failover=none", "0A000");
    }

    @Override
    public GtidPosition receivedPosition(Statement st) throws SQLException {
        throw notYet();
    }

    @Override
    public GtidPosition binlogPosition(Statement st) throws SQLException {
        throw notYet();
    }

    @Override
    public boolean awaitApplied(Statement st, GtidPosition received, long timeoutMs) throws SQLException {
        throw notYet();
    }

    @Override
    public void promote(Statement st) throws SQLException {
        throw notYet();
    }

    @Override
    public void replicateFrom(Statement st, HostSpec source, String user, String password, boolean formerPrimary)
            throws SQLException {
        throw notYet();
    }

    /** {@code super_read_only} implies {@code read_only} and also stops users with {@code SUPER}. */
    @Override
    public void fence(Statement st) throws SQLException {
        st.execute("SET GLOBAL super_read_only = ON");
    }
}
