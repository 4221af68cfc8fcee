package com.foobar.bench.e2e;

import com.foobar.testcluster.EmbeddedCluster;
import com.foobar.testcluster.EmbeddedServer;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The alternatives compared, each behind a HikariCP application pool of the same size. The order is the
 * order of the run: the floor first and again last, so that the difference between the two shows the
 * noise of the machine over the run.
 */
enum Case {

    FLOOR("floor", "floor: Connector/J → primary",
            "raw Connector/J straight to the primary, one pool; every statement on the primary. The floor every"
                    + " ratio is taken against."),
    SPLIT("app-split", "application split: 2 pools",
            "raw Connector/J, two pools: writes through a pool on the primary, reads through a pool on the replicas"
                    + " (its connections alternate between replica 1 and 2 when opened: connection-level balancing,"
                    + " like DNS round robin or a TCP balancer). Read-only transactions use the replica pool."),
    APP_ROUND_ROBIN("app-rr", "application round robin: 1 pool per server",
            "raw Connector/J, a pool on the primary for writes and one pool per replica; the application sends each"
                    + " read (or read-only transaction) to the next replica pool in turn: the statement-level balancing"
                    + " this driver does, by hand, without it. It says what balancing per statement costs on this machine,"
                    + " apart from any driver."),
    CJ_REPLICATION("cj-replication", "Connector/J `jdbc:mysql:replication:`",
            "Connector/J 9's replication mode `jdbc:mysql:replication://primary,replica1,replica2/app`, one pool;"
                    + " reads wrapped in `setReadOnly(true)` ... `setReadOnly(false)`."),
    MARIADB_REPLICATION("mariadb-replication", "MariaDB Connector/J `jdbc:mariadb:replication:`",
            "MariaDB Connector/J 3.5's replication mode `jdbc:mariadb:replication://primary,replica1,replica2/app`,"
                    + " one pool; reads wrapped in `setReadOnly(true)` ... `setReadOnly(false)`."),
    AWS_WRAPPER("aws-wrapper", "AWS JDBC Wrapper r/w splitting",
            "AWS Advanced JDBC Wrapper 2.6 over Connector/J, `jdbc:aws-wrapper:mysql://primary,replica1,replica2/app`"
                    + " with `wrapperPlugins=readWriteSplitting`, `wrapperDialect=mysql`,"
                    + " `singleWriterConnectionString=true` (first host is the writer, the others readers: the"
                    + " wrapper's static host list for non-Aurora clusters), `readerHostSelectorStrategy=roundRobin`;"
                    + " one pool; reads wrapped in `setReadOnly(true)` ... `setReadOnly(false)`."),
    FOOBAR("foobar", "**foobar**, autocommit statements",
            "this driver, `jdbc:foobar://primary,replica1,replica2/app?adminUser=...` (its health monitor running"
                    + " with the grants it asks for, as documented for production: its statements are counted too), one"
                    + " pool; plain autocommit statements, no hint from the application: the driver routes each"
                    + " statement."),
    FOOBAR_READ_ONLY("foobar-ro", "**foobar**, setReadOnly",
            "this driver, one pool; reads wrapped in `setReadOnly(true)` ... `setReadOnly(false)` like the"
                    + " replication drivers (in the read-only-transaction workload: the Spring sequence, as every case)."),
    FOOBAR_ONE_REPLICA("foobar-1r", "**foobar**, 1 replica listed",
            "this driver with only the primary and replica 1 in its URL, autocommit statements (point-select workload"
                    + " only): every read goes to the same server, as in the floor, which separates what the driver"
                    + " costs from what alternating between two server processes costs on this machine."),
    FLOOR_AGAIN("floor-again", "floor again (noise)",
            "the floor case again, identical, measured last: its ratio to the floor is the noise of this run.");

    /**
     * The driver as documented for production: its monitor runs as an admin user with the grants it asks
     * for (replica status, heartbeat table), so every background statement it sends is counted.
     */
    static final String FOOBAR_PROPS = "adminUser=" + EmbeddedCluster.ADMIN_USER + "&adminPassword="
            + EmbeddedCluster.ADMIN_PASSWORD + "&";

    final String key;
    final String label;
    final String description;

    Case(String key, String label, String description) {
        this.key = key;
        this.label = label;
        this.description = description;
    }

    static Case byKey(String key) {
        for (Case c : values()) {
            if (c.key.equalsIgnoreCase(key) || c.name().equalsIgnoreCase(key)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown case '" + key + "': one of " + keys());
    }

    static String keys() {
        return java.util.Arrays.stream(values()).map(c -> c.key).collect(Collectors.joining(","));
    }

    /** Whether this case runs in the workload. */
    boolean runsIn(Workload w) {
        // A read-only transaction is the same JDBC sequence for both foobar cases: run it once.
        if (this == FOOBAR_ONE_REPLICA) {
            return w == Workload.POINT_SELECT;
        }
        return !(w == Workload.READ_ONLY_TX && this == FOOBAR);
    }

    boolean isFloor() {
        return this == FLOOR || this == FLOOR_AGAIN;
    }

    /** Opens this case's pools (filled) on the cluster. */
    Target open(EmbeddedCluster cluster, CompareOptions o) throws SQLException {
        String db = cluster.database();
        String cj = "sslMode=DISABLED&allowPublicKeyRetrieval=true" + (o.cjProps.isEmpty() ? "" : "&" + o.cjProps);
        EmbeddedServer primary = cluster.primary();
        List<EmbeddedServer> replicas = cluster.replicas();
        String hosts = cluster.hostList();
        String poolName = "bench-" + key;
        int size = o.poolSize;
        return switch (this) {
            case FLOOR, FLOOR_AGAIN -> Target.single(Pools.url(poolName, "jdbc:mysql://" + primary.hostAndPort() + "/" + db
                    + "?" + cj, cluster, size), false);
            case SPLIT -> Target.split(
                    Pools.url(poolName + "-primary", "jdbc:mysql://" + primary.hostAndPort() + "/" + db + "?" + cj,
                            cluster, size),
                    List.of(Pools.roundRobin(poolName + "-replicas", replicas.stream()
                            .map(r -> "jdbc:mysql://" + r.hostAndPort() + "/" + db + "?" + cj).toList(), cluster, size)));
            case APP_ROUND_ROBIN -> {
                List<Pools.Pool> opened = new ArrayList<>();
                try {
                    opened.add(Pools.url(poolName + "-primary", "jdbc:mysql://" + primary.hostAndPort() + "/" + db + "?"
                            + cj, cluster, size));
                    for (EmbeddedServer r : replicas) {
                        opened.add(Pools.url(poolName + "-" + r.name(), "jdbc:mysql://" + r.hostAndPort() + "/" + db + "?"
                                + cj, cluster, size));
                    }
                } catch (SQLException | RuntimeException e) {
                    opened.forEach(Pools.Pool::close);
                    throw e;
                }
                yield Target.split(opened.get(0), opened.subList(1, opened.size()));
            }
            case CJ_REPLICATION -> Target.single(Pools.url(poolName, "jdbc:mysql:replication://" + hosts + "/" + db
                    + "?" + cj, cluster, size), true);
            case MARIADB_REPLICATION -> Target.single(Pools.url(poolName, "jdbc:mariadb:replication://" + hosts + "/" + db,
                    cluster, size), true);
            case AWS_WRAPPER -> Target.single(Pools.url(poolName, "jdbc:aws-wrapper:mysql://" + hosts + "/" + db
                    + "?wrapperPlugins=readWriteSplitting&wrapperDialect=mysql&singleWriterConnectionString=true"
                    + "&readerHostSelectorStrategy=roundRobin&" + cj, cluster, size), true);
            case FOOBAR -> Target.single(Pools.foobar(poolName, cluster.foobarUrl(FOOBAR_PROPS + cj), cluster, size), false);
            case FOOBAR_ONE_REPLICA -> Target.single(Pools.foobar(poolName, "jdbc:foobar://" + primary.hostAndPort() + ","
                    + replicas.get(0).hostAndPort() + "/" + db + "?" + FOOBAR_PROPS + cj, cluster, size), false);
            case FOOBAR_READ_ONLY -> Target.single(Pools.foobar(poolName, cluster.foobarUrl(FOOBAR_PROPS + cj), cluster, size),
                    true);
        };
    }
}
