package com.foobar.jdbc.pool;

import com.foobar.jdbc.config.FailoverMode;
import com.foobar.jdbc.config.FoobarConfig;
import com.foobar.jdbc.config.ReadFallback;
import com.foobar.jdbc.health.ClusterEvent;
import com.foobar.jdbc.health.ClusterListener;
import com.foobar.jdbc.health.ClusterMonitor;
import com.foobar.jdbc.routing.HostStats;
import com.foobar.jdbc.routing.LoadBalancer;
import com.foobar.jdbc.topology.HostProbe;
import com.foobar.jdbc.topology.HostSpec;
import com.foobar.jdbc.topology.HostStatus;
import com.foobar.jdbc.topology.Topology;
import com.foobar.jdbc.topology.TopologyResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One cluster (a host list, database, user and settings) as the JVM sees it: its topology snapshot, one
 * physical connection pool per host, its replica balancer and its one health monitor. Every logical
 * connection to the same cluster shares one instance (see {@link ClusterRegistry}).
 *
 * <p>On first use the cluster probes every host and resolves the topology (see {@link TopologyResolver});
 * until that succeeds no connection is handed out. Then its {@link ClusterMonitor} checks every host and
 * publishes a new immutable snapshot after each check; the router reads the current one without locks.
 *
 * <p>Thread-safe.
 */
public final class Cluster implements AutoCloseable, ClusterMonitor.Sink, HostStats {

    private static final Logger log = LoggerFactory.getLogger(Cluster.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final FoobarConfig config;
    private final String name;
    private final HostProbe probe;
    private final LoadBalancer balancer;
    private final List<ClusterListener> listeners = new CopyOnWriteArrayList<>();
    private volatile ClusterMonitor monitor;
    private final Map<HostSpec, HostPool> pools = new ConcurrentHashMap<>();
    private final AtomicReference<Topology> topology = new AtomicReference<>();
    private final ReentrantLock startLock = new ReentrantLock();
    private final AtomicBoolean warnedNoReplica = new AtomicBoolean();
    private volatile SessionState defaultSession;
    private volatile boolean closed;

    Cluster(FoobarConfig config) {
        this.config = config;
        this.name = config.clusterName();
        this.probe = new HostProbe(config);
        this.balancer = LoadBalancer.of(config);
    }

    /** @return the settings this cluster was made from */
    public FoobarConfig config() {
        return config;
    }

    /** @return the cluster's name for logs: host list, database and user */
    public String name() {
        return name;
    }

    /** @return the current topology snapshot, or {@code null} before the first successful discovery */
    public Topology topology() {
        return topology.get();
    }

    /** @return the session state of a new physical connection (the default of every logical connection) */
    public SessionState defaultSession() {
        return defaultSession;
    }

    /**
     * Discovers the topology if that has not succeeded yet. Cheap once started (one volatile read).
     *
     * @throws SQLException (08001) if there is no usable primary; the message lists each host's state
     */
    void start() throws SQLException {
        if (defaultSession != null) {
            return;
        }
        startLock.lock();
        try {
            if (closed) {
                throw new SQLNonTransientConnectionException("Cluster " + name + " is closed", "08003");
            }
            if (defaultSession == null) {
                long t0 = System.nanoTime();
                Topology t = TopologyResolver.resolve(name, probeAll());
                topology.set(t);
                SessionState session = readDefaultSession(t.primary());
                log.info("[{}] topology discovered in {} ms: primary {}, replicas {}", name,
                        (System.nanoTime() - t0) / 1_000_000, t.primary(), t.replicas());
                for (HostStatus s : t.hosts().values()) {
                    if (!s.host().equals(t.primary()) && !t.replicas().contains(s.host())) {
                        log.warn("[{}] host left out of the read rotation: {}", name, s.describe());
                    }
                }
                ClusterMonitor m = new ClusterMonitor(config, probe, t, this);
                monitor = m;
                m.start();
                warnMissingGrants(m);
                defaultSession = session;
            }
        } finally {
            startLock.unlock();
        }
    }

    /**
     * Says once, at WARN, what the monitor's user may not do, what the driver skips because of it, and which
     * grant would enable it.
     */
    private void warnMissingGrants(ClusterMonitor m) {
        List<String> skipped = new ArrayList<>();
        if (probe.replicaStatusDenied()) {
            skipped.add("checking which primary each replica follows, its replication threads and errors, and "
                    + "Seconds_Behind_Master (grant REPLICA MONITOR on MariaDB 10.5+, REPLICATION CLIENT on MySQL)");
        }
        if (!m.heartbeatWritable()) {
            skipped.add("millisecond replication lag from a heartbeat row (grant CREATE, INSERT, UPDATE, SELECT ON `"
                    + config.metaSchema() + "`.*)");
        }
        if (skipped.isEmpty()) {
            return;
        }
        boolean noLag = probe.replicaStatusDenied() && !m.heartbeatWritable() && config.maxReplicationLagMs() > 0;
        log.warn("[{}] monitor user '{}' lacks privileges, so the driver skips: {}.{} Grant them, or set adminUser "
                        + "to a user that has them.", name, config.monitorUser(), String.join("; ", skipped),
                noLag ? " Replication lag cannot be measured: maxReplicationLagMs is not enforced." : "");
    }

    private List<HostStatus> probeAll() {
        List<HostSpec> hosts = config.hosts();
        ExecutorService executor = Executors.newFixedThreadPool(hosts.size(), r -> {
            Thread t = new Thread(r, "foobar-discovery-" + THREADS.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        try {
            List<CompletableFuture<HostStatus>> futures = new ArrayList<>();
            for (HostSpec h : hosts) {
                futures.add(CompletableFuture.supplyAsync(() -> probe.probe(h), executor));
            }
            List<HostStatus> statuses = new ArrayList<>();
            for (CompletableFuture<HostStatus> f : futures) {
                statuses.add(f.join());
            }
            return statuses;
        } finally {
            executor.shutdown();
        }
    }

    private SessionState readDefaultSession(HostSpec primary) throws SQLException {
        Lease lease = pool(primary).borrow(config.connectionAcquireTimeoutMs(), "connectionAcquireTimeoutMs");
        try {
            PhysicalConnection c = lease.physical();
            return new SessionState(false, c.getTransactionIsolation(), c.getCatalog(), c.getSchema(),
                    c.getHoldability(), c.getNetworkTimeout(), null, Map.of());
        } finally {
            lease.close();
        }
    }

    /**
     * Borrows a connection to the primary. The wait is cut into slices of {@code connectTimeoutMs}: between
     * them the primary gets an immediate health check, and once the monitor finds it down the wait turns into
     * waiting for a failover ({@link #awaitPrimary}) instead of for a dead host.
     *
     * @return a connection to the primary
     * @throws SQLException (08001) if none can be had within {@code connectionAcquireTimeoutMs}
     */
    public Lease borrowPrimary() throws SQLException {
        long deadline = System.nanoTime() + config.connectionAcquireTimeoutMs() * 1_000_000L;
        while (true) {
            Topology t = topology.get();
            if (t.primaryDown()) {
                t = awaitPrimary(t.primary(), System.nanoTime());
            }
            long remainingMs = (deadline - System.nanoTime()) / 1_000_000L;
            try {
                return pool(t.primary()).borrow(Math.min(Math.max(remainingMs, 0), config.connectTimeoutMs()),
                        "connectionAcquireTimeoutMs");
            } catch (SQLTransientConnectionException e) {
                if (remainingMs <= config.connectTimeoutMs()) {
                    throw e;
                }
                reportFailure(t.primary());
            }
        }
    }

    /**
     * Waits, up to {@code failoverTimeoutMs}, until the cluster has a primary that answers: a new one
     * (failover), or the same one after a good check that started after {@code sinceNanos}. With
     * {@code failover=none} it does not wait for a new one.
     *
     * @param failed     the primary that failed
     * @param sinceNanos when it was seen failing ({@link System#nanoTime()})
     * @return the topology with a primary that answers
     * @throws SQLNonTransientConnectionException (08001) naming every host and its state when none does in time
     */
    public Topology awaitPrimary(HostSpec failed, long sinceNanos) throws SQLException {
        long deadline = System.nanoTime() + config.failoverTimeoutMs() * 1_000_000L;
        while (true) {
            Topology t = topology.get();
            ClusterMonitor m = monitor;
            boolean moved = !t.primary().equals(failed);
            boolean back = !t.primaryDown() && m != null
                    && m.lastGoodCheckNanos(t.primary()) - sinceNanos >= 0;
            if (moved || back || m == null || closed) {
                return t;
            }
            if (config.failover() == FailoverMode.NONE) {
                throw new SQLNonTransientConnectionException("The primary " + t.primary() + " of cluster " + name
                        + " is down and failover=none: statements that need the primary fail until it returns. Hosts: "
                        + describeHosts(t), "08001");
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new SQLNonTransientConnectionException("No primary answers in cluster " + name + " after "
                        + config.failoverTimeoutMs() + " ms (property failoverTimeoutMs, failover="
                        + config.failover().propertyValue() + "). Hosts: " + describeHosts(t), "08001");
            }
            LockSupport.parkNanos(10_000_000L);
        }
    }

    private static String describeHosts(Topology t) {
        StringBuilder sb = new StringBuilder();
        for (HostStatus s : t.hosts().values()) {
            sb.append(sb.length() == 0 ? "" : "; ").append(s.describe());
            String why = t.excluded().get(s.host());
            if (why != null) {
                sb.append(" [").append(why).append(']');
            }
        }
        return sb.toString();
    }

    /**
     * Borrows a connection for a read: to the replica the balancer chooses among the eligible ones. If that
     * replica's pool has no connection within {@code connectTimeoutMs} (the host hangs, or the pool is busy),
     * the other eligible replicas are tried once each. With no eligible replica, {@code readFallback} decides:
     * the primary serves the read (said once at WARN each time it starts), or the read fails.
     *
     * @param avoid a replica not to use (it just failed this read), or {@code null}
     * @return a connection for a read
     * @throws SQLTransientConnectionException (08001) with {@code readFallback=fail} and no eligible replica,
     *                                         naming every replica and why it is out
     * @throws SQLException (08001) if no connection can be had in time
     */
    public Lease borrowReplica(HostSpec avoid) throws SQLException {
        Topology t = topology.get();
        List<HostSpec> replicas = t.replicas();
        if (avoid != null && replicas.contains(avoid)) {
            replicas = new ArrayList<>(replicas);
            replicas.remove(avoid);
        }
        if (replicas.isEmpty()) {
            return fallback(t);
        }
        if (warnedNoReplica.get() && warnedNoReplica.compareAndSet(true, false)) {
            log.info("[{}] replicas are eligible again: reads leave the primary", name);
        }
        HostSpec first = balancer.choose(replicas, this);
        SQLException failure;
        try {
            return pool(first).borrow(config.connectTimeoutMs(), "connectTimeoutMs");
        } catch (SQLTransientConnectionException e) {
            failure = e;
            reportFailure(first);
        }
        for (HostSpec h : replicas) {
            if (h.equals(first)) {
                continue;
            }
            try {
                return pool(h).borrow(config.connectTimeoutMs(), "connectTimeoutMs");
            } catch (SQLTransientConnectionException e) {
                failure.addSuppressed(e);
                reportFailure(h);
            }
        }
        throw failure;
    }

    /** @return a connection for a read, as {@link #borrowReplica(HostSpec)} with nothing to avoid */
    public Lease borrowReplica() throws SQLException {
        return borrowReplica(null);
    }

    private Lease fallback(Topology t) throws SQLException {
        if (config.readFallback() == ReadFallback.FAIL) {
            throw new SQLTransientConnectionException("No replica of cluster " + name
                    + " is eligible for reads (readFallback=fail): " + t.describeReplicas(), "08001");
        }
        if (warnedNoReplica.compareAndSet(false, true)) {
            log.warn("[{}] no replica is eligible: reads go to the primary {} (readFallback=primary). Replicas: {}",
                    name, t.primary(), t.describeReplicas());
        }
        return borrowPrimary();
    }

    /**
     * An application thread saw a connection to this host fail: the monitor checks it at once instead of
     * waiting for the next interval.
     *
     * @param host the host
     */
    public void reportFailure(HostSpec host) {
        ClusterMonitor m = monitor;
        if (m != null) {
            m.checkNow(host);
        }
    }

    /** @param listener receives this cluster's state changes from now on */
    public void addListener(ClusterListener listener) {
        listeners.add(listener);
    }

    /** @param listener no longer receives them */
    public void removeListener(ClusterListener listener) {
        listeners.remove(listener);
    }

    @Override
    public void publish(Topology t) {
        topology.set(t);
    }

    @Override
    public void event(ClusterEvent e) {
        for (ClusterListener l : listeners) {
            try {
                l.onEvent(e);
            } catch (RuntimeException ex) {
                log.warn("[{}] a ClusterListener failed on {}", name, e.type(), ex);
            }
        }
    }

    @Override
    public void primaryChanged(HostSpec oldPrimary, HostSpec newPrimary) {
        hostDown(oldPrimary);
    }

    @Override
    public void hostDown(HostSpec host) {
        HostPool p = pools.get(host);
        if (p != null) {
            p.abortInUse();
        }
    }

    @Override
    public int inFlight(HostSpec host) {
        HostPool p = pools.get(host);
        return p == null ? 0 : p.inFlight();
    }

    @Override
    public long responseNanos(HostSpec host) {
        HostPool p = pools.get(host);
        return p == null ? 0 : p.responseNanos();
    }

    private HostPool pool(HostSpec host) throws SQLException {
        HostPool p = pools.get(host);
        if (p != null) {
            return p;
        }
        if (closed) {
            throw new SQLNonTransientConnectionException("Cluster " + name + " is closed", "08003");
        }
        return pools.computeIfAbsent(host, h -> new HostPool(name, h, config));
    }

    /** Stops the monitor and closes every pool. Idempotent. */
    @Override
    public void close() {
        closed = true;
        ClusterMonitor m = monitor;
        if (m != null) {
            m.close();
        }
        for (HostPool p : pools.values()) {
            p.close();
        }
        pools.clear();
        log.info("[{}] closed", name);
    }
}
