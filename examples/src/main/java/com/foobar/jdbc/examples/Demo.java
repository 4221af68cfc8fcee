package com.foobar.jdbc.examples;

import ch.qos.logback.classic.Level;
import com.foobar.testcluster.EmbeddedCluster;
import com.foobar.testcluster.EmbeddedServer;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/**
 * The Foobar JDBC demo: a small application runs through one HikariCP pool on a {@code jdbc:foobar:}
 * URL, and every few seconds each database server reports, from its own status counters, how many
 * statements, reads and writes it received. The writes all land on the primary; the reads are spread
 * over the replicas.
 *
 * <p>By default it starts an embedded MariaDB cluster (1 primary + 2 replicas, {@link EmbeddedCluster})
 * and stops it at the end, also on Ctrl-C. With {@code --url} it runs against a real cluster instead.
 * See {@link DemoOptions#USAGE} and {@code examples/README.md}.
 *
 * <pre>mvn -q -pl examples -am -DskipTests package exec:java -Dexec.mainClass=com.foobar.jdbc.examples.Demo</pre>
 */
public final class Demo {

    private static final long REPORT_EVERY_MS = 5_000;
    private static final String INDENT = "  ";
    private static final Pattern URL_PARTS = Pattern.compile("(?i)^jdbc:foobar://([^/?]*)(?:/([^?]*))?(?:\\?.*)?$");

    private final DemoOptions options;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final Object lifecycle = new Object();
    private volatile boolean shuttingDown;
    /** Set when the JVM is going down (Ctrl-C, SIGTERM) before the demo finished. */
    private volatile boolean signalled;

    private volatile EmbeddedCluster cluster;
    private volatile HikariDataSource pool;
    private volatile OrderWorkload workload;
    private volatile ServerMonitor monitor;

    private Demo(DemoOptions options) {
        this.options = options;
    }

    /**
     * Runs the demo; exits with 0 after a complete run, 1 if it failed, 2 for bad arguments.
     *
     * @param args see {@link DemoOptions#USAGE}
     */
    public static void main(String[] args) {
        DemoOptions options;
        try {
            options = DemoOptions.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(DemoOptions.USAGE);
            System.exit(2);
            return;
        }
        if (options.help()) {
            System.out.println(DemoOptions.USAGE);
            return;
        }

        Demo demo = new Demo(options);
        // Ctrl-C / SIGTERM: stop the application threads, close the pool, stop the embedded servers.
        Thread hook = new Thread(demo::shutdownFromSignal, "demo-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        boolean ok = false;
        try {
            demo.run();
            ok = true;
        } catch (Exception e) {
            if (!demo.signalled) {
                System.err.println();
                System.err.println("Demo failed: " + describe(e));
            }
        } finally {
            demo.shutdown(true);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyExiting) {
                // the JVM is shutting down (Ctrl-C): the hook is running or has run
            }
        }
        if (!ok && !demo.signalled) {
            System.exit(1);
        }
    }

    // ------------------------------------------------------------------------------------------------

    private void run() throws SQLException {
        String url;
        String user;
        String password;
        List<ServerMonitor.Endpoint> endpoints = new ArrayList<>();
        if (options.embedded()) {
            long t0 = System.nanoTime();
            EmbeddedCluster started = EmbeddedCluster.builder().replicas(2).start();
            synchronized (lifecycle) {
                cluster = started;
                if (shuttingDown) {
                    return; // the shutdown hook closes it
                }
            }
            System.out.printf(Locale.ROOT, "Embedded MariaDB cluster started in %.1f s: primary %s, replicas %s%n",
                    (System.nanoTime() - t0) / 1e9, started.primary().hostAndPort(),
                    started.replicas().stream().map(EmbeddedServer::hostAndPort).collect(Collectors.joining(", ")));
            // The driver checks each replica's replication threads when the user may run SHOW SLAVE STATUS
            // (it warns otherwise): give the application user that right, as a deployment would.
            started.primary().execute("GRANT REPLICA MONITOR ON *.* TO '" + started.appUser() + "'@'%'");
            started.awaitReplicationCaughtUp(Duration.ofSeconds(30));
            url = started.foobarUrl();
            user = started.appUser();
            password = started.appPassword();
            for (EmbeddedServer server : started.servers()) {
                endpoints.add(new ServerMonitor.Endpoint(server.hostAndPort(), server::adminConnection));
            }
        } else {
            url = options.url();
            user = options.user();
            password = options.password();
            for (String host : hosts(url)) {
                endpoints.add(new ServerMonitor.Endpoint(host, () -> adminConnection(host)));
            }
        }

        String table = database(url) + ".demo_orders";
        HikariConfig config = new HikariConfig();
        config.setPoolName("demo-app");
        config.setJdbcUrl(url);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(options.threads() + 1);
        config.setConnectionTimeout(10_000);
        HikariDataSource ds = new HikariDataSource(config);
        synchronized (lifecycle) {
            pool = ds;
            if (shuttingDown) {
                return;
            }
        }

        OrderWorkload app = new OrderWorkload(ds, table, options.threads());
        workload = app;
        long rows = app.prepare();
        System.out.printf(Locale.ROOT, "Table %s ready (%,d orders). Running the app for %d s: %d thread%s, "
                + "one HikariCP pool on %s%n", table, rows, options.seconds(), options.threads(),
                options.threads() == 1 ? "" : "s", redact(url));

        ServerMonitor servers = new ServerMonitor(endpoints);
        monitor = servers;
        servers.takeBaseline();
        System.out.println("Counted by each server itself (over jdbc:mysql://), deltas since the app started:");
        switch (servers.writesSource()) {
            case "user statistics" -> System.out.println("statements = Questions, reads = Com_select, "
                    + "writes = Update_commands of SHOW USER_STATISTICS (INSERT/UPDATE/DELETE... sent by clients).");
            case "Com_*" -> System.out.println("statements = Questions, reads = Com_select, "
                    + "writes = Com_insert + Com_update + Com_delete (on a MariaDB replica these include replicated writes).");
            default -> System.out.println("statements = Questions, reads = Com_select, writes = Update_commands of "
                    + "SHOW USER_STATISTICS where userstat=ON, else Com_insert + Com_update + Com_delete.");
        }
        System.out.println();

        long start = System.nanoTime();
        long end = start + TimeUnit.SECONDS.toNanos(options.seconds());
        app.start();
        long lastOps = 0;
        long lastReport = start;
        long nextReport = start + TimeUnit.MILLISECONDS.toNanos(REPORT_EVERY_MS);
        while (true) {
            long now = System.nanoTime();
            long wakeUp = Math.min(nextReport, end);
            try {
                if (stopRequested.await(Math.max(0, wakeUp - now), TimeUnit.NANOSECONDS)) {
                    return; // Ctrl-C
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            now = System.nanoTime();
            if (now - end >= 0) {
                break;
            }
            long ops = app.operations();
            double interval = (now - lastReport) / 1e9;
            System.out.printf(Locale.ROOT, "[%3d s] app: %,d operations (%,.0f/s), %,d errors%n",
                    Math.round((now - start) / 1e9), ops, (ops - lastOps) / interval, app.errors());
            System.out.print(ServerMonitor.table(servers.sample(), INDENT));
            System.out.println();
            lastOps = ops;
            lastReport = now;
            nextReport += TimeUnit.MILLISECONDS.toNanos(REPORT_EVERY_MS);
        }

        app.stop(10_000);
        double elapsed = (System.nanoTime() - start) / 1e9;
        List<ServerMonitor.Row> rowsNow = servers.sample();
        System.out.printf(Locale.ROOT, "[%3d s] final: app: %,d operations (%,.0f/s), %,d errors%n",
                Math.round(elapsed), app.operations(), app.operations() / elapsed, app.errors());
        System.out.print(ServerMonitor.table(rowsNow, INDENT));
        System.out.println();
        System.out.println(summary(app, rowsNow, elapsed));
        for (Map.Entry<String, LongAdder> e : app.errorKinds().entrySet()) {
            System.out.printf(Locale.ROOT, "  error x%,d: %s%n", e.getValue().sum(), e.getKey());
        }
    }

    private static String summary(OrderWorkload app, List<ServerMonitor.Row> rows, double elapsed) {
        long totalReads = 0;
        long primaryWrites = 0;
        long replicaWrites = 0;
        boolean replicaWritesFromComCounters = false;
        List<String> unreadable = new ArrayList<>();
        for (ServerMonitor.Row r : rows) {
            if (!r.complete() || r.role() == null) {
                unreadable.add(r.label());
                continue;
            }
            totalReads += r.reads();
            if (r.role().equals("primary")) {
                primaryWrites += r.writes();
            } else {
                replicaWrites += r.writes();
                replicaWritesFromComCounters |= !r.writesFromUserStatistics() && r.writes() > 0;
            }
        }
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "Summary: %,d app operations in %.1f s, %,d errors; reads served:",
                app.operations(), elapsed, app.errors()));
        String primaryShare = null;
        for (ServerMonitor.Row r : rows) {
            if (!r.complete() || r.role() == null) {
                continue;
            }
            String share = totalReads == 0 ? "n/a" : String.format(Locale.ROOT, "%.1f%%", 100.0 * r.reads() / totalReads);
            if (r.role().equals("replica")) {
                s.append(' ').append(r.label()).append(" (replica) ").append(share).append(',');
            } else {
                primaryShare = (primaryShare == null ? "" : primaryShare + ", ") + share;
            }
        }
        if (primaryShare != null) {
            s.append(" primary ").append(primaryShare).append(',');
        }
        s.setLength(s.length() - (s.charAt(s.length() - 1) == ',' ? 1 : 0));
        s.append(String.format(Locale.ROOT, "; writes on primary: %,d, writes on replicas: %,d", primaryWrites, replicaWrites));
        if (replicaWritesFromComCounters) {
            s.append(" (from Com_insert/Com_update/Com_delete, which on a MariaDB replica also count the writes it "
                    + "replicated; an --admin-user with the PROCESS privilege on servers with userstat=ON "
                    + "counts client writes only)");
        }
        if (!unreadable.isEmpty()) {
            s.append(" (counters n/a for ").append(String.join(", ", unreadable)).append(")");
        }
        return s.toString();
    }

    // ------------------------------------------------------------------------------------------------
    // Shutdown

    private void shutdownFromSignal() {
        signalled = true;
        if (!shuttingDown) {
            System.out.println();
            System.out.println("Interrupted: stopping the app, the pool" + (options.embedded() ? " and the embedded cluster" : "") + "...");
            // The JVM runs every shutdown hook at once: the driver's and the embedded cluster's own hooks may
            // close connections and servers under the application threads. Those are expected failures now,
            // so HikariCP need not log each broken connection with its stack trace.
            if (LoggerFactory.getLogger("com.zaxxer.hikari") instanceof ch.qos.logback.classic.Logger hikari) {
                hikari.setLevel(Level.ERROR);
            }
        }
        shutdown(false);
    }

    /** Idempotent: stops the threads, closes the pool and the admin connections, stops the servers. */
    private void shutdown(boolean report) {
        synchronized (lifecycle) {
            if (shuttingDown) {
                return;
            }
            shuttingDown = true;
            stopRequested.countDown();
            long t0 = System.nanoTime();
            OrderWorkload app = workload;
            if (app != null) {
                app.stop(5_000);
            }
            HikariDataSource ds = pool;
            if (ds != null) {
                ds.close();
            }
            ServerMonitor m = monitor;
            if (m != null) {
                m.close();
            }
            EmbeddedCluster c = cluster;
            if (c != null) {
                c.close(); // returns at once if the cluster's own shutdown hook is closing it right now
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (c.servers().stream().anyMatch(EmbeddedServer::isRunning) && System.nanoTime() - deadline < 0) {
                    pause(50);
                }
                long left = c.servers().stream().filter(EmbeddedServer::isRunning).count();
                System.out.printf(Locale.ROOT, "Pool closed; embedded cluster stopped in %.1f s (%d mariadbd process%s left).%n",
                        (System.nanoTime() - t0) / 1e9, left, left == 1 ? "" : "es");
            } else if (report && ds != null) {
                System.out.println("Pool closed.");
            }
        }
    }

    // ------------------------------------------------------------------------------------------------
    // URL helpers (a real cluster)

    /** {@code host:port} of every host in a {@code jdbc:foobar://} URL (port 3306 if none is given). */
    static List<String> hosts(String url) {
        Matcher m = URL_PARTS.matcher(url);
        if (!m.matches() || m.group(1).isBlank()) {
            throw new IllegalArgumentException("Cannot read the hosts of " + redact(url));
        }
        List<String> hosts = new ArrayList<>();
        for (String h : m.group(1).split(",")) {
            String host = h.trim();
            if (host.isEmpty()) {
                continue;
            }
            boolean hasPort = host.startsWith("[") ? host.contains("]:") : host.contains(":");
            hosts.add(hasPort ? host : host + ":3306");
        }
        return hosts;
    }

    /** The database of a {@code jdbc:foobar://} URL, or {@code app} if it names none. */
    static String database(String url) {
        Matcher m = URL_PARTS.matcher(url);
        if (m.matches() && m.group(2) != null && !m.group(2).isBlank()) {
            return m.group(2);
        }
        return "app";
    }

    /** The URL with any {@code password=...} value replaced by {@code ****}. */
    static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^&]*", "$1****");
    }

    private java.sql.Connection adminConnection(String host) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", options.adminUser());
        props.setProperty("password", options.adminPassword());
        props.setProperty("connectTimeout", "5000");
        props.setProperty("socketTimeout", "10000");
        return DriverManager.getConnection("jdbc:mysql://" + host + "/", props);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String describe(Throwable e) {
        StringBuilder s = new StringBuilder(String.valueOf(e));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            s.append(System.lineSeparator()).append("  caused by: ").append(cause);
        }
        return s.toString();
    }
}
