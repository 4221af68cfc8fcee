package com.foobar.jdbc.it.support;

import com.foobar.testcluster.EmbeddedCluster;
import com.foobar.testcluster.EmbeddedServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Asks the servers themselves where statements ran: maps {@code @@server_id} to a role name, snapshots
 * global status counters of every server and gives deltas with the probe's own statements taken out,
 * and makes per-test users and tables.
 *
 * <p><b>Counting.</b> Each server is read over ONE long-lived connection of the fixture's superuser,
 * opened when the probe is made, with one {@code SHOW GLOBAL STATUS WHERE ...} per snapshot. That
 * statement is the probe's only footprint inside a measurement window (one {@code Questions} per
 * server per snapshot, no {@code Com_select}); the probe measures it at start-up
 * ({@link #overhead()}) and {@link #since(Snapshot)} subtracts it, so a delta is exactly what others
 * did on the server between the two snapshots. Other helpers of this class ({@link #rowCount},
 * {@link #createTable}, {@link #createUser}) and the fixture's own helpers ({@code queryLong},
 * {@code userStatistics}, ...) run statements too: keep them out of measurement windows.
 *
 * <p>Not thread-safe: one probe per test class, used by the test thread. Close it in {@code @AfterAll}.
 */
public final class ServerProbe implements AutoCloseable {

    /**
     * URL properties for tests that count statements on the servers: the cluster's health monitor checks
     * each host once an hour instead of every 500 ms, so its own checks (which run as the same user) do not
     * show in the counters. Discovery still probes every host once, before the test measures anything.
     */
    public static final String QUIET_MONITOR = "healthCheckIntervalMs=3600000";


    /** The counters every snapshot holds. */
    public static final List<String> COUNTERS = List.of(
            "Com_select", "Com_insert", "Com_update", "Com_delete", "Questions", "Com_set_option", "Com_change_db");

    private static final AtomicInteger UNIQUE = new AtomicInteger();
    private static final Duration REPLICATION_TIMEOUT = Duration.ofSeconds(30);

    private final EmbeddedCluster cluster;
    private final Map<String, EmbeddedServer> serversByRole = new LinkedHashMap<>();
    private final Map<Long, String> rolesById = new LinkedHashMap<>();
    private final Map<String, Connection> admin = new LinkedHashMap<>();
    private final Map<String, Map<String, Long>> overhead;

    /**
     * Opens one superuser connection per server and measures the footprint of a snapshot.
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
        overhead = calibrate();
    }

    /** Three snapshots in a row: the smallest step of each counter is the probe's own footprint. */
    private Map<String, Map<String, Long>> calibrate() {
        Snapshot a = snapshot();
        Snapshot b = snapshot();
        Snapshot c = snapshot();
        Map<String, Map<String, Long>> result = new LinkedHashMap<>();
        for (String role : serversByRole.keySet()) {
            Map<String, Long> perCounter = new LinkedHashMap<>();
            for (String counter : COUNTERS) {
                long first = b.value(role, counter) - a.value(role, counter);
                long second = c.value(role, counter) - b.value(role, counter);
                perCounter.put(counter, Math.min(first, second));
            }
            result.put(role, Collections.unmodifiableMap(perCounter));
        }
        return Collections.unmodifiableMap(result);
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

    /** @return the per-server, per-counter footprint of one snapshot, as measured at start-up */
    public Map<String, Map<String, Long>> overhead() {
        return overhead;
    }

    // ------------------------------------------------------------------------------------------------
    // Counters

    /** Reads {@link #COUNTERS} of every server: one {@code SHOW GLOBAL STATUS} per server. */
    public Snapshot snapshot() {
        StringBuilder in = new StringBuilder();
        for (String counter : COUNTERS) {
            in.append(in.length() == 0 ? "" : ", ").append('\'').append(counter).append('\'');
        }
        String sql = "SHOW GLOBAL STATUS WHERE Variable_name IN (" + in + ")";
        Map<String, Map<String, Long>> values = new LinkedHashMap<>();
        for (Map.Entry<String, Connection> e : admin.entrySet()) {
            Map<String, Long> perCounter = new LinkedHashMap<>();
            try (Statement s = e.getValue().createStatement(); ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    perCounter.put(canonical(rs.getString(1)), Long.parseLong(rs.getString(2).trim()));
                }
            } catch (SQLException ex) {
                throw new IllegalStateException("cannot read the status counters of " + e.getKey(), ex);
            }
            for (String counter : COUNTERS) {
                if (!perCounter.containsKey(counter)) {
                    throw new IllegalStateException(e.getKey() + " has no status counter " + counter);
                }
            }
            values.put(e.getKey(), perCounter);
        }
        return new Snapshot(values);
    }

    private static String canonical(String name) {
        for (String counter : COUNTERS) {
            if (counter.equalsIgnoreCase(name)) {
                return counter;
            }
        }
        return name;
    }

    /**
     * Takes a snapshot now and returns what happened on each server since {@code before}, less the
     * footprint of this one snapshot.
     */
    public Deltas since(Snapshot before) {
        Snapshot after = snapshot();
        Map<String, Map<String, Long>> diff = new LinkedHashMap<>();
        for (String role : serversByRole.keySet()) {
            Map<String, Long> perCounter = new LinkedHashMap<>();
            for (String counter : COUNTERS) {
                perCounter.put(counter, after.value(role, counter) - before.value(role, counter)
                        - overhead.get(role).get(counter));
            }
            diff.put(role, perCounter);
        }
        return new Deltas(primaryRole(), replicaRoles(), diff);
    }

    /** Runs the action between two snapshots and returns the deltas. */
    public Deltas measure(SqlAction action) throws Exception {
        Snapshot before = snapshot();
        action.run();
        return since(before);
    }

    /** Something that may throw, measured by {@link #measure}. */
    @FunctionalInterface
    public interface SqlAction {
        /** @throws Exception whatever the action throws */
        void run() throws Exception;
    }

    /** The values of {@link #COUNTERS} on every server at one moment. */
    public static final class Snapshot {
        private final Map<String, Map<String, Long>> values;

        Snapshot(Map<String, Map<String, Long>> values) {
            this.values = values;
        }

        /** @return the counter's value on the server of that role */
        public long value(String role, String counter) {
            Map<String, Long> perCounter = values.get(role);
            if (perCounter == null || !perCounter.containsKey(counter)) {
                throw new IllegalArgumentException("no " + counter + " for " + role);
            }
            return perCounter.get(counter);
        }

        @Override
        public String toString() {
            return values.toString();
        }
    }

    /** Per-server counter changes with the probe's own footprint taken out. */
    public static final class Deltas {
        private final String primaryRole;
        private final List<String> replicaRoles;
        private final Map<String, Map<String, Long>> values;

        Deltas(String primaryRole, List<String> replicaRoles, Map<String, Map<String, Long>> values) {
            this.primaryRole = primaryRole;
            this.replicaRoles = replicaRoles;
            this.values = values;
        }

        /** @return the change of the counter on the server of that role */
        public long of(String role, String counter) {
            return values.get(role).get(counter);
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

        @Override
        public String toString() {
            return values.toString();
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

    /** A user made for one test. */
    public record TestUser(String name, String password) {
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
        String name = uniqueName("probe_u");
        String password = "pw-" + name;
        cluster.createUser(name, password, "GRANT ALL ON `" + cluster.database() + "`.* TO {user}");
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
