package com.foobar.jdbc.pool;

import com.foobar.jdbc.config.FoobarConfig;
import com.foobar.jdbc.topology.HostSpec;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.pool.HikariPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The HikariCP pool of physical connections to one host of one cluster, with what the balancers need to
 * know about the host: statements in flight from this JVM and a recent response time.
 *
 * <p>Sized by {@code maxConnectionsPerHost}. Connections are created on demand (no minimum idle), so a
 * cluster that is never used opens nothing, and the pool never fails at construction: a host that is down
 * only fails the borrows that need it.
 *
 * <p>Thread-safe and lock-free on the borrow path (HikariCP's bag, atomic counters, a concurrent set).
 */
final class HostPool implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(HostPool.class);
    /** Weight of the newest sample in the response-time average (a smoothing factor of 1/8). */
    private static final int EWMA_SHIFT = 3;
    private static final Executor DIRECT = Runnable::run;

    private final HostSpec host;
    private final HikariPool pool;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong responseNanos = new AtomicLong();
    private final Set<Lease> inUse = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    HostPool(String clusterName, HostSpec host, FoobarConfig config) {
        this.host = host;
        HikariConfig hc = new HikariConfig();
        hc.setPoolName("foobar[" + clusterName + "]" + host);
        hc.setDataSource(new PhysicalDataSource(host, config));
        hc.setMaximumPoolSize(config.maxConnectionsPerHost());
        hc.setMinimumIdle(0);
        hc.setConnectionTimeout(config.connectionAcquireTimeoutMs());
        hc.setInitializationFailTimeout(-1);
        hc.setAutoCommit(true);
        hc.validate();
        this.pool = new HikariPool(hc);
    }

    HostSpec host() {
        return host;
    }

    /**
     * @param timeoutMs how long to wait for a free connection, ms (at least 250: HikariCP's floor)
     * @param property  the property that set the timeout, for the message
     * @return a borrowed connection; close the lease to return it
     * @throws SQLTransientConnectionException (08001) naming the host when no connection could be had in time
     * @throws SQLNonTransientConnectionException (08003) when the pool is closed
     */
    Lease borrow(long timeoutMs, String property) throws SQLException {
        if (closed) {
            throw new SQLNonTransientConnectionException("The pool of host " + host + " is closed: its cluster or "
                    + "data source was closed", "08003");
        }
        Connection c;
        try {
            c = pool.getConnection(Math.max(250, timeoutMs));
        } catch (SQLException e) {
            throw new SQLTransientConnectionException("Cannot get a connection to host " + host + " within "
                    + timeoutMs + " ms (property " + property + "): " + e.getMessage(), "08001", e);
        }
        Lease lease = new Lease(this, c, c.unwrap(PhysicalConnection.class));
        inFlight.incrementAndGet();
        inUse.add(lease);
        return lease;
    }

    /** A lease ended: one statement less in flight, and its duration feeds the response-time average. */
    void returned(Lease lease, long heldNanos) {
        if (inUse.remove(lease)) {
            inFlight.decrementAndGet();
            long old;
            long updated;
            do {
                old = responseNanos.get();
                updated = old == 0 ? heldNanos : old + ((heldNanos - old) >> EWMA_SHIFT);
            } while (!responseNanos.compareAndSet(old, updated));
        }
    }

    /** @return statements in flight on this host from this JVM (leases not yet returned) */
    int inFlight() {
        return inFlight.get();
    }

    /** @return the exponentially weighted average time a lease on this host was held, ns; 0 before any */
    long responseNanos() {
        return responseNanos.get();
    }

    void evict(Connection c) {
        pool.evictConnection(c);
    }

    /**
     * The host went down: every connection in use to it is aborted (so a statement blocked on a hung host
     * fails now rather than when a timeout expires) and the idle ones are retired.
     */
    void abortInUse() {
        int n = 0;
        for (Lease l : inUse) {
            try {
                l.physical().abort(DIRECT);
                n++;
            } catch (SQLException e) {
                log.debug("aborting a connection to {} failed", host, e);
            }
        }
        pool.softEvictConnections();
        if (n > 0) {
            log.warn("{} is down: aborted {} connection(s) in use to it", host, n);
        }
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        closed = true;
        try {
            pool.shutdown();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
