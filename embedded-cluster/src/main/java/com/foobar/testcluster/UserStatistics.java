package com.foobar.testcluster;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row of MariaDB's {@code information_schema.USER_STATISTICS} (servers run with
 * {@code --userstat=1}) for one user on one server: cumulative counters since the server started (or
 * since {@code FLUSH USER_STATISTICS}).
 *
 * <p>MariaDB updates the row at the end of every statement, so a statement that returned is already
 * counted. Beware that every new Connector/J connection runs one {@code SELECT @@session...} query
 * while connecting, which counts as one {@code SELECT_COMMANDS}; compare {@link #minus deltas} and
 * account for the connections you open. A user that never connected to the server has no row: it is
 * reported with {@link #present()} false and all counters 0.
 *
 * @param user the user name (without host)
 * @param present whether the server had a row for the user
 * @param totalConnections TOTAL_CONNECTIONS: connections made by the user
 * @param selectCommands SELECT_COMMANDS: SELECT statements executed
 * @param updateCommands UPDATE_COMMANDS: INSERT/UPDATE/DELETE/REPLACE... statements executed
 * @param otherCommands OTHER_COMMANDS: all other statements (SET, SHOW, COMMIT, DDL, ...)
 * @param rowsRead ROWS_READ: rows read from tables
 * @param rowsSent ROWS_SENT: rows sent to the client
 * @param rowsInserted ROWS_INSERTED
 * @param rowsUpdated ROWS_UPDATED
 * @param rowsDeleted ROWS_DELETED
 * @param commitTransactions COMMIT_TRANSACTIONS
 * @param rollbackTransactions ROLLBACK_TRANSACTIONS
 * @param accessDenied ACCESS_DENIED: statements refused for lack of privileges
 * @param columns every numeric column of the row by its upper-case name (e.g. {@code BUSY_TIME},
 *     {@code BYTES_SENT}), for counters without an accessor; empty if not present
 */
public record UserStatistics(
        String user,
        boolean present,
        long totalConnections,
        long selectCommands,
        long updateCommands,
        long otherCommands,
        long rowsRead,
        long rowsSent,
        long rowsInserted,
        long rowsUpdated,
        long rowsDeleted,
        long commitTransactions,
        long rollbackTransactions,
        long accessDenied,
        Map<String, Number> columns) {

    /** Defensive copy of {@code columns}. */
    public UserStatistics {
        columns = Map.copyOf(columns);
    }

    /** A row of zeros for a user the server has no statistics for. */
    static UserStatistics absent(String user) {
        return new UserStatistics(user, false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of());
    }

    /** Builds the record from a USER_STATISTICS row given as column name (upper case) to value. */
    static UserStatistics fromRow(String user, Map<String, Number> row) {
        return new UserStatistics(user, true,
                get(row, "TOTAL_CONNECTIONS"),
                get(row, "SELECT_COMMANDS"),
                get(row, "UPDATE_COMMANDS"),
                get(row, "OTHER_COMMANDS"),
                get(row, "ROWS_READ"),
                get(row, "ROWS_SENT"),
                get(row, "ROWS_INSERTED"),
                get(row, "ROWS_UPDATED"),
                get(row, "ROWS_DELETED"),
                get(row, "COMMIT_TRANSACTIONS"),
                get(row, "ROLLBACK_TRANSACTIONS"),
                get(row, "ACCESS_DENIED"),
                row);
    }

    private static long get(Map<String, Number> row, String column) {
        Number value = row.get(column);
        return value == null ? 0 : value.longValue();
    }

    /** SELECT_COMMANDS + UPDATE_COMMANDS + OTHER_COMMANDS. */
    public long totalCommands() {
        return selectCommands + updateCommands + otherCommands;
    }

    /**
     * The counters accumulated since {@code earlier} (this minus earlier), e.g. to see what one test
     * step did. {@link #columns()} of the result holds the differences of the integral columns.
     *
     * @param earlier a snapshot of the same user on the same server taken before this one
     */
    public UserStatistics minus(UserStatistics earlier) {
        Map<String, Number> diff = new LinkedHashMap<>();
        columns.forEach((name, value) -> {
            Number before = earlier.columns.get(name);
            if (value instanceof Double || value instanceof Float || before instanceof Double || before instanceof Float) {
                diff.put(name, value.doubleValue() - (before == null ? 0 : before.doubleValue()));
            } else {
                diff.put(name, value.longValue() - (before == null ? 0 : before.longValue()));
            }
        });
        return new UserStatistics(user, present,
                totalConnections - earlier.totalConnections,
                selectCommands - earlier.selectCommands,
                updateCommands - earlier.updateCommands,
                otherCommands - earlier.otherCommands,
                rowsRead - earlier.rowsRead,
                rowsSent - earlier.rowsSent,
                rowsInserted - earlier.rowsInserted,
                rowsUpdated - earlier.rowsUpdated,
                rowsDeleted - earlier.rowsDeleted,
                commitTransactions - earlier.commitTransactions,
                rollbackTransactions - earlier.rollbackTransactions,
                accessDenied - earlier.accessDenied,
                diff);
    }
}
