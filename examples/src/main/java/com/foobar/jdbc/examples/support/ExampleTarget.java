package com.foobar.jdbc.examples.support;

import com.foobar.testcluster.EmbeddedCluster;
import com.foobar.testcluster.EmbeddedServer;
import java.time.Duration;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Where an example runs: an embedded MariaDB cluster it starts itself (1 primary + 2 replicas on 127.0.0.1,
 * the default), or a cluster given with {@code --url jdbc:foobar://... --user U --password P}.
 */
public final class ExampleTarget implements AutoCloseable {

    private final String url;
    private final String user;
    private final String password;
    private final EmbeddedCluster cluster;

    private ExampleTarget(String url, String user, String password, EmbeddedCluster cluster) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.cluster = cluster;
    }

    /** A given cluster (nothing is started or stopped). */
    public static ExampleTarget of(String url, String user, String password) {
        return new ExampleTarget(url, user, password, null);
    }

    /** Starts an embedded cluster: primary + 2 replicas, database {@code app}, application user {@code app}. */
    public static ExampleTarget embedded() {
        long t0 = System.nanoTime();
        EmbeddedCluster started = EmbeddedCluster.builder().replicas(2).start();
        try {
            // The driver checks each replica's replication threads when the user may (it warns otherwise): give the
            // application user that right, as a deployment would.
            started.primary().execute("GRANT REPLICA MONITOR ON *.* TO '" + started.appUser() + "'@'%'");
            started.awaitReplicationCaughtUp(Duration.ofSeconds(30));
        } catch (RuntimeException e) {
            started.close();
            throw e;
        }
        System.out.printf(Locale.ROOT, "Embedded MariaDB cluster started in %.1f s: primary %s (server_id %d), replicas %s%n",
                (System.nanoTime() - t0) / 1e9, started.primary().hostAndPort(), started.primary().serverId(),
                started.replicas().stream().map(r -> r.hostAndPort() + " (server_id " + r.serverId() + ")")
                        .collect(Collectors.joining(", ")));
        return new ExampleTarget(started.foobarUrl(), started.appUser(), started.appPassword(), started);
    }

    /**
     * From the command line: {@code --url URL --user U [--password P]}, or nothing for an embedded cluster.
     *
     * @return the target, or {@code null} after printing the usage for {@code --help}
     * @throws IllegalArgumentException for bad arguments
     */
    public static ExampleTarget fromArgs(String example, String[] args) {
        String url = null;
        String user = null;
        String password = "";
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--help", "-h" -> {
                    System.out.println("Usage: " + example + " [--url jdbc:foobar://h1:3306,h2:3306,h3:3306/db --user U "
                            + "[--password P]]\nWithout --url it starts an embedded MariaDB cluster (1 primary + 2 replicas).");
                    return null;
                }
                case "--url", "--user", "--password" -> {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException(arg + " needs a value");
                    }
                    String value = args[++i];
                    switch (arg) {
                        case "--url" -> url = value;
                        case "--user" -> user = value;
                        default -> password = value;
                    }
                }
                default -> throw new IllegalArgumentException("unknown argument: " + arg + " (try --help)");
            }
        }
        if (url == null) {
            if (user != null) {
                throw new IllegalArgumentException("--user needs --url");
            }
            return embedded();
        }
        if (!url.startsWith("jdbc:foobar:")) {
            throw new IllegalArgumentException("--url must be a jdbc:foobar:// URL, not " + url);
        }
        if (user == null) {
            throw new IllegalArgumentException("--url needs --user");
        }
        return of(url, user, password);
    }

    /** @return the {@code jdbc:foobar:} URL */
    public String url() {
        return url;
    }

    /** @return the application user */
    public String user() {
        return user;
    }

    /** @return its password */
    public String password() {
        return password;
    }

    /** @return whether the cluster is the embedded one this target started */
    public boolean embeddedCluster() {
        return cluster != null;
    }

    /** @return the embedded servers' addresses, or the URL's hosts */
    public String describe() {
        if (cluster == null) {
            return url;
        }
        return cluster.servers().stream().map(EmbeddedServer::hostAndPort).collect(Collectors.joining(",", "jdbc:foobar://",
                "/" + cluster.database()));
    }

    /** Stops the embedded cluster, if this target started one. */
    @Override
    public void close() {
        if (cluster != null) {
            cluster.close();
        }
    }
}
