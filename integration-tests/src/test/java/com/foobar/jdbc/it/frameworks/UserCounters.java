package com.foobar.jdbc.it.frameworks;

import com.foobar.testcluster.EmbeddedCluster;
import com.foobar.testcluster.EmbeddedServer;
import com.foobar.testcluster.UserStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Where a framework's statements ran, as the servers count them: the {@code information_schema.USER_STATISTICS}
 * row of one user made for one test class, on every server, and each server's {@code Com_admin_commands}
 * (pings: {@code Connection.isValid}, which MariaDB does not count per user).
 *
 * <p>The replication applier does not run as that user, so a replica's counters for it hold only what a
 * client sent to that replica. A new physical connection adds its own set-up statements (Connector/J's
 * session query and settings): warm a pool up before measuring, and check {@link UserStatistics#totalConnections()}
 * when a number must be exact.
 *
 * <p>The counters are read with the fixture's superuser connections, outside the measured window.
 */
public final class UserCounters {

    private static final AtomicInteger UNIQUE = new AtomicInteger();

    private final EmbeddedCluster cluster;
    private final String user;
    private final String password;

    private UserCounters(EmbeddedCluster cluster, String user, String password) {
        this.cluster = cluster;
        this.user = user;
        this.password = password;
    }

    /**
     * Creates a fresh user with {@code ALL ON <database>.*} (and nothing else), replicated to every replica.
     *
     * @param prefix the start of the user's name, e.g. {@code it_hibernate}
     */
    public static UserCounters createUser(EmbeddedCluster cluster, String prefix) {
        return createUser(cluster, prefix, new String[0]);
    }

    /**
     * {@link #createUser(EmbeddedCluster, String)} with more grant statements, {@code {user}} standing for the account,
     * e.g. {@code "GRANT ALL ON other_db.* TO {user}"}.
     */
    public static UserCounters createUser(EmbeddedCluster cluster, String prefix, String... moreGrants) {
        String name = prefix + "_" + UNIQUE.incrementAndGet();
        String password = "pw-" + name;
        String[] grants = new String[moreGrants.length + 1];
        grants[0] = "GRANT ALL ON `" + cluster.database() + "`.* TO {user}";
        System.arraycopy(moreGrants, 0, grants, 1, moreGrants.length);
        cluster.createUser(name, password, grants);
        return new UserCounters(cluster, name, password);
    }

    /** @return the user's name */
    public String user() {
        return user;
    }

    /** @return the user's password */
    public String password() {
        return password;
    }

    /** @return the cluster */
    public EmbeddedCluster cluster() {
        return cluster;
    }

    /** The user's statistics and the ping counter of every server now. */
    public Snapshot snapshot() {
        Map<EmbeddedServer, UserStatistics> stats = new LinkedHashMap<>();
        Map<EmbeddedServer, Long> pings = new LinkedHashMap<>();
        for (EmbeddedServer s : cluster.servers()) {
            stats.put(s, s.userStatistics(user));
            pings.put(s, s.statusCounter("Com_admin_commands"));
        }
        return new Snapshot(stats, pings);
    }

    /** What the user did on each server since {@code before}. */
    public Delta since(Snapshot before) {
        Snapshot now = snapshot();
        Map<EmbeddedServer, UserStatistics> stats = new LinkedHashMap<>();
        Map<EmbeddedServer, Long> pings = new LinkedHashMap<>();
        for (EmbeddedServer s : cluster.servers()) {
            stats.put(s, now.stats.get(s).minus(before.stats.get(s)));
            pings.put(s, now.pings.get(s) - before.pings.get(s));
        }
        return new Delta(cluster, stats, pings);
    }

    /** Runs the action and returns what the user did on each server meanwhile. */
    public Delta measure(Action action) throws Exception {
        Snapshot before = snapshot();
        action.run();
        return since(before);
    }

    /** Something measured. */
    @FunctionalInterface
    public interface Action {
        /** @throws Exception whatever the action throws */
        void run() throws Exception;
    }

    /** Counters of every server at one moment. */
    public static final class Snapshot {
        private final Map<EmbeddedServer, UserStatistics> stats;
        private final Map<EmbeddedServer, Long> pings;

        Snapshot(Map<EmbeddedServer, UserStatistics> stats, Map<EmbeddedServer, Long> pings) {
            this.stats = stats;
            this.pings = pings;
        }
    }

    /** Per-server changes. */
    public static final class Delta {
        private final EmbeddedCluster cluster;
        private final Map<EmbeddedServer, UserStatistics> stats;
        private final Map<EmbeddedServer, Long> pings;

        Delta(EmbeddedCluster cluster, Map<EmbeddedServer, UserStatistics> stats, Map<EmbeddedServer, Long> pings) {
            this.cluster = cluster;
            this.stats = stats;
            this.pings = pings;
        }

        /** @return the user's statistics delta on that server */
        public UserStatistics on(EmbeddedServer server) {
            return stats.get(server);
        }

        /** @return the user's statistics delta on the primary */
        public UserStatistics primary() {
            return on(cluster.primary());
        }

        /** @return the replicas' deltas, in server_id order */
        public List<UserStatistics> replicas() {
            return cluster.replicas().stream().map(this::on).toList();
        }

        /** @return SELECT_COMMANDS summed over the replicas */
        public long selectsOnReplicas() {
            return replicas().stream().mapToLong(UserStatistics::selectCommands).sum();
        }

        /** @return SELECT + UPDATE + OTHER commands summed over the replicas */
        public long statementsOnReplicas() {
            return replicas().stream().mapToLong(UserStatistics::totalCommands).sum();
        }

        /** @return UPDATE_COMMANDS (INSERT, UPDATE, DELETE, DDL...) summed over the replicas */
        public long writesOnReplicas() {
            return replicas().stream().mapToLong(UserStatistics::updateCommands).sum();
        }

        /** @return the change of {@code Com_admin_commands} (pings, from anyone) on that server */
        public long pings(EmbeddedServer server) {
            return pings.get(server);
        }

        /** One line per server: selects, updates, others, commits, rollbacks, new connections, pings. */
        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            stats.forEach((s, u) -> sb.append(sb.length() == 0 ? "" : "; ").append(s.name()).append(" [server_id ")
                    .append(s.serverId()).append("]: select=").append(u.selectCommands()).append(" update=")
                    .append(u.updateCommands()).append(" other=").append(u.otherCommands()).append(" commit=")
                    .append(u.commitTransactions()).append(" rollback=").append(u.rollbackTransactions())
                    .append(" newConnections=").append(u.totalConnections()).append(" pings=").append(pings.get(s)));
            return sb.toString();
        }
    }
}
