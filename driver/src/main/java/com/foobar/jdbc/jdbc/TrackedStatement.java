package com.foobar.jdbc.jdbc;

import java.sql.SQLException;

/**
 * A statement the logical connection must close when it closes, and whose physical connection it must
 * abort when it is aborted.
 */
interface TrackedStatement {

    /** Closes the statement because its connection closes. */
    void closeByConnection() throws SQLException;

    /** Evicts the physical connection the statement uses, if any, because its connection is aborted. */
    void abortLease();
}
