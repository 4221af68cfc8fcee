package com.foobar.jdbc.examples;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads each server's own counters over a plain Connector/J ({@code jdbc:mysql://}) connection per
 * server, never through the Foobar driver, and reports the deltas since {@link #takeBaseline()}:
 * <ul>
 *   <li>statements: {@code Questions} (statements clients sent; the replication applier is not a client);
 *   <li>reads: {@code Com_select};
 *   <li>writes: data-changing statements sent by clients: the sum of {@code Update_commands} over all
 *       users in {@code SHOW USER_STATISTICS} where the server keeps it (MariaDB with
 *       {@code userstat=ON}, as the embedded cluster runs); elsewhere {@code Com_insert + Com_update +
 *       Com_delete}. The user statistics are preferred because on a MariaDB replica the {@code Com_*}
 *       counters also count every row event the replication applier executes, so they show the
 *       replicated writes as if clients had sent them.
 * </ul>
 *
 * <p>Each sample sends exactly two or three statements to each server ({@code SHOW USER_STATISTICS}
 * where used, {@code SHOW GLOBAL STATUS WHERE ...}, {@code SHOW GLOBAL VARIABLES LIKE 'read_only'}).
 * None counts as {@code Com_select} or in the user statistics; all count in {@code Questions}, so they
 * are subtracted from the statements column. A server that cannot be reached (or whose counters cannot
 * be read) shows {@code n/a}; the next sample tries to reconnect.
 */
final class ServerMonitor implements AutoCloseable {

    /** Opens an admin connection to one server. */
    @FunctionalInterface
    interface AdminConnector {
        Connection open() throws SQLException;
    }

    /** One server to watch: a label ({@code host:port}) and how to reach it. */
    record Endpoint(String label, AdminConnector connector) {
    }

    /**
     * The counters of one server at one moment; {@code clientWrites} is the sum of the user statistics'
     * {@code Update_commands}, or -1 where the server keeps no user statistics.
     */
    private record Counters(long questions, long comSelect, long comWrites, long clientWrites) {
    }

    /**
     * One server's row: the deltas since the baseline, null where they could not be read.
     *
     * @param label      {@code host:port}
     * @param role       {@code primary} / {@code replica} (from {@code @@global.read_only}), or null
     * @param statements {@code Questions} delta less this monitor's own statements
     * @param reads      {@code Com_select} delta
     * @param writes     delta of the client writes (see the class comment)
     * @param problem    why the row is incomplete, or null
     * @param writesFromUserStatistics whether {@code writes} comes from the user statistics (client writes
     *                   only) rather than from {@code Com_*} (which on a MariaDB replica include replicated
     *                   writes)
     */
    record Row(String label, String role, Long statements, Long reads, Long writes, String problem,
            boolean writesFromUserStatistics) {
        boolean complete() {
            return statements != null && reads != null && writes != null;
        }
    }

    private static final String STATUS_SQL = "SHOW GLOBAL STATUS WHERE Variable_name IN "
            + "('Questions', 'Com_select', 'Com_insert', 'Com_update', 'Com_delete')";
    private static final String READ_ONLY_SQL = "SHOW GLOBAL VARIABLES LIKE 'read_only'";
    private static final String USERSTAT_SQL = "SHOW GLOBAL VARIABLES LIKE 'userstat'";
    private static final String USER_STATISTICS_SQL = "SHOW USER_STATISTICS";

    private final List<Server> servers = new ArrayList<>();

    ServerMonitor(List<Endpoint> endpoints) {
        for (Endpoint e : endpoints) {
            servers.add(new Server(e));
        }
    }

    /**
     * Opens the admin connections (if not open yet) and records each server's counters as the zero
     * point. Servers that cannot be read now stay {@code n/a} for the whole run.
     */
    void takeBaseline() {
        for (Server s : servers) {
            s.baseline = null;
            s.ownStatements = 0;
            try {
                s.detectUserStatistics();
                s.baseline = s.read().counters;
            } catch (SQLException e) {
                s.lastProblem = describe(e);
            }
        }
    }

    /**
     * Where the writes column comes from: {@code "user statistics"} when every readable server keeps
     * them, {@code "Com_*"} when none does, {@code "mixed"} otherwise.
     */
    String writesSource() {
        long with = servers.stream().filter(s -> s.baseline != null && s.userStatistics).count();
        long readable = servers.stream().filter(s -> s.baseline != null).count();
        return with == readable ? "user statistics" : with == 0 ? "Com_*" : "mixed";
    }

    /** Reads every server now and returns one row per server, in the order given. */
    List<Row> sample() {
        List<Row> rows = new ArrayList<>();
        for (Server s : servers) {
            rows.add(s.row());
        }
        return rows;
    }

    @Override
    public void close() {
        for (Server s : servers) {
            s.disconnect();
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Formatting

    /** The rows as a fixed-width table, one line per server, with a header line; each line indented. */
    static String table(List<Row> rows, String indent) {
        int labelWidth = "server".length();
        for (Row r : rows) {
            labelWidth = Math.max(labelWidth, r.label().length());
        }
        String format = indent + "%-" + labelWidth + "s  %-8s  %12s  %10s  %10s%s%n";
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, format, "server", "role", "statements", "reads", "writes", ""));
        for (Row r : rows) {
            out.append(String.format(Locale.ROOT, format, r.label(), r.role() == null ? "n/a" : r.role(),
                    number(r.statements()), number(r.reads()), number(r.writes()),
                    r.problem() == null ? "" : "   (" + r.problem() + ")"));
        }
        return out.toString();
    }

    static String number(Long value) {
        return value == null ? "n/a" : String.format(Locale.ROOT, "%,d", value);
    }

    private static String describe(SQLException e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        if (newline > 0) {
            message = message.substring(0, newline);
        }
        if (message.length() > 90) {
            message = message.substring(0, 87) + "...";
        }
        return message;
    }

    // ------------------------------------------------------------------------------------------------

    private static final class Server {
        final Endpoint endpoint;
        Connection connection;
        Counters baseline;
        /** Statements this monitor sent since the baseline was read (they are in Questions too). */
        long ownStatements;
        String lastProblem;
        /** Whether this server keeps user statistics ({@code userstat=ON}). */
        boolean userStatistics;

        Server(Endpoint endpoint) {
            this.endpoint = endpoint;
        }

        private record Reading(Counters counters, Boolean readOnly) {
        }

        private boolean ensureConnected() throws SQLException {
            if (connection == null || connection.isClosed()) {
                connection = endpoint.connector().open();
                return true;
            }
            return false;
        }

        /** Before the baseline: whether {@code userstat} is ON (not on MySQL, off by default on MariaDB). */
        void detectUserStatistics() throws SQLException {
            ensureConnected();
            userStatistics = false;
            try (Statement st = connection.createStatement()) {
                boolean on;
                try (ResultSet rs = st.executeQuery(USERSTAT_SQL)) {
                    on = rs.next() && ("ON".equalsIgnoreCase(rs.getString(2)) || "1".equals(rs.getString(2)));
                }
                if (on) {
                    // Without the PROCESS privilege the statement succeeds but shows no row at all (not even
                    // this connection's own user): then the user statistics cannot be used.
                    try (ResultSet rs = st.executeQuery(USER_STATISTICS_SQL)) {
                        rs.findColumn("Update_commands");
                        userStatistics = rs.next();
                    }
                }
            } catch (SQLException e) {
                if (connection.isClosed()) {
                    throw e;
                }
            }
        }

        /**
         * One sample: two or three statements on an already open connection, always in the same order so
         * that exactly that many of ours fall between two readings of {@code Questions}.
         */
        Reading read() throws SQLException {
            boolean reconnected = ensureConnected();
            try (Statement st = connection.createStatement()) {
                long clientWrites = -1;
                if (userStatistics) {
                    clientWrites = 0;
                    try (ResultSet rs = st.executeQuery(USER_STATISTICS_SQL)) {
                        int column = rs.findColumn("Update_commands");
                        while (rs.next()) {
                            clientWrites += rs.getLong(column);
                        }
                    }
                }
                Map<String, Long> values = new HashMap<>();
                try (ResultSet rs = st.executeQuery(STATUS_SQL)) {
                    while (rs.next()) {
                        values.put(rs.getString(1).toLowerCase(Locale.ROOT), Long.parseLong(rs.getString(2).trim()));
                    }
                }
                Boolean readOnly = null;
                try (ResultSet rs = st.executeQuery(READ_ONLY_SQL)) {
                    if (rs.next()) {
                        String v = rs.getString(2);
                        readOnly = "ON".equalsIgnoreCase(v) || "1".equals(v);
                    }
                }
                if (baseline != null) {
                    ownStatements += userStatistics ? 3 : 2;
                }
                Counters c = new Counters(get(values, "questions"), get(values, "com_select"),
                        get(values, "com_insert") + get(values, "com_update") + get(values, "com_delete"),
                        clientWrites);
                if (reconnected && baseline != null) {
                    // A new connection sent its own set-up statements (not countable exactly from here).
                    lastProblem = "reconnected: counts include its set-up statements";
                }
                return new Reading(c, readOnly);
            } catch (SQLException | RuntimeException e) {
                disconnect();
                if (e instanceof SQLException se) {
                    throw se;
                }
                throw new SQLException("Unreadable status counters: " + e, e);
            }
        }

        Row row() {
            if (baseline == null) {
                return new Row(endpoint.label(), null, null, null, null,
                        lastProblem == null ? "no baseline" : lastProblem, false);
            }
            try {
                Reading r = read();
                Counters now = r.counters();
                String role = r.readOnly() == null ? null : r.readOnly() ? "replica" : "primary";
                return new Row(endpoint.label(), role,
                        now.questions() - baseline.questions() - ownStatements,
                        now.comSelect() - baseline.comSelect(),
                        userStatistics ? now.clientWrites() - baseline.clientWrites() : now.comWrites() - baseline.comWrites(),
                        lastProblem != null && lastProblem.startsWith("reconnected") ? lastProblem : null,
                        userStatistics);
            } catch (SQLException e) {
                lastProblem = describe(e);
                return new Row(endpoint.label(), null, null, null, null, lastProblem, false);
            }
        }

        private static long get(Map<String, Long> values, String name) throws SQLException {
            Long v = values.get(name);
            if (v == null) {
                throw new SQLException("SHOW GLOBAL STATUS has no " + name);
            }
            return v;
        }

        void disconnect() {
            Connection c = connection;
            connection = null;
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // going away anyway
                }
            }
        }
    }
}
