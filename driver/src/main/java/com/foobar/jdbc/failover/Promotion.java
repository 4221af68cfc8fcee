package com.foobar.jdbc.failover;

import com.foobar.jdbc.config.FoobarConfig;
import com.foobar.jdbc.topology.Dialect;
import com.foobar.jdbc.topology.GtidPosition;
import com.foobar.jdbc.topology.HostProbe;
import com.foobar.jdbc.topology.HostSpec;
import com.foobar.jdbc.topology.HostStatus;
import com.foobar.jdbc.topology.ReplicationStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One attempt to replace a failed primary ({@code failover=promote}). Every driver instance in every JVM
 * that sees the primary fail runs the same steps on the same facts, and a server-side lock makes exactly one
 * of them act:
 *
 * <ol>
 *   <li><b>Cross-check.</b> If any replica's I/O thread still receives from the primary, the problem is
 *       between this client and the primary: nothing is promoted.</li>
 *   <li><b>Choice.</b> Among reachable read-only replicas of the failed primary: the most advanced received
 *       GTID position, then the order of hosts in the URL. Lag is not used: it differs between observers, the
 *       positions do not.</li>
 *   <li><b>Lock.</b> {@code GET_LOCK('foobar_failover')} on the candidate, waiting at most
 *       {@code failoverTimeoutMs}. Whoever gets it second finds the candidate already writable and adopts.</li>
 *   <li><b>Promotion.</b> Wait until the candidate applied everything it received; stop and clear its
 *       replication; make it writable; record a new topology epoch on it; re-point every other healthy
 *       replica to it with GTID auto-positioning. Each step is logged at WARN with its time.</li>
 * </ol>
 *
 * <p>Runs on the cluster's failover thread; not thread-safe (one attempt at a time).
 */
final class Promotion {

    private static final Logger log = LoggerFactory.getLogger(Promotion.class);
    static final String LOCK = "foobar_failover";

    /** What the attempt found, for the coordinator. */
    record Outcome(HostSpec newPrimary, long epoch, String summary) {
    }

    private final FoobarConfig config;
    private final String name;
    private final HostProbe probe;
    private final EpochTable epochs;
    /** The failed primary for which "nothing to promote" was last said, so it is said once per outage. */
    private HostSpec quietFor;

    Promotion(FoobarConfig config, HostProbe probe) {
        this.config = config;
        this.name = config.clusterName();
        this.probe = probe;
        this.epochs = new EpochTable(config.metaSchema());
    }

    private record Candidate(HostSpec host, int urlIndex, GtidPosition received, Connection connection,
                             Dialect dialect) {
    }

    /**
     * @param primary       the failed primary
     * @param primaryId     its {@code server_id}
     * @param clusterEpoch  the highest epoch seen so far
     * @return the new primary and epoch, or {@code null} if nothing was (or should be) promoted
     */
    Outcome run(HostSpec primary, long primaryId, long clusterEpoch) {
        long started = System.nanoTime();
        long deadline = started + config.failoverTimeoutMs() * 1_000_000L;
        List<Candidate> candidates = new ArrayList<>();
        List<Connection> opened = new ArrayList<>();
        try {
            long highestEpoch = clusterEpoch;
            int index = 0;
            for (HostSpec h : config.hosts()) {
                index++;
                if (h.equals(primary)) {
                    continue;
                }
                Connection c;
                HostStatus s;
                try {
                    c = probe.connect(h);
                    opened.add(c);
                    s = probe.inspect(c, h);
                } catch (SQLException e) {
                    log.debug("[{}] failover: replica {} unreachable: {}", name, h, e.getMessage());
                    continue;
                }
                Dialect dialect = Dialect.of(h, s.version());
                ReplicationStatus r = s.replication();
                if (r.detailed() && Boolean.TRUE.equals(r.ioRunning())
                        && (r.sourceServerId() == null || r.sourceServerId() == primaryId)) {
                    log.warn("[{}] failover: primary {} is unreachable from here but replica {} still receives from it: "
                            + "no promotion (a network problem between this client and the primary?)", name, primary, h);
                    return null;
                }
                long epoch = epochs.read(c);
                highestEpoch = Math.max(highestEpoch, epoch);
                if (!s.readOnly() && !r.configured() && epoch > clusterEpoch) {
                    log.warn("[{}] failover: {} was already promoted (epoch {}): adopting it", name, h, epoch);
                    return new Outcome(h, epoch, "adopted " + h + " promoted by another instance");
                }
                if (s.readOnly() && (r.sourceServerId() == null || r.sourceServerId() == primaryId)) {
                    if (!dialect.supportsPromotion()) {
                        log.warn("[{}] failover: {} ({}) cannot be promoted by the driver", name, h, dialect.name());
                        continue;
                    }
                    try (Statement st = c.createStatement()) {
                        candidates.add(new Candidate(h, index, dialect.receivedPosition(st), c, dialect));
                    }
                }
            }
            if (candidates.isEmpty()) {
                if (!primary.equals(quietFor)) {
                    quietFor = primary;
                    log.warn("[{}] failover: no reachable replica of {} can be promoted; statements that need the "
                            + "primary wait for it (up to failoverTimeoutMs each)", name, primary);
                }
                return null;
            }
            quietFor = null;
            candidates.sort(Comparator.comparing(Candidate::received).reversed()
                    .thenComparingInt(Candidate::urlIndex));
            Candidate chosen = candidates.get(0);
            log.warn("[{}] failover: primary {} failed; candidate {} (received {}), chosen in {} ms", name, primary,
                    chosen.host(), chosen.received(), millisSince(started));
            return promote(primary, chosen, candidates, highestEpoch, deadline, started);
        } catch (SQLException e) {
            log.warn("[{}] failover of {} failed: {}", name, primary, e.getMessage(), e);
            return null;
        } finally {
            for (Connection c : opened) {
                closeQuietly(c);
            }
        }
    }

    private Outcome promote(HostSpec primary, Candidate chosen, List<Candidate> candidates, long highestEpoch,
                            long deadline, long started) throws SQLException {
        Connection c = chosen.connection();
        c.setNetworkTimeout(Runnable::run, (int) Math.min(Integer.MAX_VALUE, config.failoverTimeoutMs() + 5000));
        try (Statement st = c.createStatement()) {
            long lockStart = System.nanoTime();
            if (!lock(st, deadline)) {
                log.warn("[{}] failover: could not take the failover lock on {} in time", name, chosen.host());
                return null;
            }
            try {
                long epoch = Math.max(highestEpoch, epochs.read(c));
                HostStatus now = probe.inspect(c, chosen.host());
                if (!now.readOnly()) {
                    log.warn("[{}] failover: {} was promoted by another instance (epoch {}): adopting it", name,
                            chosen.host(), epoch);
                    return new Outcome(chosen.host(), epoch, "adopted " + chosen.host());
                }
                if (primaryAnswers(primary)) {
                    log.warn("[{}] failover: primary {} answers again: no promotion", name, primary);
                    return null;
                }
                log.warn("[{}] failover: lock taken on {} in {} ms", name, chosen.host(), millisSince(lockStart));
                long step = System.nanoTime();
                if (!chosen.dialect().awaitApplied(st, chosen.received(), remainingMs(deadline))) {
                    log.warn("[{}] failover: {} did not apply its relay log within failoverTimeoutMs: no promotion", name,
                            chosen.host());
                    return null;
                }
                log.warn("[{}] failover: {} applied everything it received ({}) in {} ms", name, chosen.host(),
                        chosen.received(), millisSince(step));
                step = System.nanoTime();
                chosen.dialect().promote(st);
                long newEpoch = epoch + 1;
                epochs.write(c, newEpoch, chosen.host());
                log.warn("[{}] failover: {} promoted to primary, epoch {}, in {} ms", name, chosen.host(), newEpoch,
                        millisSince(step));
                for (Candidate other : candidates) {
                    if (other == chosen) {
                        continue;
                    }
                    step = System.nanoTime();
                    try (Statement ost = other.connection().createStatement()) {
                        other.dialect().replicateFrom(ost, chosen.host(), null, null, false);
                        log.warn("[{}] failover: replica {} now replicates from {} ({} ms)", name, other.host(),
                                chosen.host(), millisSince(step));
                    } catch (SQLException e) {
                        log.warn("[{}] failover: re-pointing {} to {} failed: {}", name, other.host(), chosen.host(),
                                e.getMessage());
                    }
                }
                String summary = "promoted " + chosen.host() + " (epoch " + newEpoch + ") in " + millisSince(started) + " ms";
                log.warn("[{}] failover: {}", name, summary);
                return new Outcome(chosen.host(), newEpoch, summary);
            } finally {
                unlock(st);
            }
        }
    }

    private boolean lock(Statement st, long deadline) throws SQLException {
        long seconds = Math.max(1, remainingMs(deadline) / 1000);
        try (ResultSet rs = st.executeQuery("SELECT GET_LOCK('" + LOCK + "', " + seconds + ")")) {
            return rs.next() && rs.getInt(1) == 1;
        }
    }

    private void unlock(Statement st) {
        try (ResultSet rs = st.executeQuery("SELECT RELEASE_LOCK('" + LOCK + "')")) {
            rs.next();
        } catch (SQLException e) {
            log.debug("[{}] releasing the failover lock failed", name, e);
        }
    }

    private boolean primaryAnswers(HostSpec primary) {
        try (Connection c = probe.connect(primary)) {
            probe.inspect(c, primary);
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    private static long remainingMs(long deadline) {
        return Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    private void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            log.debug("[{}] closing a failover connection failed", name, e);
        }
    }
}
