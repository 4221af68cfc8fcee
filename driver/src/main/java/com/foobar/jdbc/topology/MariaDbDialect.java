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
                Dialect.thread(row.get("Slave_IO_Running")),
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

    @Override
    public boolean supportsPromotion() {
        return true;
    }

    /** {@code Gtid_IO_Pos} of the replica status: the last GTID the I/O thread received. */
    @Override
    public GtidPosition receivedPosition(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery(replicaStatusSql())) {
            if (rs.next()) {
                GtidPosition io = GtidPosition.parse(Dialect.row(rs).get("Gtid_IO_Pos"));
                GtidPosition applied = currentPosition(st);
                return io.compareTo(applied) >= 0 ? io : applied;
            }
        }
        return currentPosition(st);
    }

    private static GtidPosition currentPosition(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT @@global.gtid_current_pos")) {
            rs.next();
            return GtidPosition.parse(rs.getString(1));
        }
    }

    @Override
    public GtidPosition binlogPosition(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT @@global.gtid_binlog_pos")) {
            rs.next();
            return GtidPosition.parse(rs.getString(1));
        }
    }

    /** {@code MASTER_GTID_WAIT(pos, seconds)} returns 0 once the position is applied, -1 on timeout. */
    @Override
    public boolean awaitApplied(Statement st, GtidPosition received, long timeoutMs) throws SQLException {
        if (received.text().isEmpty()) {
            return true;
        }
        try (ResultSet rs = st.executeQuery("SELECT MASTER_GTID_WAIT(" + Dialect.literal(received.text()) + ", "
                + (timeoutMs / 1000.0) + ")")) {
            rs.next();
            return rs.getInt(1) == 0;
        }
    }

    /**
     * {@code STOP SLAVE}, {@code RESET SLAVE ALL}, {@code SET GLOBAL read_only = OFF}; and, where the replica
     * had semi-synchronous replication on, the primary side of it (MariaDB 10.3+ has both built in).
     */
    @Override
    public void promote(Statement st) throws SQLException {
        st.execute("STOP SLAVE");
        st.execute("RESET SLAVE ALL");
        boolean semiSync = false;
        try (ResultSet rs = st.executeQuery("SELECT @@global.rpl_semi_sync_slave_enabled")) {
            semiSync = rs.next() && rs.getBoolean(1);
        } catch (SQLException e) {
            semiSync = false;
        }
        if (semiSync) {
            st.execute("SET GLOBAL rpl_semi_sync_master_enabled = ON");
        }
        st.execute("SET GLOBAL read_only = OFF");
    }

    /**
     * {@code CHANGE MASTER TO ... MASTER_USE_GTID = slave_pos} (a former primary: {@code current_pos}, so it
     * starts after its own binary log); options not named keep their values (MariaDB Knowledge Base,
     * "CHANGE MASTER TO").
     */
    @Override
    public void replicateFrom(Statement st, HostSpec source, String user, String password, boolean formerPrimary)
            throws SQLException {
        st.execute("STOP SLAVE");
        StringBuilder sql = new StringBuilder("CHANGE MASTER TO MASTER_HOST = ").append(Dialect.literal(source.host()))
                .append(", MASTER_PORT = ").append(source.port());
        if (user != null) {
            sql.append(", MASTER_USER = ").append(Dialect.literal(user));
            sql.append(", MASTER_PASSWORD = ").append(Dialect.literal(password == null ? "" : password));
        }
        sql.append(", MASTER_USE_GTID = ").append(formerPrimary ? "current_pos" : "slave_pos");
        st.execute(sql.toString());
        st.execute("START SLAVE");
    }

    @Override
    public void fence(Statement st) throws SQLException {
        st.execute("SET GLOBAL read_only = ON");
    }
}
