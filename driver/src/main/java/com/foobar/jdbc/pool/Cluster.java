package com.foobar.jdbc.pool;

import com.foobar.jdbc.config.FoobarConfig;
import com.foobar.jdbc.routing.LoadBalancer;
import com.foobar.jdbc.routing.RoundRobinBalancer;
import com.foobar.jdbc.topology.HostProbe;
import com.foobar.jdbc.topology.HostSpec;
import com.foobar.jdbc.topology.HostStatus;
import com.foobar.jdbc.topology.Topology;
import com.foobar.jdbc.topology.TopologyResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One cluster (a host list, database, user and settings) as the JVM sees it: its topology snapshot, one
 * physical connection pool per host, and its replica balancer. Every logical connection to the same
 * cluster shares one instance (see {@link ClusterRegistry}).
 *
 * <p>On first use the cluster probes every host and resolves the topology (see {@link TopologyResolver});
 * until that succeeds no connection is handed out. The topology is an immutable snapshot read without
 * locks.
 *
 * <p>Thread-safe.
 */
public final class Cluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Cluster.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    private final FoobarConfig config;
    private final String name;
    private final HostProbe probe;
    private final LoadBalancer balancer = new RoundRobinBalancer();
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
                defaultSession = readDefaultSession(t.primary());
                log.info("[{}] topology discovered in {} ms: primary {}, replicas {}", name,
                        (System.nanoTime() - t0) / 1_000_000, t.primary(), t.replicas());
                for (HostStatus s : t.hosts().values()) {
                    if (!s.host().equals(t.primary()) && !t.replicas().contains(s.host())) {
                        log.warn("[{}] host left out of the read rotation: {}", name, s.describe());
                    }
                }
            }
        } finally {
            startLock.unlock();
        }
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
        Lease lease = pool(primary).borrow();
        try {
            PhysicalConnection c = lease.physical();
            return new SessionState(false, c.getTransactionIsolation(), c.getCatalog(), c.getSchema(),
                    c.getHoldability(), c.getNetworkTimeout(), null, Map.of());
        } finally {
            lease.close();
        }
    }

    /**
     * @return a connection to the primary
     * @throws SQLException (08001) if none can be had in time
     */
    public Lease borrowPrimary() throws SQLException {
        return pool(topology.get().primary()).borrow();
    }

    /**
     * Borrows a connection to the next replica chosen by the balancer; with no eligible replica, the
     * primary serves the read (said once at WARN).
     *
     * @return a connection for a read
     * @throws SQLException (08001) if none can be had in time
     */
    public Lease borrowReplica() throws SQLException {
        Topology t = topology.get();
        List<HostSpec> replicas = t.replicas();
        if (replicas.isEmpty()) {
            if (warnedNoReplica.compareAndSet(false, true)) {
                log.warn("[{}] no replica is eligible: reads go to the primary {}", name, t.primary());
            }
            return pool(t.primary()).borrow();
        }
        return pool(balancer.choose(replicas)).borrow();
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

    /** Closes every pool. Idempotent. */
    @Override
    public void close() {
        closed = true;
        for (HostPool p : pools.values()) {
            p.close();
        }
        pools.clear();
        log.info("[{}] closed", name);
    }
}
