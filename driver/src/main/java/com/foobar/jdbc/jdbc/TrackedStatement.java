package com.foobar.jdbc.jdbc;

import com.foobar.jdbc.pool.Lease;

import java.sql.SQLException;

/**
 * A statement the logical connection must close when it closes, and whose physical connection it must
 * evict when it is aborted.
 */
interface TrackedStatement {

    /** Closes the statement because its connection closes. */
    void closeByConnection() throws SQLException;

    /**
     * Marks the statement closed because its connection is aborted, without touching the server.
     *
     * @return the lease the statement was using, for the connection to evict, or {@code null}
     */
    Lease abortLease();
}
