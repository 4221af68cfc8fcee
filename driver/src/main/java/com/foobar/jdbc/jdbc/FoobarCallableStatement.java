package com.foobar.jdbc.jdbc;

import com.foobar.jdbc.pool.Lease;

import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A logical {@link CallableStatement}: a stored-procedure call may write, so it is bound when prepared to
 * the primary (or to the open transaction's connection) and holds that physical connection until closed.
 * Every method not documented here forwards to the physical statement.
 *
 * <p>Not thread-safe, as JDBC statements are used by one thread.
 */
public final class FoobarCallableStatement extends DelegatingCallableStatement implements TrackedStatement {

    private final FoobarConnection connection;
    private Lease lease;
    private boolean closed;

    FoobarCallableStatement(FoobarConnection connection, Lease lease, CallableStatement physical) {
        super(physical);
        this.connection = connection;
        this.lease = lease;
    }

    @Override
    public Connection getConnection() {
        return connection;
    }

    @Override
    public ResultSet executeQuery() throws SQLException {
        return wrap(super.executeQuery());
    }

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        return wrap(super.executeQuery(sql));
    }

    @Override
    public ResultSet getResultSet() throws SQLException {
        return wrap(super.getResultSet());
    }

    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
        return wrap(super.getGeneratedKeys());
    }

    private ResultSet wrap(ResultSet rs) {
        return rs == null ? null : new FoobarResultSet(rs, this, null);
    }

    /** Closes the physical statement and gives its connection back. */
    @Override
    public void close() throws SQLException {
        if (!closed) {
            closeByConnection();
            connection.unregister(this);
        }
    }

    @Override
    public void closeByConnection() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        Lease l = lease;
        lease = null;
        try {
            super.close();
        } finally {
            if (l != null) {
                connection.done(l);
            }
        }
    }

    @Override
    public Lease abortLease() {
        closed = true;
        Lease l = lease;
        lease = null;
        return l;
    }

    @Override
    public boolean isClosed() throws SQLException {
        return closed || super.isClosed();
    }
}
