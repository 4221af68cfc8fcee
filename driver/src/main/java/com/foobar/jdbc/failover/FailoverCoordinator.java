package com.foobar.jdbc.failover;

import com.foobar.jdbc.config.FailoverMode;
import com.foobar.jdbc.config.FoobarConfig;
import com.foobar.jdbc.topology.Dialect;
import com.foobar.jdbc.topology.GtidPosition;
import com.foobar.jdbc.topology.HostProbe;
import com.foobar.jdbc.topology.HostSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Replaces a failed primary and keeps old primaries from taking writes, for one cluster.
 *
 * <ul>
 *   <li>{@code failover=promote}: when the monitor finds the primary failed, a {@link Promotion} runs on this
 *       coordinator's own daemon thread (never on a monitor or application thread); at most one at a time, and
 *       again while the primary stays down, at most once per {@code healthCheckIntervalMs}.</li>
 *   <li>{@code failover=follow}: nothing is promoted here; the monitor adopts a replica that an external tool
 *       made writable.</li>
 *   <li>{@code failover=none}: nothing happens; writes fail until the primary returns.</li>
 * </ul>
 *
 * <p><b>Fencing.</b> A host that is writable but is not the cluster's primary (an old primary back after a
 * crash or a hang) is set read-only at once and never receives a statement. With {@code rejoinOldPrimary=true}
 * it is re-pointed as a replica of the new primary when its GTID history is not ahead of the new primary's;
 * otherwise it stays fenced and the log says why and what the operator must do.
 *
 * <p>Thread-safe.
 */
public final class FailoverCoordinator implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FailoverCoordinator.class);
    private static final AtomicInteger THREADS = new AtomicInteger();

    /** Receives a promotion's result. */
    public interface Adopter {
        /**
         * @param newPrimary the new primary
         * @param epoch      its topology epoch
         * @param summary    what happened, for events
         */
        void adopt(HostSpec newPrimary, long epoch, String summary);
    }

    private final FoobarConfig config;
    private final String name;
    private final HostProbe probe;
    private final Promotion promotion;
    private final EpochTable epochs;
    private final Adopter adopter;
    private final ExecutorService executor;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile long lastAttemptNanos;

    /**
     * @param config  the cluster's settings
     * @param probe   the cluster's probe (the monitor's credentials)
     * @param adopter receives a new primary
     */
    public FailoverCoordinator(FoobarConfig config, HostProbe probe, Adopter adopter) {
        this.config = config;
        this.name = config.clusterName();
        this.probe = probe;
        this.promotion = new Promotion(config, probe);
        this.epochs = new EpochTable(config.metaSchema());
        this.adopter = adopter;
        int id = THREADS.incrementAndGet();
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "foobar-failover-" + id + " [" + name + "]");
            t.setDaemon(true);
            return t;
        });
    }

    /** @return whether a promotion is running now (the monitor does not fence meanwhile) */
    public boolean inProgress() {
        return running.get();
    }

    /**
     * The primary failed {@code failureThreshold} consecutive checks (called again on every failed check while
     * it stays down).
     *
     * @param primary      the failed primary
     * @param primaryId    its {@code server_id}
     * @param clusterEpoch the highest topology epoch seen so far
     */
    public void primaryDown(HostSpec primary, long primaryId, long clusterEpoch) {
        if (config.failover() != FailoverMode.PROMOTE) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastAttemptNanos < config.healthCheckIntervalMs() * 1_000_000L || !running.compareAndSet(false, true)) {
            return;
        }
        lastAttemptNanos = now;
        try {
            executor.execute(() -> {
                try {
                    Promotion.Outcome o = promotion.run(primary, primaryId, clusterEpoch);
                    if (o != null) {
                        adopter.adopt(o.newPrimary(), o.epoch(), o.summary());
                    }
                } catch (RuntimeException e) {
                    log.warn("[{}] failover attempt failed unexpectedly", name, e);
                } finally {
                    running.set(false);
                }
            });
        } catch (RejectedExecutionException e) {
            running.set(false);
        }
    }

    /**
     * @param c a connection to any server
     * @return the topology epoch that server holds (0 for none)
     * @throws SQLException if the server fails
     */
    public long epochOf(Connection c) throws SQLException {
        return epochs.read(c);
    }

    /**
     * Fences a writable host that is not the primary: sets it read-only, then, with {@code rejoinOldPrimary},
     * re-points it as a replica of the primary when its history is not ahead of the primary's.
     *
     * @param c            the monitor's connection to the host (monitor credentials)
     * @param host         the host
     * @param dialect      its dialect
     * @param primary      the cluster's primary
     * @param primaryConn  a connection to the primary, or {@code null} if none is at hand
     * @return what was done, for logs and the exclusion reason
     * @throws SQLException if the host fails
     */
    public String fence(Connection c, HostSpec host, Dialect dialect, HostSpec primary, Connection primaryConn)
            throws SQLException {
        try (Statement st = c.createStatement()) {
            dialect.fence(st);
            log.warn("[{}] fenced {}: it was writable but the cluster's primary is {}; it is now read-only and receives "
                    + "no statement", name, host, primary);
            if (!config.rejoinOldPrimary()) {
                return "fenced (old primary; rejoinOldPrimary=false)";
            }
            if (primaryConn == null || !dialect.supportsPromotion()) {
                return "fenced (old primary; cannot check its history now)";
            }
            GtidPosition mine = dialect.binlogPosition(st);
            GtidPosition theirs;
            try (Statement pst = primaryConn.createStatement()) {
                theirs = dialect.binlogPosition(pst);
            }
            if (!theirs.includes(mine)) {
                log.warn("[{}] {} stays fenced: its GTID history ({}) has transactions the primary {} ({}) lacks. "
                                + "Those writes were never replicated; rebuild {} from a backup of {} (or reconcile by hand) "
                                + "before it may rejoin.", name, host, mine, primary, theirs, host, primary);
                return "fenced (old primary whose history diverged from " + primary + ")";
            }
            String user = config.replicationUser() != null ? config.replicationUser() : config.monitorUser();
            String password = config.replicationUser() != null ? config.replicationPassword()
                    : (config.adminUser() != null ? config.adminPassword() : config.password());
            dialect.replicateFrom(st, primary, user, password, true);
            log.warn("[{}] old primary {} rejoined as a replica of {}", name, host, primary);
            return "rejoining as a replica of " + primary;
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
