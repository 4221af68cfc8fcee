package com.foobar.jdbc.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The result set handed to applications: a physical result set whose {@link #getStatement()} is the logical
 * statement, and whose {@link #close()} notifies its owner.
 *
 * <p>A result set stays valid until it is closed, even if its connection routes later statements to another
 * server: it keeps reading from the physical result set that produced it.
 *
 * <p>Every method not documented here forwards to the delegate. Not thread-safe: like any JDBC result set, it is
 * used by one thread at a time.
 */
public final class FoobarResultSet extends DelegatingResultSet {

    private final Statement owner;
    private Runnable onClose;

    /**
     * Creates a result set.
     *
     * @param delegate the physical result set, not null
     * @param owner the logical statement returned by {@link #getStatement()}; null for metadata result sets
     * @param onClose run once when this result set is closed, after the delegate is closed; may be null
     */
    public FoobarResultSet(ResultSet delegate, Statement owner, Runnable onClose) {
        super(delegate);
        this.owner = owner;
        this.onClose = onClose;
    }

    /** Returns the logical statement that produced this result set, or null for metadata result sets. */
    @Override
    public Statement getStatement() {
        return owner;
    }

    /**
     * Closes the delegate (if it is not already closed), then runs {@code onClose}, once, even if closing the
     * delegate throws. Later calls do nothing more than closing the delegate again, which JDBC makes a no-op.
     */
    @Override
    public void close() throws SQLException {
        Runnable callback = onClose;
        onClose = null;
        try {
            if (!delegate.isClosed()) {
                delegate.close();
            }
        } finally {
            if (callback != null) {
                callback.run();
            }
        }
    }
}
