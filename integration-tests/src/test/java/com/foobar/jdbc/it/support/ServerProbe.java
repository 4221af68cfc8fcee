package com.foobar.jdbc.it.support;

import static org.awaitility.Awaitility.await;

import com.foobar.testcluster.EmbeddedCluster;
import com.foobar.testcluster.EmbeddedServer;
import com.foobar.testcluster.UserStatistics;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Asks the servers themselves where statements ran: maps {@code @@server_id} to a role name, counts the
 * statements of one user on every server, and makes per-test users and tables.
 *
 * <p><b>Counting per user.</b> Every cluster the driver knows in the JVM (one per URL, user and settings)
 * runs a health monitor that checks each host with real statements, every 500 ms by default, as the
 * monitor user ({@code adminUser}, else the application user); clusters made by earlier test classes
 * keep running until the JVM exits. Global status counters ({@code Questions}, {@code Com_select}, ...)
 * see all of that, so a test that counts statements connects through the driver as a user of its own
 * ({@link #createUser(String, String...)}), with {@link #QUIET_MONITOR} (its own cluster's monitor checks
 * once an hour), and counts that user's statements only: {@code information_schema.USER_STATISTICS} on
 * each server ({@link #snapshot(TestUser)}, {@link #since(Snapshot)}, {@link #measure(TestUser, SqlAction)}).
 * Nobody else runs as that user, and the fixture's superuser that reads the statistics is another user,
 * so a delta is exactly what the test's own connections did.
 *
 * <p>What the server counts for a user, and how it compares to the global counters:
 * <ul>
 *   <li>{@link #SELECTS}, {@link #UPDATES} (INSERT, UPDATE, DELETE, REPLACE, also DDL), {@link #OTHERS}
 *       (SET, USE, BEGIN, COMMIT, DO, CALL, ...), and {@link #STATEMENTS}, their sum: {@code Questions}
 *       less SHOW/DESCRIBE statements and statements the parser rejected, which MariaDB does not count
 *       per user. {@code Com_set_option} and {@code Com_change_db} fall under {@link #OTHERS}. Unlike
 *       {@code Com_insert}/{@code Com_update}, a replica does not count replicated row events here (the
 *       replication applier is not the user).
 *   <li>{@link #BYTES_RECEIVED}: every packet the server received from the user, of every kind (also SHOW
 *       statements, statements with a syntax error, and pings). A query is one packet of
 *       {@link #packetBytes(String)} bytes; a ping ({@code Connection.isValid}, which HikariCP runs before
 *       handing out a connection idle for more than 500 ms, and every two minutes on idle ones) is 5 bytes.
 *   <li>{@link #CONNECTIONS}: connections the user opened. Each new physical connection of the driver
 *       (Connector/J with {@code useLocalSessionState=true}) runs {@link #SELECTS_PER_NEW_CONNECTION}
 *       SELECT and one other statement while connecting: warm up before measuring, so that no physical
 *       connection is opened inside a measured window, and assert that (or account for it).
 * </ul>
 * MariaDB adds a statement to its user's row at the end of the statement, just AFTER sending the result
 * to the client: a snapshot therefore first waits until none of the user's connections is still in a
 * command, then reads the row. The statistics are read as the superuser, which does not count for the
 * test's user.
 *
 * <p>Other helpers of this class ({@link #rowCount}, {@link #createTable}, ...) run statements as the
 * superuser over one long-lived connection per server, opened when the probe is made.
 *
 * <p>Not thread-safe: one probe per test class, used by the test thread. Close it in {@code @AfterAll}.
 */
public final class ServerProbe implements AutoCloseable {

    /**
     * URL properties for tests that count statements on the servers: the cluster's health monitor checks
     * each host once an hour instead of every 500 ms, so its own checks (which run as the same user) do not
     * show in the counters. Discovery still probes every host once, when the cluster's first connection is
     * made, before the test measures anything.
     */
    public static final String QUIET_MONITOR = "healthCheckIntervalMs=3600000";

    /** SELECT_COMMANDS of a user: SELECT statements (also EXPLAIN SELECT, SELECT ... INTO, locking reads). */
    public static final String SELECTS = "SELECT_COMMANDS";
    /** UPDATE_COMMANDS of a user: INSERT, UPDATE, DELETE, REPLACE, and DDL. */
    public static final String UPDATES = "UPDATE_COMMANDS";
    /** OTHER_COMMANDS of a user: SET, USE, BEGIN, COMMIT, ROLLBACK, DO, CALL, CHECKSUM TABLE, ... */
    public static final String OTHERS = "OTHER_COMMANDS";
    /** {@link #SELECTS} + {@link #UPDATES} + {@link #OTHERS}: the user's statements, SHOW and syntax errors left out. */
    public static final String STATEMENTS = "STATEMENTS";
    /** TOTAL_CONNECTIONS of a user: connections it opened. */
    public static final String CONNECTIONS = "TOTAL_CONNECTIONS";
    /** BYTES_RECEIVED from a user: every packet, of every kind. */
    public static final String BYTES_RECEIVED = "BYTES_RECEIVED";
    /** ROWS_SENT to a user. */
    public static final String ROWS_SENT = "ROWS_SENT";
    /** ROWS_INSERTED by a user's statements. */
    public static final String ROWS_INSERTED = "ROWS_INSERTED";
    /** ROWS_UPDATED by a user's statements. */
    public static final String ROWS_UPDATED = "ROWS_UPDATED";
    /** ROWS_DELETED by a user's statements. */
    public static final String ROWS_DELETED = "ROWS_DELETED";
    /** COMMIT_TRANSACTIONS of a user. */
    public static final String COMMITS = "COMMIT_TRANSACTIONS";
    /** ROLLBACK_TRANSACTIONS of a user. */
    public static final String ROLLBACKS = "ROLLBACK_TRANSACTIONS";

    /** The counters every snapshot holds. */
    public static final List<String> COUNTERS = List.of(SELECTS, UPDATES, OTHERS, STATEMENTS, CONNECTIONS,
            BYTES_RECEIVED, ROWS_SENT, ROWS_INSERTED, ROWS_UPDATED, ROWS_DELETED, COMMITS, ROLLBACKS);

    /**
     * SELECTs a new physical connection of the driver runs while connecting (Connector/J's query of the
     * session variables; with {@code useLocalSessionState=true}, which the driver sets, nothing else).
     */
    public static final long SELECTS_PER_NEW_CONNECTION = 1;

    /** Bytes of a ping (COM_PING): the 4-byte packet header and the command byte. */
    public static final long PING_BYTES = 5;

    private static final AtomicInteger UNIQUE = new AtomicInteger();
    private static final Duration REPLICATION_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(10);

    private final EmbeddedCluster cluster;
    private final Map<String, EmbeddedServer> serversByRole = new LinkedHashMap<>();
    private final Map<Long, String> rolesById = new LinkedHashMap<>();
    private final Map<String, Connection> admin = new LinkedHashMap<>();

    /**
     * Opens one superuser connection per server (for {@link #queryString}, {@link #rowCount},
     * {@link #executeOnPrimary}, {@link #createTable}).
     *
     * @param cluster the cluster (usually the shared one)
     */
    public ServerProbe(EmbeddedCluster cluster) {
        this.cluster = cluster;
        try {
            for (EmbeddedServer server : cluster.servers()) {
                serversByRole.put(server.name(), server);
                rolesById.put((long) server.serverId(), server.name());
                admin.put(server.name(), server.adminConnection());
            }
        } catch (SQLException e) {
            close();
            throw new IllegalStateException("cannot open the probe's superuser connections", e);
        }
    }

    /** @return the cluster probed */
    public EmbeddedCluster cluster() {
        return cluster;
    }

    /** @return the primary's {@code @@server_id} */
    public long primaryId() {
        return cluster.primary().serverId();
    }

    /** @return the replicas' {@code @@server_id}s */
    public Set<Long> replicaIds() {
        Set<Long> ids = new LinkedHashSet<>();
        for (EmbeddedServer r : cluster.replicas()) {
            ids.add((long) r.serverId());
        }
        return ids;
    }

    /** @return {@code primary}, {@code replica1}, ... for a {@code @@server_id}; {@code unknown(<id>)} otherwise */
    public String role(long serverId) {
        return rolesById.getOrDefault(serverId, "unknown(" + serverId + ")");
    }

    /** @return the role names, primary first */
    public List<String> roles() {
        return List.copyOf(serversByRole.keySet());
    }

    /** @return the role names of the replicas */
    public List<String> replicaRoles() {
        List<String> roles = new ArrayList<>();
        for (EmbeddedServer r : cluster.replicas()) {
            roles.add(r.name());
        }
        return roles;
    }

    /** @return the primary's role name */
    public String primaryRole() {
        return cluster.primary().name();
    }

    // ------------------------------------------------------------------------------------------------
    // Counting one user's statements

    /**
     * The size of the packet that carries a query to the server (COM_QUERY): 4-byte header, command byte,
     * the statement's text in UTF-8 (for statements under 16 MiB, i.e. one packet).
     */
    public static long packetBytes(String sql) {
        return 5 + sql.getBytes(StandardCharsets.UTF_8).length;
    }

    /** {@link #packetBytes(String)} summed over statements. */
    public static long packetBytes(List<String> statements) {
        long sum = 0;
        for (String sql : statements) {
            sum += packetBytes(sql);
        }
        return sum;
    }

    /** The cluster's URL with {@link #QUIET_MONITOR}: what tests that count statements connect to. */
    public String quietUrl() {
        return cluster.foobarUrl(QUIET_MONITOR);
    }

    /** A new logical connection through the driver as {@code user}, to {@link #quietUrl()}. */
    public Connection connect(TestUser user) throws SQLException {
        return DriverManager.getConnection(quietUrl(), user.name(), user.password());
    }

    /**
     * Reads {@code user}'s USER_STATISTICS row on every server, over the probe's superuser connections (the
     * same row {@link EmbeddedServer#userStatistics(String)} reads, without a new connection per server and
     * snapshot), once every statement of the user there is complete (see {@link #awaitIdle}). Not counted
     * for {@code user}.
     */
    public Snapshot snapshot(TestUser user) {
        Map<String, UserStatistics> values = new LinkedHashMap<>();
        for (String role : serversByRole.keySet()) {
            awaitIdle(role, user.name());
            values.put(role, userStatistics(role, user.name()));
        }
        return new Snapshot(user, values);
    }

    /**
     * Waits until no connection of {@code user} on the server of that role is running a command
     * ({@code PROCESSLIST.COMMAND} is {@code Sleep} for all of them). MariaDB sends a statement's result to
     * the client first and adds the statement to USER_STATISTICS right after, then marks the connection
     * {@code Sleep} ({@code dispatch_command}: {@code end_statement()}, {@code update_all_stats()},
     * {@code set_command(COM_SLEEP)}): a client that has its result may read the statistics a moment
     * before its own statement is in them. Once the user's connections sleep, everything they did is counted.
     */
    private void awaitIdle(String role, String user) {
        await().alias(role + ": every connection of " + user + " done with its command (PROCESSLIST)")
                .pollInSameThread()
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(1))
                .atMost(IDLE_TIMEOUT)
                .until(() -> busyConnections(role, user) == 0);
    }

    private long busyConnections(String role, String user) {
        try (PreparedStatement ps = connection(role).prepareStatement(
                "SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = ? AND COMMAND <> 'Sleep'")) {
            ps.setString(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(role + ": cannot read the PROCESSLIST of " + user, e);
        }
    }

    private UserStatistics userStatistics(String role, String user) {
        try (PreparedStatement ps = connection(role).prepareStatement(
                "SELECT * FROM information_schema.USER_STATISTICS WHERE USER = ?")) {
            ps.setString(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return new UserStatistics(user, false, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, Map.of());
                }
                ResultSetMetaData md = rs.getMetaData();
                Map<String, Number> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    if (rs.getObject(i) instanceof Number number) {
                        row.put(md.getColumnLabel(i).toUpperCase(Locale.ROOT), number);
                    }
                }
                return new UserStatistics(user, true, column(row, CONNECTIONS), column(row, SELECTS),
                        column(row, UPDATES), column(row, OTHERS), column(row, "ROWS_READ"), column(row, ROWS_SENT),
                        column(row, ROWS_INSERTED), column(row, ROWS_UPDATED), column(row, ROWS_DELETED),
                        column(row, COMMITS), column(row, ROLLBACKS), column(row, "ACCESS_DENIED"), row);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(role + ": cannot read USER_STATISTICS of " + user, e);
        }
    }

    private static long column(Map<String, Number> row, String name) {
        Number n = row.get(name);
        if (n == null) {
            throw new IllegalStateException("USER_STATISTICS has no column " + name + ": " + row.keySet());
        }
        return n.longValue();
    }

    /** Takes a snapshot of the same user now and returns what that user did on each server since {@code before}. */
    public Deltas since(Snapshot before) {
        Snapshot after = snapshot(before.user());
        Map<String, UserStatistics> diff = new LinkedHashMap<>();
        for (String role : serversByRole.keySet()) {
            diff.put(role, after.statistics(role).minus(before.statistics(role)));
        }
        return new Deltas(before.user(), primaryRole(), replicaRoles(), diff);
    }

    /** Runs the action between two snapshots of {@code user}'s statistics and returns the deltas. */
    public Deltas measure(TestUser user, SqlAction action) throws Exception {
        Snapshot before = snapshot(user);
        action.run();
        return since(before);
    }

    /** Something that may throw, measured by {@link #measure}. */
    @FunctionalInterface
    public interface SqlAction {
        /** @throws Exception whatever the action throws */
        void run() throws Exception;
    }

    /** One counter of a USER_STATISTICS row (or delta) by its name in {@link #COUNTERS}. */
    static long counter(UserStatistics s, String counter) {
        return switch (counter) {
            case SELECTS -> s.selectCommands();
            case UPDATES -> s.updateCommands();
            case OTHERS -> s.otherCommands();
            case STATEMENTS -> s.totalCommands();
            case CONNECTIONS -> s.totalConnections();
            case ROWS_SENT -> s.rowsSent();
            case ROWS_INSERTED -> s.rowsInserted();
            case ROWS_UPDATED -> s.rowsUpdated();
            case ROWS_DELETED -> s.rowsDeleted();
            case COMMITS -> s.commitTransactions();
            case ROLLBACKS -> s.rollbackTransactions();
            default -> {
                Number n = s.columns().get(counter);
                if (n == null && s.present()) {
                    throw new IllegalArgumentException("USER_STATISTICS has no column " + counter + ": " + s.columns().keySet());
                }
                yield n == null ? 0 : n.longValue();
            }
        };
    }

    /** One user's USER_STATISTICS on every server at one moment. */
    public static final class Snapshot {
        private final TestUser user;
        private final Map<String, UserStatistics> values;

        Snapshot(TestUser user, Map<String, UserStatistics> values) {
            this.user = user;
            this.values = values;
        }

        /** @return the user counted */
        public TestUser user() {
            return user;
        }

        /** @return the user's row on the server of that role */
        public UserStatistics statistics(String role) {
            UserStatistics s = values.get(role);
            if (s == null) {
                throw new IllegalArgumentException("no server " + role);
            }
            return s;
        }

        /** @return the counter's value on the server of that role */
        public long value(String role, String counter) {
            return counter(statistics(role), counter);
        }

        @Override
        public String toString() {
            return user.name() + values;
        }
    }

    /** What one user did on each server between two snapshots. */
    public static final class Deltas {
        private final TestUser user;
        private final String primaryRole;
        private final List<String> replicaRoles;
        private final Map<String, UserStatistics> values;

        Deltas(TestUser user, String primaryRole, List<String> replicaRoles, Map<String, UserStatistics> values) {
            this.user = user;
            this.primaryRole = primaryRole;
            this.replicaRoles = replicaRoles;
            this.values = values;
        }

        /** @return the change of the counter on the server of that role */
        public long of(String role, String counter) {
            UserStatistics s = values.get(role);
            if (s == null) {
                throw new IllegalArgumentException("no server " + role);
            }
            return counter(s, counter);
        }

        /** @return the change of the counter on the primary */
        public long onPrimary(String counter) {
            return of(primaryRole, counter);
        }

        /** @return the change of the counter summed over the replicas */
        public long onReplicas(String counter) {
            long sum = 0;
            for (String r : replicaRoles) {
                sum += of(r, counter);
            }
            return sum;
        }

        /** @return the change of the counter summed over all servers */
        public long total(String counter) {
            long sum = 0;
            for (String role : values.keySet()) {
                sum += of(role, counter);
            }
            return sum;
        }

        /** @return role to change of the counter */
        public Map<String, Long> byServer(String counter) {
            Map<String, Long> result = new LinkedHashMap<>();
            for (String role : values.keySet()) {
                result.put(role, of(role, counter));
            }
            return result;
        }

        /**
         * @return whether the user sent nothing at all to the server of that role: no statement, no packet
         *     of any kind ({@link #BYTES_RECEIVED} 0, so also no SHOW, no statement with a syntax error, no
         *     ping) and no new connection
         */
        public boolean nothingReached(String role) {
            return of(role, STATEMENTS) == 0 && of(role, BYTES_RECEIVED) == 0 && of(role, CONNECTIONS) == 0;
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder("user ").append(user.name()).append(":");
            for (Map.Entry<String, UserStatistics> e : values.entrySet()) {
                UserStatistics d = e.getValue();
                sb.append(' ').append(e.getKey()).append("{select=").append(d.selectCommands())
                        .append(", update=").append(d.updateCommands())
                        .append(", other=").append(d.otherCommands())
                        .append(", connections=").append(d.totalConnections())
                        .append(", bytesReceived=").append(counter(d, BYTES_RECEIVED))
                        .append(", rowsSent=").append(d.rowsSent())
                        .append(", rowsInserted=").append(d.rowsInserted())
                        .append(", rowsUpdated=").append(d.rowsUpdated())
                        .append(", rowsDeleted=").append(d.rowsDeleted())
                        .append(", commits=").append(d.commitTransactions())
                        .append(", rollbacks=").append(d.rollbackTransactions())
                        .append('}');
            }
            return sb.toString();
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Queries as the superuser (not inside a measurement window)

    /** Runs a query on the server of that role over the probe's superuser connection: first column of the first row. */
    public String queryString(String role, String sql) {
        try (Statement s = connection(role).createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(role + ": cannot run [" + sql + "]", e);
        }
    }

    /** {@code SELECT COUNT(*) FROM app.<table> [WHERE where]} on the server of that role. */
    public long rowCount(String role, String table, String where) {
        String sql = "SELECT COUNT(*) FROM `" + cluster.database() + "`.`" + table + "`"
                + (where == null || where.isBlank() ? "" : " WHERE " + where);
        return Long.parseLong(queryString(role, sql));
    }

    /** {@link #rowCount} on the primary. */
    public long rowCountOnPrimary(String table, String where) {
        return rowCount(primaryRole(), table, where);
    }

    /** Runs a statement on the primary as the superuser (over the probe's connection). */
    public void executeOnPrimary(String sql) {
        try (Statement s = connection(primaryRole()).createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("primary: cannot run [" + sql + "]", e);
        }
    }

    private Connection connection(String role) {
        Connection c = admin.get(role);
        if (c == null) {
            throw new IllegalArgumentException("no server " + role);
        }
        return c;
    }

    // ------------------------------------------------------------------------------------------------
    // Users, tables, replication

    /** A user made for one test class or test (see {@link ServerProbe} on counting per user). */
    public record TestUser(String name, String password) {
        @Override
        public String toString() {
            return name; // never the password
        }
    }

    /** @return {@code prefix + "_" + n}, unique in this JVM */
    public static String uniqueName(String prefix) {
        return prefix + "_" + UNIQUE.incrementAndGet();
    }

    /**
     * Creates a fresh user with {@code GRANT ALL ON <database>.*} (through the fixture, which waits until
     * the replicas have it).
     */
    public TestUser createUser() {
        return createUser("probe_u");
    }

    /**
     * Creates a fresh user named {@code prefix_<n>} with {@code GRANT ALL ON <database>.*} and the given
     * further grants ({@code {user}} stands for the account, e.g. {@code "GRANT ALL ON app2.* TO {user}"}),
     * through the fixture, which waits until the replicas have it. No other privilege: in particular none
     * on the driver's meta schema, so the driver's monitor, running as this user, writes no heartbeat.
     */
    public TestUser createUser(String prefix, String... extraGrants) {
        String name = uniqueName(prefix);
        String password = "pw-" + name;
        List<String> grants = new ArrayList<>();
        grants.add("GRANT ALL ON `" + cluster.database() + "`.* TO {user}");
        grants.addAll(List.of(extraGrants));
        cluster.createUser(name, password, grants.toArray(String[]::new));
        return new TestUser(name, password);
    }

    /**
     * Creates {@code <database>.<unique name>} on the primary as the superuser and waits until every
     * replica has it.
     *
     * @param columns the column list, e.g. {@code "id INT AUTO_INCREMENT PRIMARY KEY, v VARCHAR(50)"}
     * @param statements statements to run after the CREATE (e.g. INSERTs); {@code {t}} is replaced by the
     *     qualified table name
     * @return the unqualified table name
     */
    public String createTable(String columns, String... statements) {
        String name = uniqueName("probe_t");
        String qualified = "`" + cluster.database() + "`.`" + name + "`";
        executeOnPrimary("CREATE TABLE " + qualified + " (" + columns + ") ENGINE=InnoDB");
        for (String sql : statements) {
            executeOnPrimary(sql.replace("{t}", qualified));
        }
        awaitReplication();
        return name;
    }

    /** Waits until every replica has applied everything the primary has logged. */
    public void awaitReplication() {
        cluster.awaitReplicationCaughtUp(REPLICATION_TIMEOUT);
    }

    /** Closes the superuser connections. */
    @Override
    public void close() {
        for (Connection c : admin.values()) {
            try {
                c.close();
            } catch (SQLException e) {
                // closing a probe connection at the end of a test class: nothing to do about it
            }
        }
        admin.clear();
    }

    @Override
    public String toString() {
        return "ServerProbe" + rolesById;
    }
}
