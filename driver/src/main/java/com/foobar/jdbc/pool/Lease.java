package com.foobar.jdbc.pool;

import com.foobar.jdbc.topology.HostSpec;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * One physical connection borrowed from a host's pool by a logical connection. Statements create their
 * physical statements through {@link #connection()} (the pool's proxy, so the pool closes whatever is
 * left open when the lease ends); session state is set through {@link #physical()}.
 *
 * <p>A lease counts the statements currently using it; the logical connection returns it to the pool
 * when no statement uses it and it is not held for a transaction. Not thread-safe: it belongs to one
 * logical connection.
 */
public final class Lease {

    private final HostPool pool;
    private final Connection connection;
    private final PhysicalConnection physical;
    private final long borrowedAtNanos = System.nanoTime();
    private int users;
    private boolean closed;
    private boolean singleRead;

    Lease(HostPool pool, Connection connection, PhysicalConnection physical) {
        this.pool = pool;
        this.connection = connection;
        this.physical = physical;
    }

    /** @return the host this lease is connected to */
    public HostSpec host() {
        return physical.host();
    }

    /** @return the pool's connection proxy: create statements here */
    public Connection connection() {
        return connection;
    }

    /** @return the physical connection and its tracked session state */
    public PhysicalConnection physical() {
        return physical;
    }

    /** Marks the lease as borrowed for one autocommit read (it may be retried elsewhere if its link breaks). */
    public void markSingleRead() {
        singleRead = true;
    }

    /** @return whether the lease was borrowed for one autocommit read */
    public boolean singleRead() {
        return singleRead;
    }

    /** Records one more statement using this lease. */
    public void retain() {
        users++;
    }

    /**
     * Records that a statement stopped using this lease.
     *
     * @return whether no statement uses it any more
     */
    public boolean unretain() {
        return --users <= 0;
    }

    /** @return whether a statement still uses it */
    public boolean inUse() {
        return users > 0;
    }

    /**
     * Returns the physical connection to its pool. Idempotent.
     *
     * @throws SQLException if the pool fails to take it back
     */
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        pool.returned(this, System.nanoTime() - borrowedAtNanos);
        connection.close();
    }

    /**
     * Removes the physical connection from its pool for good, for a connection whose session carries state
     * that cannot be undone (temporary tables, user variables, locks) or whose link broke.
     */
    public void evict() {
        pool.evict(connection);
    }
}
