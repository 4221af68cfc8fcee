package com.foobar.jdbc.health;

import com.foobar.jdbc.config.FailoverMode;
import com.foobar.jdbc.config.FoobarConfig;
import com.foobar.jdbc.failover.FailoverCoordinator;
import com.foobar.jdbc.topology.Dialect;
import com.foobar.jdbc.topology.HostProbe;
import com.foobar.jdbc.topology.HostSpec;
import com.foobar.jdbc.topology.HostStatus;
import com.foobar.jdbc.topology.Topology;
import com.foobar.jdbc.topology.TopologyResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one health monitor of a cluster in this JVM. Every {@code healthCheckIntervalMs} it checks each host
 * over its own dedicated connection (never one of the application's), with a timeout of
 * {@code healthCheckTimeoutMs}: reachable, writable or read-only, replicating from whom, and for replicas
 * the replication lag in milliseconds (see {@link Heartbeat}; without it, {@code Seconds_Behind_Master}).
 *
 * <p>A replica leaves the read rotation when it fails {@code failureThreshold} consecutive checks, and at
 * once when it lags more than {@code maxReplicationLagMs} or its replication is stopped or broken; it
 * returns after {@code recoveryThreshold} consecutive good checks. Each check's result goes into a new
 * immutable {@link Topology} snapshot handed to the {@link Sink}; state changes are logged once (WARN when a
 * host leaves, INFO when it returns) and reported to {@link ClusterListener}s.
 *
 * <p>Threads: one daemon thread per host, named after the cluster, so a hung host delays only its own
 * checks. Thread-safe: {@link #checkNow} may be called from any thread.
 */
public final class ClusterMonitor implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ClusterMonitor.class);
    private static final AtomicInteger MONITORS = new AtomicInteger();

    /** Where the monitor's results go: the cluster. */
    public interface Sink {
        /** @param topology the new snapshot, after every check */
        void publish(Topology topology);

        /** @param event a state change, after the snapshot that shows it was published */
        void event(ClusterEvent event);

        /** @param host a host that just went down: connections to it in use should be aborted */
        void hostDown(HostSpec host);

        /**
         * @param oldPrimary the primary replaced
         * @param newPrimary the new one, already in the published snapshot
         */
        void primaryChanged(HostSpec oldPrimary, HostSpec newPrimary);
    }

    private final FoobarConfig config;
    private final String name;
    private final HostProbe probe;
    private final Heartbeat heartbeat;
    private final Sink sink;
    private final ScheduledExecutorService executor;
    private final Map<HostSpec, HostTracker> trackers = new LinkedHashMap<>();
    private final Map<HostSpec, Connection> connections = new ConcurrentHashMap<>();
    private final Map<HostSpec, AtomicBoolean> running = new ConcurrentHashMap<>();
    private final Map<HostSpec, HostStatus> statuses = new ConcurrentHashMap<>();
    private final Map<HostSpec, Long> lags = new ConcurrentHashMap<>();
    private final ReentrantLock publishLock = new ReentrantLock();
    private final Map<HostSpec, Long> lastGoodNanos = new ConcurrentHashMap<>();
    private final FailoverCoordinator failover;
    private volatile HostSpec primary;
    private volatile long primaryServerId;
    private volatile long clusterEpoch;
    private volatile long primaryNowMicros;
    private volatile long primaryNowAtNanos;
    private volatile boolean closed;
    /** Whether the last snapshot had no eligible replica. */
    private final AtomicBoolean noEligibleReplica = new AtomicBoolean();

    /**
     * @param config    the cluster's settings
     * @param probe     the cluster's host probe (shared with discovery)
     * @param discovered the topology found at discovery: where each host starts
     * @param sink      receives every snapshot and event
     */
    public ClusterMonitor(FoobarConfig config, HostProbe probe, Topology discovered, Sink sink) {
        this.config = config;
        this.name = config.clusterName();
        this.probe = probe;
        this.sink = sink;
        this.primary = discovered.primary();
        HostStatus primaryStatus = discovered.hosts().get(primary);
        this.primaryServerId = primaryStatus == null ? 0 : primaryStatus.serverId();
        this.heartbeat = new Heartbeat(name, config.monitorUser(), config.metaSchema());
        this.failover = new FailoverCoordinator(config, probe, this::adopt);
        for (HostSpec h : config.hosts()) {
            boolean in = h.equals(primary) || discovered.replicas().contains(h);
            trackers.put(h, new HostTracker(h, config.failureThreshold(), config.recoveryThreshold(), in,
                    discovered.excluded().get(h)));
            running.put(h, new AtomicBoolean());
            HostStatus s = discovered.hosts().get(h);
            if (s != null) {
                statuses.put(h, s);
            }
        }
        int id = MONITORS.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(config.hosts().size(), r -> {
            Thread t = new Thread(r, "foobar-monitor-" + id + "-" + threads.incrementAndGet() + " [" + name + "]");
            t.setDaemon(true);
            return t;
        });
        pool.setRemoveOnCancelPolicy(true);
        pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        this.executor = pool;
    }

    /**
     * Starts the periodic checks. The first runs one interval from now (discovery has just checked every
     * host); before that, the heartbeat is written once so the monitor knows whether it may.
     */
    public void start() {
        try {
            Connection c = connection(primary);
            heartbeat.beat(c);
            clusterEpoch = failover.epochOf(c);
        } catch (SQLException e) {
            closeConnection(primary);
            log.debug("[{}] first heartbeat on {} failed", name, primary, e);
        }
        long interval = config.healthCheckIntervalMs();
        for (HostSpec h : config.hosts()) {
            executor.scheduleAtFixedRate(() -> check(h), interval, interval, TimeUnit.MILLISECONDS);
        }
        log.info("[{}] monitor started: every {} ms, timeout {} ms, failureThreshold {}, recoveryThreshold {}, "
                        + "maxReplicationLagMs {}", name, config.healthCheckIntervalMs(), config.healthCheckTimeoutMs(),
                config.failureThreshold(), config.recoveryThreshold(), config.maxReplicationLagMs());
    }

    /**
     * Checks a host now, out of turn (an application thread saw its connection fail). Does nothing if a check
     * of that host is already running.
     *
     * @param host the host
     */
    public void checkNow(HostSpec host) {
        if (closed || !running.containsKey(host)) {
            return;
        }
        try {
            executor.execute(() -> check(host));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            log.debug("[{}] monitor closed; no check of {}", name, host);
        }
    }

    /** One check of one host; never throws. */
    void check(HostSpec host) {
        AtomicBoolean busy = running.get(host);
        if (closed || !busy.compareAndSet(false, true)) {
            return;
        }
        try {
            HostStatus status;
            Long lag = null;
            long started = System.nanoTime();
            try {
                Connection c = connection(host);
                status = probe.inspect(c, host);
                if (host.equals(primary)) {
                    heartbeat.beat(c);
                    primaryNowMicros = status.nowMicros();
                    primaryNowAtNanos = started;
                } else if (!status.readOnly() && !status.replication().configured()) {
                    if (writableNonPrimary(host, c, status)) {
                        return;
                    }
                    status = probe.inspect(c, host);
                } else {
                    lag = lagMs(host, heartbeat.read(c), started, status);
                }
            } catch (SQLException e) {
                closeConnection(host);
                status = HostStatus.unreachable(host, HostProbe.describe(e));
                if (host.equals(primary)) {
                    primaryNowMicros = 0;
                }
            }
            if (status.reachable()) {
                lastGoodNanos.put(host, started);
            }
            record(host, status, lag);
            if (host.equals(primary) && !status.reachable() && !trackers.get(host).inRotation()) {
                failover.primaryDown(host, primaryServerId, clusterEpoch);
            }
        } catch (RuntimeException e) {
            log.warn("[{}] health check of {} failed unexpectedly", name, host, e);
        } finally {
            busy.set(false);
        }
    }

    private Connection connection(HostSpec host) throws SQLException {
        Connection c = connections.get(host);
        if (c == null) {
            c = probe.connect(host);
            connections.put(host, c);
        }
        return c;
    }

    private void closeConnection(HostSpec host) {
        Connection c = connections.remove(host);
        if (c != null) {
            try {
                c.close();
            } catch (SQLException e) {
                log.debug("[{}] closing the monitor connection to {} failed", name, host, e);
            }
        }
    }

    /**
     * A host other than the primary is writable and replicates from nobody: a newer primary (promoted by
     * another driver instance, or by an external tool in {@code failover=follow}) is adopted; anything else
     * is an old primary and is fenced (unless {@code failover=none}).
     *
     * @return whether the host was adopted as the primary (its check is then complete)
     */
    private boolean writableNonPrimary(HostSpec host, Connection c, HostStatus status) throws SQLException {
        if (config.failover() == FailoverMode.NONE || failover.inProgress()) {
            return false;
        }
        long epoch = failover.epochOf(c);
        HostTracker primaryTracker = trackers.get(primary);
        boolean primaryGone = !primaryTracker.inRotation();
        if (epoch > clusterEpoch || (config.failover() == FailoverMode.FOLLOW && primaryGone)) {
            adopt(host, Math.max(epoch, clusterEpoch), epoch > clusterEpoch ? "adopted " + host + " (epoch " + epoch + ")"
                    : "followed an external promotion of " + host);
            return true;
        }
        Connection primaryConn = connections.get(primary);
        String what = failover.fence(c, host, Dialect.of(host, status.version()), primary, primaryConn);
        Topology snapshot = publish();
        sink.event(new ClusterEvent(ClusterEvent.Type.HOST_FENCED, name, host, what, snapshot));
        return false;
    }

    /**
     * Makes {@code newPrimary} the cluster's primary: the snapshot names it, the old primary leaves the rotation
     * (it will be fenced if it comes back writable), the cluster aborts the old primary's connections and
     * listeners hear {@link ClusterEvent.Type#PRIMARY_CHANGED}.
     */
    void adopt(HostSpec newPrimary, long epoch, String summary) {
        HostSpec old;
        Topology snapshot;
        publishLock.lock();
        try {
            old = primary;
            if (old.equals(newPrimary)) {
                clusterEpoch = Math.max(clusterEpoch, epoch);
                return;
            }
            HostStatus s = statuses.get(newPrimary);
            primaryServerId = s == null ? 0 : s.serverId();
            clusterEpoch = Math.max(clusterEpoch, epoch);
            primary = newPrimary;
            primaryNowMicros = 0;
            lags.remove(newPrimary);
            trackers.get(newPrimary).force(true, null);
            trackers.get(old).force(false, "old primary, replaced by " + newPrimary + " (epoch " + clusterEpoch + ")");
            heartbeat.reset();
            snapshot = publish();
        } finally {
            publishLock.unlock();
        }
        log.warn("[{}] primary is now {} (was {}): {}", name, newPrimary, old, summary);
        sink.primaryChanged(old, newPrimary);
        sink.event(new ClusterEvent(ClusterEvent.Type.PRIMARY_CHANGED, name, newPrimary, summary, snapshot));
        checkNow(newPrimary);
    }

    /**
     * @param host a host
     * @return {@link System#nanoTime()} at the start of its last successful check, or 0 if none
     */
    public long lastGoodCheckNanos(HostSpec host) {
        Long t = lastGoodNanos.get(host);
        return t == null ? 0 : t;
    }

    /**
     * The lag of a replica in ms: the primary's current time (its last {@code NOW(6)} plus the time elapsed
     * here since) minus the heartbeat the replica holds; else its {@code Seconds_Behind_Master}; else unknown.
     */
    private Long lagMs(HostSpec host, long heartbeatMicros, long checkedAtNanos, HostStatus status) {
        long primaryNow = primaryNowMicros;
        long sinceNanos = checkedAtNanos - primaryNowAtNanos;
        boolean primaryFresh = primaryNow != 0 && sinceNanos < 5 * config.healthCheckIntervalMs() * 1_000_000L
                + config.healthCheckTimeoutMs() * 1_000_000L;
        if (heartbeatMicros != 0 && primaryFresh) {
            long estimatedNow = primaryNow + sinceNanos / 1_000;
            return Math.max(0, (estimatedNow - heartbeatMicros) / 1_000);
        }
        Long seconds = status.replication() == null ? null : status.replication().secondsBehind();
        return seconds == null ? null : seconds * 1_000;
    }

    /** @return whether the monitor writes the heartbeat (its user may), after {@link #start()} */
    public boolean heartbeatWritable() {
        return heartbeat.writable();
    }

    private void record(HostSpec host, HostStatus status, Long lag) {
        HostTracker tracker = trackers.get(host);
        statuses.put(host, status);
        if (lag == null) {
            lags.remove(host);
        } else {
            lags.put(host, lag);
        }
        HostTracker.Transition transition;
        String why;
        boolean immediate = false;
        if (host.equals(primary)) {
            why = status.reachable() ? null : "unreachable: " + status.error();
        } else {
            HostStatus primaryStatus = statuses.get(primary);
            why = primaryStatus == null || !primaryStatus.reachable()
                    ? (status.reachable() ? null : "unreachable: " + status.error())
                    : TopologyResolver.whyNotReplicaOf(status, primaryStatus);
            if (why == null && primaryStatus == null && status.reachable() && !status.readOnly()) {
                why = "writable (read_only=OFF) but not the primary";
            }
            immediate = why != null && status.reachable();
            long max = config.maxReplicationLagMs();
            if (why == null && max > 0 && lag != null && lag > max) {
                why = "replication lag " + lag + " ms > maxReplicationLagMs " + max;
                immediate = true;
            }
        }
        transition = why == null ? tracker.good() : tracker.bad(why, immediate);
        Topology snapshot = publish();
        boolean none = snapshot.replicas().isEmpty();
        if (noEligibleReplica.compareAndSet(!none, none) && none) {
            sink.event(new ClusterEvent(ClusterEvent.Type.NO_ELIGIBLE_REPLICA, name, snapshot.primary(),
                    snapshot.describeReplicas(), snapshot));
        }
        if (transition == HostTracker.Transition.NONE) {
            return;
        }
        boolean isPrimary = host.equals(primary);
        if (transition == HostTracker.Transition.EXCLUDED) {
            if (isPrimary) {
                log.warn("[{}] primary {} failed {} consecutive checks: {}", name, host, tracker.failures(), why);
            } else {
                log.warn("[{}] replica {} leaves the read rotation: {}", name, host, why);
            }
            if (!status.reachable()) {
                sink.hostDown(host);
            }
            sink.event(new ClusterEvent(isPrimary ? ClusterEvent.Type.PRIMARY_UNREACHABLE
                    : ClusterEvent.Type.REPLICA_EXCLUDED, name, host, why, snapshot));
        } else {
            if (isPrimary) {
                log.info("[{}] primary {} answers checks again", name, host);
            } else {
                log.info("[{}] replica {} returns to the read rotation{}", name, host,
                        lag == null ? "" : " (lag " + lag + " ms)");
            }
            sink.event(new ClusterEvent(isPrimary ? ClusterEvent.Type.PRIMARY_REACHABLE
                    : ClusterEvent.Type.REPLICA_RESTORED, name, host, null, snapshot));
        }
    }

    /** Builds and hands over a new snapshot from every host's current state. */
    private Topology publish() {
        publishLock.lock();
        try {
            List<HostSpec> replicas = new ArrayList<>();
            Map<HostSpec, String> excluded = new LinkedHashMap<>();
            Map<HostSpec, HostStatus> hosts = new LinkedHashMap<>();
            for (HostTracker t : trackers.values()) {
                HostSpec h = t.host();
                HostStatus s = statuses.get(h);
                if (s != null) {
                    hosts.put(h, s);
                }
                if (h.equals(primary)) {
                    if (!t.inRotation()) {
                        excluded.put(h, t.reason());
                    }
                    continue;
                }
                if (t.inRotation()) {
                    replicas.add(h);
                } else {
                    excluded.put(h, t.reason());
                }
            }
            Topology t = new Topology(primary, replicas, hosts, excluded, new LinkedHashMap<>(lags));
            sink.publish(t);
            return t;
        } finally {
            publishLock.unlock();
        }
    }

    /** Stops the checks and closes the monitor's connections. Idempotent. */
    @Override
    public void close() {
        closed = true;
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(config.healthCheckTimeoutMs() + 1000, TimeUnit.MILLISECONDS)) {
                log.debug("[{}] monitor threads still running after close", name);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failover.close();
        for (HostSpec h : new ArrayList<>(connections.keySet())) {
            closeConnection(h);
        }
    }
}
