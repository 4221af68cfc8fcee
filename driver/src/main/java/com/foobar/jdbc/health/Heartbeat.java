package com.foobar.jdbc.health;

import com.foobar.jdbc.topology.ServerTime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The monitor's heartbeat row, the pt-heartbeat method: the monitor writes the primary's {@code NOW(6)}
 * into {@code <metaSchema>.heartbeat} every check; a replica's lag is the primary's current time minus the
 * heartbeat the replica holds, with microsecond resolution, and it grows while the replica receives nothing
 * (where {@code Seconds_Behind_Master} reads 0).
 *
 * <p>Needs {@code CREATE, INSERT, UPDATE, SELECT} on the meta schema for the monitor's user; without them
 * the heartbeat is off (the cluster says once at WARN which grant is missing), and lag comes from the
 * replica status instead.
 *
 * <p>Thread-safe: the flags are volatile; each connection is used by one monitor task at a time.
 */
final class Heartbeat {

    private static final Logger log = LoggerFactory.getLogger(Heartbeat.class);

    private final String clusterName;
    private final String user;
    private final String table;
    private final String schema;
    private volatile boolean created;
    private volatile boolean writable = true;

    Heartbeat(String clusterName, String user, String schema) {
        this.clusterName = clusterName;
        this.user = user;
        this.schema = schema;
        this.table = "`" + schema + "`.`heartbeat`";
    }

    /** Forgets that the table exists (a new primary may need it created). */
    void reset() {
        created = false;
    }

    /** @return whether the heartbeat is being written */
    boolean writable() {
        return writable;
    }

    /**
     * Writes the heartbeat on the primary, creating the schema and table the first time.
     *
     * @param primary the monitor's connection to the primary
     * @throws SQLException if the primary fails (not for a missing privilege, which switches the heartbeat off)
     */
    void beat(Connection primary) throws SQLException {
        if (!writable) {
            return;
        }
        try (Statement st = primary.createStatement()) {
            if (!created) {
                st.execute("CREATE DATABASE IF NOT EXISTS `" + schema + "`");
                st.execute("CREATE TABLE IF NOT EXISTS " + table + " (id TINYINT UNSIGNED NOT NULL PRIMARY KEY, "
                        + "ts DATETIME(6) NOT NULL, server_id INT UNSIGNED NOT NULL)");
                created = true;
            }
            st.executeUpdate("INSERT INTO " + table + " (id, ts, server_id) VALUES (1, NOW(6), @@server_id) "
                    + "ON DUPLICATE KEY UPDATE ts = VALUES(ts), server_id = VALUES(server_id)");
        } catch (SQLException e) {
            if (!isPrivilegeOrReadOnly(e)) {
                throw e;
            }
            writable = false;
            log.debug("[{}] monitor user '{}' cannot write the heartbeat in schema '{}': {}", clusterName, user,
                    schema, e.getMessage());
        }
    }

    /**
     * Reads the heartbeat a replica holds.
     *
     * @param replica the monitor's connection to the replica
     * @return the heartbeat's time in server microseconds, or 0 if there is none yet or it cannot be read
     * @throws SQLException if the replica fails
     */
    long read(Connection replica) throws SQLException {
        if (!writable) {
            return 0;
        }
        try (Statement st = replica.createStatement();
             ResultSet rs = st.executeQuery("SELECT ts FROM " + table + " WHERE id = 1")) {
            return rs.next() ? ServerTime.micros(rs.getString(1)) : 0;
        } catch (SQLException e) {
            if (isPrivilegeOrReadOnly(e) || e.getErrorCode() == 1146 || e.getErrorCode() == 1049) {
                return 0;
            }
            throw e;
        }
    }

    /** Access denied (1044, 1045, 1142, 1227), or the server is read-only (1290, 1836). */
    private static boolean isPrivilegeOrReadOnly(SQLException e) {
        int code = e.getErrorCode();
        return code == 1044 || code == 1045 || code == 1142 || code == 1227 || code == 1290 || code == 1836;
    }
}
