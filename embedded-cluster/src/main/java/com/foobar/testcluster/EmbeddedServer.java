package com.foobar.testcluster;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One mariadbd process of an {@link EmbeddedCluster}: its own directory (data, tmp, PID file, socket),
 * a fixed loopback port, a fixed {@code server_id}, plus helpers to query it as the fixture's superuser
 * and to inject faults (SIGKILL, SIGSTOP/SIGCONT, stopped replica SQL thread, restart).
 *
 * <p><b>Connections.</b> Every query helper ({@link #execute}, {@link #queryLong}, {@link #statusCounter},
 * ...) opens a new plain Connector/J connection as the fixture superuser and closes it again. Opening a
 * Connector/J connection runs one {@code SELECT @@session...} on the server, so each helper call adds
 * one to the server's {@code Com_select} (under the superuser, not under the application user; prefer
 * {@link #userStatistics(String)} of a dedicated user when counting statements). Helper failures are
 * thrown as unchecked {@link EmbeddedClusterException}s with the {@link SQLException} as cause.
 *
 * <p><b>Thread-safety.</b> All methods may be called from any thread. Lifecycle methods ({@link #kill9},
 * {@link #restart}, {@link #stop}, {@link #sigstop}, {@link #sigcont}) are serialized per server.
 */
public final class EmbeddedServer {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedServer.class);
    /** Server console output goes to this logger at DEBUG. */
    private static final Logger serverOutput = LoggerFactory.getLogger("com.foobar.testcluster.mariadbd");

    static final boolean RUNNING_AS_ROOT = "root".equals(System.getProperty("user.name"));

    private static final String READY_MARKER = "ready for connections";
    private static final int OUTPUT_LINES_KEPT = 200;
    private static final Duration POLL_INTERVAL = Duration.ofMillis(20);
    private static final Driver CONNECTOR_J = newConnectorJ();

    private final String name;
    private final int serverId;
    private final boolean initialPrimary;
    private final Path directory;
    private final Path dataDirectory;
    private final Path tmpDirectory;
    private final Path socketFile;
    private final Path pidFile;
    private final MariaDbInstallation installation;
    private final List<String> serverArgs;
    private final String database;
    private final String superUser;
    private final String superPassword;
    private final String replicationUser;
    private final String replicationPassword;
    private final Duration startTimeout;
    private final Deque<String> lastOutput = new ArrayDeque<>();

    private volatile int port;
    private volatile Process process;
    private volatile long lastPid = -1;
    private volatile boolean suspended;
    private volatile boolean closed;
    private volatile EmbeddedServer replicationSource;

    EmbeddedServer(String name, int serverId, boolean initialPrimary, Path directory, Path socketFile,
            MariaDbInstallation installation, List<String> serverArgs, String database,
            String superUser, String superPassword, String replicationUser, String replicationPassword,
            Duration startTimeout) {
        this.name = name;
        this.serverId = serverId;
        this.initialPrimary = initialPrimary;
        this.directory = directory;
        this.dataDirectory = directory.resolve("data");
        this.tmpDirectory = directory.resolve("tmp");
        this.socketFile = socketFile;
        this.pidFile = directory.resolve(Janitor.PID_FILE);
        this.installation = installation;
        this.serverArgs = List.copyOf(serverArgs);
        this.database = database;
        this.superUser = superUser;
        this.superPassword = superPassword;
        this.replicationUser = replicationUser;
        this.replicationPassword = replicationPassword;
        this.startTimeout = startTimeout;
    }

    private static Driver newConnectorJ() {
        try {
            return new com.mysql.cj.jdbc.Driver();
        } catch (SQLException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Identity

    /** A short name: {@code primary}, {@code replica1}, {@code replica2}, ... (the role it started with). */
    public String name() {
        return name;
    }

    /** The TCP port on 127.0.0.1; fixed for the life of the server, including restarts. */
    public int port() {
        return port;
    }

    /** The server's {@code @@server_id}: 1 for the initial primary, 2, 3, ... for the replicas. */
    public int serverId() {
        return serverId;
    }

    /** {@code "127.0.0.1:" + port()}. */
    public String hostAndPort() {
        return "127.0.0.1:" + port;
    }

    /** Whether this server was started as the cluster's primary (roles may change later in a test). */
    public boolean isInitialPrimary() {
        return initialPrimary;
    }

    /**
     * The PID of the current mariadbd process, or of the last one if it has been killed; -1 if it never
     * started. mariadbd also writes it to {@link #pidFile()}.
     */
    public long pid() {
        return lastPid;
    }

    /** The server's PID file ({@code --pid-file}), in {@link #directory()}. */
    public Path pidFile() {
        return pidFile;
    }

    /** The server's own directory (holds {@code data/}, {@code tmp/} and the PID file); deleted on close. */
    public Path directory() {
        return directory;
    }

    /** The server's data directory ({@code --datadir}). */
    public Path dataDirectory() {
        return dataDirectory;
    }

    /** {@code jdbc:mysql://127.0.0.1:port/} (no credentials, no properties). */
    public String jdbcUrl() {
        return "jdbc:mysql://" + hostAndPort() + "/";
    }

    /**
     * Whether the mariadbd process is alive. A {@link #sigstop() suspended} server is alive (see
     * {@link #isSuspended()}).
     */
    public boolean isRunning() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** Whether the server is currently stopped with SIGSTOP by {@link #sigstop()}. */
    public boolean isSuspended() {
        return suspended && isRunning();
    }

    /** The server this one was last told to replicate from, or null (the initial primary). */
    public EmbeddedServer replicationSource() {
        return replicationSource;
    }

    // ------------------------------------------------------------------------------------------------
    // Connections and queries

    /**
     * Opens a new plain Connector/J connection ({@code jdbc:mysql://127.0.0.1:port/}, no default
     * database, {@code allowMultiQueries=true}, TLS off, {@code connectTimeout} 10 s,
     * {@code socketTimeout} 30 s so that nothing hangs on a {@link #sigstop() suspended} server; raise it
     * with {@link Connection#setNetworkTimeout} for longer statements) as the fixture's superuser. The
     * caller closes it.
     *
     * @throws SQLException if the server cannot be reached
     */
    public Connection adminConnection() throws SQLException {
        Properties props = baseProperties(superUser, superPassword);
        props.setProperty("allowMultiQueries", "true");
        return connect(jdbcUrl(), props);
    }

    /**
     * Opens a new plain Connector/J connection as the given user, with the cluster's database as
     * default database ({@code jdbc:mysql://127.0.0.1:port/<database>}, TLS off, same timeouts as
     * {@link #adminConnection()}). The caller closes it.
     *
     * @throws SQLException if the server refuses the login or cannot be reached
     */
    public Connection connection(String user, String password) throws SQLException {
        return connect(jdbcUrl() + database, baseProperties(user, password));
    }

    private static Properties baseProperties(String user, String password) {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("sslMode", "DISABLED");
        props.setProperty("allowPublicKeyRetrieval", "true");
        props.setProperty("connectTimeout", "10000");
        // Without it, a connect to a SIGSTOPped server hangs forever in the handshake (Connector/J only
        // bounds the handshake by DriverManager's login timeout, and we bypass DriverManager).
        props.setProperty("socketTimeout", "30000");
        return props;
    }

    private static Connection connect(String url, Properties props) throws SQLException {
        Connection connection = CONNECTOR_J.connect(url, props);
        if (connection == null) {
            throw new SQLException("Connector/J did not accept " + url);
        }
        return connection;
    }

    /** Executes one statement (or several, separated by {@code ;}) as the superuser. */
    public void execute(String sql) {
        try (Connection c = adminConnection(); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw failure("execute [" + sql + "]", e);
        }
    }

    /**
     * Runs a query as the superuser and returns the first column of the first row as a long.
     *
     * @throws EmbeddedClusterException if the query fails, returns no row, or returns NULL
     */
    public long queryLong(String sql) {
        String value = queryString(sql);
        if (value == null) {
            throw new EmbeddedClusterException(this + ": [" + sql + "] returned no row or NULL");
        }
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException e) {
            throw new EmbeddedClusterException(this + ": [" + sql + "] returned a non-integer: " + value, e);
        }
    }

    /**
     * Runs a query as the superuser and returns the first column of the first row as a string, or null
     * if there is no row or the value is NULL.
     */
    public String queryString(String sql) {
        try (Connection c = adminConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw failure("query [" + sql + "]", e);
        }
    }

    /**
     * {@code SHOW GLOBAL STATUS LIKE name} as a long, e.g. {@code statusCounter("Com_select")}. Note that
     * the helper's own connection adds one {@code Com_select} (see the class documentation).
     *
     * @throws EmbeddedClusterException if there is no such variable or it is not an integer
     */
    public long statusCounter(String name) {
        try (Connection c = adminConnection();
                PreparedStatement ps = c.prepareStatement("SHOW GLOBAL STATUS LIKE ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new EmbeddedClusterException(this + ": no global status variable " + name);
                }
                String value = rs.getString(2);
                try {
                    return Long.parseLong(value.trim());
                } catch (NumberFormatException e) {
                    throw new EmbeddedClusterException(this + ": status variable " + name + " is not an integer: " + value, e);
                }
            }
        } catch (SQLException e) {
            throw failure("SHOW GLOBAL STATUS LIKE '" + name + "'", e);
        }
    }

    /**
     * The {@code information_schema.USER_STATISTICS} row of {@code user} on this server (a row of zeros
     * with {@link UserStatistics#present()} false if the user has not connected to it yet).
     */
    public UserStatistics userStatistics(String user) {
        try (Connection c = adminConnection();
                PreparedStatement ps = c.prepareStatement("SELECT * FROM information_schema.USER_STATISTICS WHERE USER = ?")) {
            ps.setString(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return UserStatistics.absent(user);
                }
                ResultSetMetaData md = rs.getMetaData();
                Map<String, Number> row = new LinkedHashMap<>();
                for (int i = 1; i <= md.getColumnCount(); i++) {
                    Object value = rs.getObject(i);
                    if (value instanceof Number number) {
                        row.put(md.getColumnLabel(i).toUpperCase(Locale.ROOT), number);
                    }
                }
                return UserStatistics.fromRow(user, row);
            }
        } catch (SQLException e) {
            throw failure("read USER_STATISTICS of " + user, e);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Replication

    /**
     * {@code SHOW SLAVE STATUS} as column name to value (empty if this server is not a replica).
     */
    public Map<String, String> replicaStatus() {
        try (Connection c = adminConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
            if (!rs.next()) {
                return Map.of();
            }
            ResultSetMetaData md = rs.getMetaData();
            Map<String, String> row = new LinkedHashMap<>();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                String value = rs.getString(i);
                row.put(md.getColumnLabel(i), value == null ? "" : value);
            }
            return Collections.unmodifiableMap(row);
        } catch (SQLException e) {
            throw failure("SHOW SLAVE STATUS", e);
        }
    }

    /** Whether this server is a replica whose IO and SQL threads both run ({@code Yes}/{@code Yes}). */
    public boolean isReplicaRunning() {
        Map<String, String> status = replicaStatus();
        return "Yes".equals(status.get("Slave_IO_Running")) && "Yes".equals(status.get("Slave_SQL_Running"));
    }

    /** {@code STOP SLAVE SQL_THREAD}: the replica keeps receiving events but stops applying them. */
    public void stopReplicaSqlThread() {
        execute("STOP SLAVE SQL_THREAD");
    }

    /** {@code START SLAVE SQL_THREAD}. */
    public void startReplicaSqlThread() {
        execute("START SLAVE SQL_THREAD");
    }

    /**
     * Makes this server a GTID replica of {@code source} ({@code STOP SLAVE}, {@code CHANGE MASTER TO ...
     * MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1, MASTER_SSL=0}, {@code START SLAVE}) and waits until both
     * replication threads run. Does not change {@code read_only}. Useful to re-point replicas after a
     * failover.
     *
     * @throws EmbeddedClusterException if replication is not running within {@code timeout}
     */
    public void startReplicationFrom(EmbeddedServer source, Duration timeout) {
        execute("STOP SLAVE");
        execute("CHANGE MASTER TO MASTER_HOST='127.0.0.1', MASTER_PORT=" + source.port()
                + ", MASTER_USER='" + EmbeddedCluster.sqlString(replicationUser)
                + "', MASTER_PASSWORD='" + EmbeddedCluster.sqlString(replicationPassword)
                + "', MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=1, MASTER_SSL=0");
        execute("START SLAVE");
        replicationSource = source;
        awaitReplicaRunning(timeout);
    }

    /**
     * Polls (every 20 ms) until {@link #isReplicaRunning()}.
     *
     * @throws EmbeddedClusterException on timeout, or at once if a replication thread stopped with an
     *     error
     */
    public void awaitReplicaRunning(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, String> status;
        while (true) {
            status = replicaStatus();
            String io = status.getOrDefault("Slave_IO_Running", "");
            String sql = status.getOrDefault("Slave_SQL_Running", "");
            if ("Yes".equals(io) && "Yes".equals(sql)) {
                return;
            }
            boolean failed = ("No".equals(io) && !status.getOrDefault("Last_IO_Error", "").isEmpty())
                    || ("No".equals(sql) && !status.getOrDefault("Last_SQL_Error", "").isEmpty());
            if (failed || System.nanoTime() - deadline > 0) {
                throw new EmbeddedClusterException(this + ": replication " + (failed ? "failed" : "not running after "
                        + timeout.toMillis() + " ms") + ": Slave_IO_Running=" + io + ", Slave_SQL_Running=" + sql
                        + ", Last_IO_Error=" + status.getOrDefault("Last_IO_Error", "")
                        + ", Last_SQL_Error=" + status.getOrDefault("Last_SQL_Error", ""));
            }
            sleep(POLL_INTERVAL);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Fault injection and lifecycle

    /**
     * SIGKILLs the mariadbd process (a crash: no shutdown, no flush beyond what the OS has), waits for
     * it to exit and until the port refuses connections. No-op if the server is not running. Works on a
     * suspended server too. Bring it back with {@link #restart()}.
     */
    public synchronized void kill9() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        long t0 = System.nanoTime();
        p.destroyForcibly(); // SIGKILL on Unix; also kills a SIGSTOPped process
        waitForExit(p, Duration.ofSeconds(30));
        suspended = false;
        awaitPortClosed(Duration.ofSeconds(10));
        log.info("Killed {} (SIGKILL, pid {}) in {} ms", this, p.pid(), MariaDbInstallation.millisSince(t0));
    }

    /**
     * Freezes the server with {@code kill -STOP pid}: the port still accepts TCP connections (the kernel
     * completes the handshake) but nothing answers, like a hung host. Undo with {@link #sigcont()}.
     */
    public synchronized void sigstop() {
        long pid = requireRunning("sigstop").pid();
        if (!Janitor.signal(pid, "STOP")) {
            throw new EmbeddedClusterException(this + ": kill -STOP " + pid + " failed");
        }
        awaitStopped(pid);
        suspended = true;
        log.info("Suspended {} (SIGSTOP, pid {})", this, pid);
    }

    /**
     * Signals are delivered asynchronously: waits (polling /proc, at most 5 s) until every thread of the
     * process is stopped, so the caller's next step really meets a frozen server.
     */
    private void awaitStopped(long pid) {
        java.nio.file.Path stat = java.nio.file.Path.of("/proc", Long.toString(pid), "stat");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() - deadline < 0) {
            try {
                String text = java.nio.file.Files.readString(stat);
                char state = text.charAt(text.lastIndexOf(')') + 2);
                if (state == 'T' || state == 't') {
                    return;
                }
            } catch (java.io.IOException | RuntimeException e) {
                return;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000L);
        }
        throw new EmbeddedClusterException(this + ": pid " + pid + " did not stop within 5 s of SIGSTOP");
    }

    /** Resumes a server frozen by {@link #sigstop()} with {@code kill -CONT pid}. */
    public synchronized void sigcont() {
        long pid = requireRunning("sigcont").pid();
        if (!Janitor.signal(pid, "CONT")) {
            throw new EmbeddedClusterException(this + ": kill -CONT " + pid + " failed");
        }
        suspended = false;
        log.info("Resumed {} (SIGCONT, pid {})", this, pid);
    }

    /**
     * Shuts the server down cleanly (SIGCONT if suspended, then SIGTERM; SIGKILL after 60 s) and waits
     * until the port refuses connections. No-op if not running.
     */
    public synchronized void stop() {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        long t0 = System.nanoTime();
        if (suspended) {
            Janitor.signal(p.pid(), "CONT");
            suspended = false;
        }
        p.destroy(); // SIGTERM: mariadbd shuts down cleanly
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                log.warn("{} did not shut down within 60 s; killing it", this);
                p.destroyForcibly();
                waitForExit(p, Duration.ofSeconds(30));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new EmbeddedClusterException("Interrupted while stopping " + this, e);
        }
        awaitPortClosed(Duration.ofSeconds(10));
        log.info("Stopped {} in {} ms", this, MariaDbInstallation.millisSince(t0));
    }

    /**
     * Starts mariadbd again on the same port, data directory and options (including {@code read_only}
     * for an initial replica), e.g. after {@link #kill9()}; a running server is {@link #stop() stopped}
     * first. Returns once the server accepts connections; a replica resumes replication by itself from
     * its crash-safe {@code gtid_slave_pos} (wait with {@link #awaitReplicaRunning(Duration)} or
     * {@link EmbeddedCluster#awaitReplicationCaughtUp(Duration)}).
     *
     * @throws EmbeddedClusterException if the server does not come up, or the cluster is closed
     */
    public synchronized void restart() {
        if (closed) {
            throw new EmbeddedClusterException(this + " belongs to a closed cluster");
        }
        stop();
        start();
    }

    /** Starts the process and waits until it accepts connections. */
    synchronized void start() {
        if (closed) {
            throw new EmbeddedClusterException(this + " belongs to a closed cluster");
        }
        long t0 = System.nanoTime();
        List<String> command = new ArrayList<>();
        command.add(installation.serverExecutable().toString());
        command.add("--no-defaults"); // must come first
        if (RUNNING_AS_ROOT) {
            command.add("--user=root");
        }
        command.add("--basedir=" + installation.baseDir());
        command.add("--datadir=" + dataDirectory);
        command.add("--tmpdir=" + tmpDirectory);
        command.add("--socket=" + socketFile);
        command.add("--pid-file=" + pidFile);
        command.add("--port=" + port);
        command.add("--bind-address=127.0.0.1");
        command.add("--report-host=127.0.0.1");
        command.add("--report-port=" + port);
        command.add("--server-id=" + serverId);
        command.addAll(serverArgs);

        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(installation.baseDir().toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().put("LD_LIBRARY_PATH", installation.libDir().toString());
        Process p;
        try {
            Files.createDirectories(tmpDirectory);
            log.debug("Starting {}: {}", this, command);
            p = pb.start();
            // Written before mariadbd writes it itself (same content) so that the watchdog can find the
            // process even if this JVM dies during startup.
            Files.writeString(pidFile, p.pid() + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new EmbeddedClusterException("Cannot start " + this, e);
        }
        process = p;
        lastPid = p.pid();
        suspended = false;
        CompletableFuture<Void> ready = new CompletableFuture<>();
        Thread pump = new Thread(() -> pumpOutput(p, ready), "mariadbd-" + name + "-" + port);
        pump.setDaemon(true);
        pump.start();
        try {
            ready.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            p.destroyForcibly();
            throw new EmbeddedClusterException(this + " did not become ready within " + startTimeout.toMillis()
                    + " ms; last output:\n" + lastOutput());
        } catch (ExecutionException e) {
            p.destroyForcibly();
            throw (RuntimeException) e.getCause();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
            throw new EmbeddedClusterException("Interrupted while starting " + this, e);
        }
        log.info("Started {} (pid {}) in {} ms", this, p.pid(), MariaDbInstallation.millisSince(t0));
    }

    private void pumpOutput(Process p, CompletableFuture<Void> ready) {
        boolean portInUse = false;
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                serverOutput.debug("[{} {}] {}", name, hostAndPort(), line);
                synchronized (lastOutput) {
                    lastOutput.addLast(line);
                    if (lastOutput.size() > OUTPUT_LINES_KEPT) {
                        lastOutput.removeFirst();
                    }
                }
                if (line.contains("Address already in use") || line.contains("Bind on TCP/IP port")) {
                    portInUse = true;
                }
                if (line.contains(READY_MARKER)) {
                    ready.complete(null);
                }
            }
        } catch (IOException e) {
            log.debug("Output of {} ended: {}", this, e.toString());
        }
        int exit = waitForExit(p, Duration.ofSeconds(5));
        if (!ready.isDone()) {
            String message = this + ": mariadbd exited with code " + exit + " before it was ready; last output:\n" + lastOutput();
            ready.completeExceptionally(portInUse ? new PortInUseException(message) : new EmbeddedClusterException(message));
        } else if (!closed && process == p && !p.isAlive()) {
            log.debug("{}: mariadbd pid {} exited with code {}", this, p.pid(), exit);
        }
    }

    /** Kills the process without ceremony (the data is about to be deleted); part of cluster close. */
    synchronized void destroy() {
        closed = true;
        Process p = process;
        if (p != null && p.isAlive()) {
            if (suspended) {
                Janitor.signal(p.pid(), "CONT");
            }
            p.destroyForcibly();
            waitForExit(p, Duration.ofSeconds(30));
        }
        suspended = false;
    }

    /** Chooses the port; only before the first start. */
    void setPort(int port) {
        this.port = port;
    }

    /** The last lines mariadbd printed (at most 200). */
    public String lastOutput() {
        synchronized (lastOutput) {
            return String.join("\n", lastOutput);
        }
    }

    private Process requireRunning(String action) {
        Process p = process;
        if (p == null || !p.isAlive()) {
            throw new EmbeddedClusterException("Cannot " + action + " " + this + ": it is not running");
        }
        return p;
    }

    private int waitForExit(Process p, Duration timeout) {
        try {
            if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return p.exitValue();
            }
            throw new EmbeddedClusterException(this + ": pid " + p.pid() + " did not exit within " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedClusterException("Interrupted while waiting for " + this + " to exit", e);
        }
    }

    private void awaitPortClosed(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            } catch (ConnectException e) {
                return; // refused: nobody listens any more
            } catch (IOException e) {
                // timeout or other: try again
            }
            if (System.nanoTime() - deadline > 0) {
                throw new EmbeddedClusterException(this + ": port " + port + " still accepts connections after "
                        + timeout.toMillis() + " ms");
            }
            sleep(POLL_INTERVAL);
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedClusterException("Interrupted", e);
        }
    }

    private EmbeddedClusterException failure(String what, SQLException e) {
        return new EmbeddedClusterException(this + ": cannot " + what + ": " + e.getMessage()
                + " (error " + e.getErrorCode() + ", SQLState " + e.getSQLState() + ")", e);
    }

    /** E.g. {@code replica1[127.0.0.1:40123, server_id=2]}. */
    @Override
    public String toString() {
        return name + "[" + hostAndPort() + ", server_id=" + serverId + "]";
    }

    /** The port was taken by someone else between choosing it and mariadbd binding it. */
    static final class PortInUseException extends EmbeddedClusterException {
        private static final long serialVersionUID = 1L;

        PortInUseException(String message) {
            super(message);
        }
    }
}
