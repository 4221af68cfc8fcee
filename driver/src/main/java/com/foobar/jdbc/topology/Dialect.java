package com.foobar.jdbc.topology;

import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The server-specific SQL the driver sends for its own purposes (replication status today; promotion and
 * fencing with failover), chosen from {@code SELECT VERSION()}.
 *
 * <p>Supported: MariaDB 10.6 and later ({@link MariaDbDialect}); MySQL 8.0.23 and later, 8.4 LTS and 9.x
 * ({@link MySqlDialect}). Anything older or unknown is refused when the host is first probed, with an
 * {@link UnsupportedServerException} (08001) naming the host and its version, rather than a wrong command
 * at failover time.
 *
 * <p>Implementations are stateless and thread-safe.
 */
public sealed interface Dialect permits MariaDbDialect, MySqlDialect {

    /** @return a short name for logs, e.g. {@code MariaDB} */
    String name();

    /** @return the statement that shows this server's replica status (one row per source, none if not a replica) */
    String replicaStatusSql();

    /**
     * @param row one row of {@link #replicaStatusSql()}, column name to value (names matched without case)
     * @return what it says
     */
    ReplicationStatus parseReplicaStatus(Map<String, String> row);

    /**
     * What a user that may not read the replica status can still learn about replication.
     *
     * @param st       a statement on the host
     * @param readOnly the host's {@code @@global.read_only}
     * @return a status with {@code detailed = false}
     * @throws SQLException if the host fails
     */
    ReplicationStatus replicationWithoutPrivilege(Statement st, boolean readOnly) throws SQLException;

    /** @return whether the driver can promote and fence with this dialect ({@code failover=promote}) */
    boolean supportsPromotion();

    /**
     * @param st a statement on a replica
     * @return the position of everything the replica has received from its primary (applied or not)
     * @throws SQLException if the host fails or the dialect cannot promote
     */
    GtidPosition receivedPosition(Statement st) throws SQLException;

    /**
     * @param st a statement on a server
     * @return the position of every transaction in its binary log (what it would hand to replicas)
     * @throws SQLException if the host fails
     */
    GtidPosition binlogPosition(Statement st) throws SQLException;

    /**
     * Waits until a replica has applied everything it received.
     *
     * @param st        a statement on the replica
     * @param received  its {@link #receivedPosition}
     * @param timeoutMs how long to wait, ms
     * @return whether it did within the timeout
     * @throws SQLException if the host fails
     */
    boolean awaitApplied(Statement st, GtidPosition received, long timeoutMs) throws SQLException;

    /**
     * Makes a replica a primary: stops and clears its replication and makes it writable.
     *
     * @param st a statement on the replica, as a user with the needed privileges
     * @throws SQLException if a step fails
     */
    void promote(Statement st) throws SQLException;

    /**
     * Points a server at a new primary, with GTID auto-positioning, and starts replication.
     *
     * @param st          a statement on the server
     * @param source      the new primary, as the server can reach it
     * @param user        replication user, or {@code null} to keep the configured one
     * @param password    its password
     * @param formerPrimary whether the server was a primary (it then starts from its own binary log position)
     * @throws SQLException if a step fails
     */
    void replicateFrom(Statement st, HostSpec source, String user, String password, boolean formerPrimary)
            throws SQLException;

    /**
     * Makes a server refuse writes (fencing): {@code read_only} (and {@code super_read_only} on MySQL).
     *
     * @param st a statement on the server
     * @throws SQLException if it fails
     */
    void fence(Statement st) throws SQLException;

    /**
     * Chooses the dialect of a server.
     *
     * @param host    the host, for the message
     * @param version what {@code SELECT VERSION()} returned
     * @return its dialect
     * @throws UnsupportedServerException (08001) for a server older than the supported versions or unknown
     */
    static Dialect of(HostSpec host, String version) throws UnsupportedServerException {
        String v = version == null ? "" : version;
        boolean mariaDb = v.toLowerCase(Locale.ROOT).contains("mariadb");
        if (mariaDb && v.startsWith("5.5.5-")) {
            v = v.substring("5.5.5-".length());
        }
        int[] n = numbers(v);
        if (mariaDb && n != null && compare(n, 10, 6, 0) >= 0) {
            return MariaDbDialect.INSTANCE;
        }
        if (!mariaDb && n != null && compare(n, 8, 0, 23) >= 0) {
            return MySqlDialect.INSTANCE;
        }
        throw new UnsupportedServerException("Host " + host + " runs " + (mariaDb ? "MariaDB " : "MySQL ") + version
                + ", which the driver does not support: use MySQL 8.0.23 or later (8.4 LTS, 9.x) or MariaDB 10.6 or later.");
    }

    private static int[] numbers(String v) {
        String[] parts = v.split("[.-]");
        if (parts.length < 3) {
            return null;
        }
        int[] n = new int[3];
        for (int i = 0; i < 3; i++) {
            String digits = parts[i].replaceAll("[^0-9].*$", "");
            if (digits.isEmpty()) {
                return null;
            }
            n[i] = Integer.parseInt(digits);
        }
        return n;
    }

    private static int compare(int[] n, int major, int minor, int patch) {
        if (n[0] != major) {
            return Integer.compare(n[0], major);
        }
        if (n[1] != minor) {
            return Integer.compare(n[1], minor);
        }
        return Integer.compare(n[2], patch);
    }

    /**
     * @param rs a result set positioned on a row
     * @return that row as column label to value, labels compared without case
     * @throws SQLException if the row cannot be read
     */
    static Map<String, String> row(ResultSet rs) throws SQLException {
        Map<String, String> row = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        ResultSetMetaData md = rs.getMetaData();
        for (int i = 1; i <= md.getColumnCount(); i++) {
            row.put(md.getColumnLabel(i), rs.getString(i));
        }
        return row;
    }

    /** @return a SQL string literal of the text, quotes and backslashes escaped */
    static String literal(String text) {
        return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /** @return the value, or {@code null} when absent or empty */
    static String value(Map<String, String> row, String column) {
        String v = row.get(column);
        return v == null || v.isEmpty() ? null : v;
    }

    /**
     * @param value a replica status thread column: {@code Yes}, {@code No}, {@code Connecting}, {@code Preparing}
     * @return true for Yes, false for No (or absent), {@code null} while it connects
     */
    static Boolean thread(String value) {
        if (value == null || value.isEmpty() || "No".equalsIgnoreCase(value)) {
            return false;
        }
        return "Yes".equalsIgnoreCase(value) ? Boolean.TRUE : null;
    }

    /** @return the first non-empty of two error columns, or {@code null} */
    static String error(Map<String, String> row, String io, String sql) {
        String a = value(row, io);
        return a != null ? a : value(row, sql);
    }

    /** @return a whole number column, or {@code null} when absent or empty */
    static Long number(Map<String, String> row, String column) {
        String v = value(row, column);
        return v == null ? null : Long.valueOf(v.trim());
    }
}
