package com.foobar.jdbc.pool;

import com.foobar.jdbc.config.FoobarConfig;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The clusters of this JVM, one per distinct {@link FoobarConfig}: every logical connection with the same
 * host list, database, user and settings shares one cluster's pools and topology.
 *
 * <p>A cluster used through {@code DriverManager} lives until the JVM exits. A cluster used only through
 * {@code FoobarDataSource}s closes when the last of them is closed. A shutdown hook closes whatever is
 * left when the JVM exits.
 *
 * <p>Thread-safe.
 */
public final class ClusterRegistry {

    private static final Map<FoobarConfig, Entry> CLUSTERS = new ConcurrentHashMap<>();

    static {
        Thread hook = new Thread(ClusterRegistry::closeAll, "foobar-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    private static final class Entry {
        final Cluster cluster;
        int dataSources;
        boolean driverManaged;

        Entry(Cluster cluster) {
            this.cluster = cluster;
        }
    }

    private ClusterRegistry() {
    }

    /**
     * The cluster for a connection made through {@code DriverManager}: it stays open until the JVM exits.
     *
     * @param config the cluster's settings
     * @return the started cluster
     * @throws SQLException (08001) if its topology cannot be discovered
     */
    public static Cluster forDriver(FoobarConfig config) throws SQLException {
        Cluster c = CLUSTERS.compute(config, (k, e) -> {
            Entry entry = e == null ? new Entry(new Cluster(k)) : e;
            entry.driverManaged = true;
            return entry;
        }).cluster;
        c.start();
        return c;
    }

    /**
     * Takes a reference for a data source; give it back with {@link #release}.
     *
     * @param config the cluster's settings
     * @return the cluster, not started yet (start happens on the first connection)
     */
    public static Cluster acquire(FoobarConfig config) {
        return CLUSTERS.compute(config, (k, e) -> {
            Entry entry = e == null ? new Entry(new Cluster(k)) : e;
            entry.dataSources++;
            return entry;
        }).cluster;
    }

    /**
     * Gives back a data source's reference; the cluster closes when nothing uses it any more.
     *
     * @param config the settings the reference was taken with
     */
    public static void release(FoobarConfig config) {
        Cluster[] toClose = new Cluster[1];
        CLUSTERS.computeIfPresent(config, (k, e) -> {
            e.dataSources--;
            if (e.dataSources <= 0 && !e.driverManaged) {
                toClose[0] = e.cluster;
                return null;
            }
            return e;
        });
        if (toClose[0] != null) {
            toClose[0].close();
        }
    }

    /**
     * Starts a cluster obtained from {@link #acquire}, if it has not started yet.
     *
     * @param cluster the cluster
     * @throws SQLException (08001) if its topology cannot be discovered
     */
    public static void start(Cluster cluster) throws SQLException {
        cluster.start();
    }

    /** Closes every cluster; used at JVM exit. */
    static void closeAll() {
        List<Entry> entries = new ArrayList<>(CLUSTERS.values());
        CLUSTERS.clear();
        for (Entry e : entries) {
            e.cluster.close();
        }
    }
}
