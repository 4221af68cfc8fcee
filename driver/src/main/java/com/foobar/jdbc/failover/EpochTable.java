package com.foobar.jdbc.failover;

import com.foobar.jdbc.topology.HostSpec;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The cluster's topology epoch: one row in {@code <metaSchema>.topology_epoch}, written on the new primary by
 * each promotion (so it replicates to every server that follows it). A server that claims to be primary with
 * an older epoch than the cluster's is a stale primary and is fenced.
 *
 * <p>Stateless and thread-safe.
 */
public final class EpochTable {

    private final String table;
    private final String schema;

    /** @param schema the meta schema ({@code metaSchema}) */
    public EpochTable(String schema) {
        this.schema = schema;
        this.table = "`" + schema + "`.`topology_epoch`";
    }

    /**
     * @param c a connection to any server
     * @return the epoch that server holds, 0 if it holds none (no promotion has reached it)
     * @throws SQLException if the server fails (a missing table or privilege reads as 0)
     */
    public long read(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT epoch FROM " + table + " WHERE id = 1")) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            int code = e.getErrorCode();
            if (code == 1146 || code == 1049 || code == 1142 || code == 1044) {
                return 0;
            }
            throw e;
        }
    }

    /**
     * Records a new epoch on the new primary.
     *
     * @param c       a connection to the new primary, as a user that may create and write the table
     * @param epoch   the new epoch
     * @param primary the new primary
     * @throws SQLException if it cannot be written
     */
    public void write(Connection c, long epoch, HostSpec primary) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE IF NOT EXISTS `" + schema + "`");
            st.execute("CREATE TABLE IF NOT EXISTS " + table + " (id TINYINT UNSIGNED NOT NULL PRIMARY KEY, "
                    + "epoch BIGINT NOT NULL, primary_server_id INT UNSIGNED NOT NULL, primary_host VARCHAR(255) NOT NULL, "
                    + "primary_port INT NOT NULL, promoted_at DATETIME(6) NOT NULL)");
            st.executeUpdate("INSERT INTO " + table + " (id, epoch, primary_server_id, primary_host, primary_port, promoted_at) "
                    + "VALUES (1, " + epoch + ", @@server_id, '" + primary.host().replace("'", "''") + "', " + primary.port()
                    + ", NOW(6)) ON DUPLICATE KEY UPDATE epoch = VALUES(epoch), primary_server_id = VALUES(primary_server_id), "
                    + "primary_host = VALUES(primary_host), primary_port = VALUES(primary_port), promoted_at = VALUES(promoted_at)");
        }
    }
}
