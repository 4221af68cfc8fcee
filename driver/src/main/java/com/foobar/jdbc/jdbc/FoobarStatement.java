package com.foobar.jdbc.jdbc;

import com.foobar.jdbc.pool.Lease;
import com.foobar.jdbc.routing.StatementClassifier;
import com.foobar.jdbc.routing.StatementType;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A logical {@link Statement}: every execution is classified and routed on its own (see
 * {@link FoobarConnection}), runs on a physical statement created on the chosen host, and holds that
 * host's physical connection until its results are done with: the result set of {@code executeQuery} is
 * closed, or the statement is executed again or closed. A result set stays valid until then, whatever the
 * connection routes meanwhile.
 *
 * <p>Settings (max rows, fetch size, query timeout, ...) are recorded and applied to each physical statement.
 * Batches run on the primary (or in the open transaction).
 *
 * <p>Not thread-safe, as JDBC statements are used by one thread; {@link #cancel()} may be called from
 * another thread.
 */
public class FoobarStatement implements Statement, TrackedStatement {

    final FoobarConnection connection;
    final int resultSetType;
    final int resultSetConcurrency;
    final int resultSetHoldability;

    private long maxRows;
    private int fetchSize;
    private int queryTimeout;
    private int maxFieldSize;
    private int fetchDirection = ResultSet.FETCH_FORWARD;
    private boolean escapeProcessing = true;
    private boolean poolable;
    private boolean closeOnCompletion;
    private String cursorName;
    private boolean closed;
    private List<String> batch;

    /** The current execution: its physical connection, physical statement and result. */
    private Lease lease;
    private volatile Statement physical;
    private FoobarResultSet current;
    private boolean singleResult;
    /** The update count of a statement run locally (0), or -1. */
    private long localUpdateCount = -1;
    /** Warnings of an execution that ended because its result set was closed (JDBC keeps them until re-execution). */
    private SQLWarning endedWarnings;

    FoobarStatement(FoobarConnection connection, int resultSetType, int resultSetConcurrency, int resultSetHoldability) {
        this.connection = connection;
        this.resultSetType = resultSetType;
        this.resultSetConcurrency = resultSetConcurrency;
        this.resultSetHoldability = resultSetHoldability;
    }

    // ---------------------------------------------------------------------------------------------
    // Execution

    /** One call on a physical statement. */
    @FunctionalInterface
    interface Execution<S extends Statement, R> {
        R run(S statement) throws SQLException;
    }

    /**
     * Runs one execution: classify, route, create the physical statement, apply settings, run.
     *
     * @return the call's result, or {@code null} if the statement was handled locally (no physical execution)
     */
    private <R> R run(String sql, Execution<Statement, R> call) throws SQLException {
        checkOpen();
        endExecution();
        StatementType type = StatementClassifier.classify(sql);
        if (connection.runLocally(type, sql)) {
            localUpdateCount = 0;
            return null;
        }
        return onPhysical(type, lease -> createPhysical(lease.connection()), call);
    }

    /** Creates the physical statement for one execution on a lease. */
    @FunctionalInterface
    interface PhysicalFactory<S extends Statement> {
        S create(Lease lease) throws SQLException;
    }

    /**
     * Routes an execution of the given type, creates its physical statement with the factory, applies the
     * settings and runs the call. Subclasses use it for prepared executions.
     *
     * <p>An autocommit read on a replica that fails because the link broke before any result came back is
     * run once more on another eligible replica, and the broken host gets an immediate health check; the
     * application sees no error.
     */
    final <S extends Statement, R> R onPhysical(StatementType type, PhysicalFactory<S> factory,
                                               Execution<S, R> call) throws SQLException {
        Lease l = connection.leaseFor(type);
        try {
            return attempt(type, l, factory, call);
        } catch (SQLException e) {
            Lease again = retryable() ? connection.retryRead(type, l, e) : null;
            if (again == null) {
                throw e;
            }
            return attempt(type, again, factory, call);
        }
    }

    /** @return whether an execution of this statement may run again elsewhere after a failure */
    boolean retryable() {
        return true;
    }

    private <S extends Statement, R> R attempt(StatementType type, Lease l, PhysicalFactory<S> factory,
                                               Execution<S, R> call) throws SQLException {
        l.retain();
        lease = l;
        try {
            S ps = factory.create(l);
            physical = ps;
            applySettings(ps);
            R result = call.run(ps);
            connection.executed(type, l);
            return result;
        } catch (SQLException e) {
            SQLException reported = connection.failed(l, e);
            endExecution();
            throw reported;
        } catch (RuntimeException e) {
            endExecution();
            throw e;
        }
    }

    private Statement createPhysical(Connection c) throws SQLException {
        return c.createStatement(resultSetType, resultSetConcurrency, resultSetHoldability);
    }

    private void applySettings(Statement ps) throws SQLException {
        if (maxRows != 0) {
            ps.setLargeMaxRows(maxRows);
        }
        if (fetchSize != 0) {
            ps.setFetchSize(fetchSize);
        }
        if (queryTimeout != 0) {
            ps.setQueryTimeout(queryTimeout);
        }
        if (maxFieldSize != 0) {
            ps.setMaxFieldSize(maxFieldSize);
        }
        if (fetchDirection != ResultSet.FETCH_FORWARD) {
            ps.setFetchDirection(fetchDirection);
        }
        if (!escapeProcessing) {
            ps.setEscapeProcessing(false);
        }
        if (cursorName != null) {
            ps.setCursorName(cursorName);
        }
    }

    /** Wraps the result of a query-only execution: closing it ends the execution. */
    final ResultSet queryResult(ResultSet rs) {
        singleResult = true;
        current = new FoobarResultSet(rs, this, this::resultClosed);
        return current;
    }

    /** Wraps the first result of {@code execute}, if it is a result set. */
    final boolean executeResult(boolean isResultSet, Statement ps) throws SQLException {
        if (isResultSet) {
            current = new FoobarResultSet(ps.getResultSet(), this, this::resultClosed);
        }
        return isResultSet;
    }

    private void resultClosed() {
        try {
            if (closeOnCompletion) {
                close();
            } else if (singleResult && current != null && current.isClosed()) {
                Statement ps = physical;
                SQLWarning warnings = ps == null ? null : ps.getWarnings();
                endExecution();
                endedWarnings = warnings;
            }
        } catch (SQLException e) {
            LoggerHolder.log.debug("ending an execution after its result set closed failed", e);
        }
    }

    /** Keeps slf4j out of the class initialisation of every statement. */
    private static final class LoggerHolder {
        static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(FoobarStatement.class);
    }

    /** Ends the current execution: closes the physical statement and gives its lease back. */
    final void endExecution() throws SQLException {
        Statement ps = physical;
        Lease l = lease;
        physical = null;
        lease = null;
        current = null;
        singleResult = false;
        localUpdateCount = -1;
        endedWarnings = null;
        try {
            if (ps != null) {
                ps.close();
            }
        } finally {
            if (l != null) {
                connection.done(l);
            }
        }
    }

    final void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLNonTransientException("Statement is closed", "HY010");
        }
        connection.checkOpen();
    }

    @Override
    public ResultSet executeQuery(String sql) throws SQLException {
        ResultSet rs = run(sql, s -> queryResult(s.executeQuery(sql)));
        if (rs == null) {
            throw noResultSet(sql);
        }
        return rs;
    }

    static SQLException noResultSet(String sql) {
        return new SQLException("Statement produced no result set: use execute or executeUpdate for it", "HY000");
    }

    @Override
    public int executeUpdate(String sql) throws SQLException {
        Integer n = run(sql, s -> s.executeUpdate(sql));
        return n == null ? 0 : n;
    }

    @Override
    public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        Integer n = run(sql, s -> s.executeUpdate(sql, autoGeneratedKeys));
        return n == null ? 0 : n;
    }

    @Override
    public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
        Integer n = run(sql, s -> s.executeUpdate(sql, columnIndexes));
        return n == null ? 0 : n;
    }

    @Override
    public int executeUpdate(String sql, String[] columnNames) throws SQLException {
        Integer n = run(sql, s -> s.executeUpdate(sql, columnNames));
        return n == null ? 0 : n;
    }

    @Override
    public long executeLargeUpdate(String sql) throws SQLException {
        Long n = run(sql, s -> s.executeLargeUpdate(sql));
        return n == null ? 0 : n;
    }

    @Override
    public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
        Long n = run(sql, s -> s.executeLargeUpdate(sql, autoGeneratedKeys));
        return n == null ? 0 : n;
    }

    @Override
    public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
        Long n = run(sql, s -> s.executeLargeUpdate(sql, columnIndexes));
        return n == null ? 0 : n;
    }

    @Override
    public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
        Long n = run(sql, s -> s.executeLargeUpdate(sql, columnNames));
        return n == null ? 0 : n;
    }

    @Override
    public boolean execute(String sql) throws SQLException {
        Boolean b = run(sql, s -> executeResult(s.execute(sql), s));
        return b != null && b;
    }

    @Override
    public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
        Boolean b = run(sql, s -> executeResult(s.execute(sql, autoGeneratedKeys), s));
        return b != null && b;
    }

    @Override
    public boolean execute(String sql, int[] columnIndexes) throws SQLException {
        Boolean b = run(sql, s -> executeResult(s.execute(sql, columnIndexes), s));
        return b != null && b;
    }

    @Override
    public boolean execute(String sql, String[] columnNames) throws SQLException {
        Boolean b = run(sql, s -> executeResult(s.execute(sql, columnNames), s));
        return b != null && b;
    }

    // ---------------------------------------------------------------------------------------------
    // Batches

    @Override
    public void addBatch(String sql) throws SQLException {
        checkOpen();
        if (batch == null) {
            batch = new ArrayList<>();
        }
        batch.add(sql);
    }

    @Override
    public void clearBatch() throws SQLException {
        checkOpen();
        if (batch != null) {
            batch.clear();
        }
    }

    /**
     * Runs the batch on the primary (or in the open transaction). A batch that holds a statement that
     * changes session state pins the connection to the primary.
     */
    @Override
    public int[] executeBatch() throws SQLException {
        long[] counts = executeLargeBatch();
        int[] result = new int[counts.length];
        for (int i = 0; i < counts.length; i++) {
            result[i] = (int) Math.min(Integer.MAX_VALUE, counts[i]);
        }
        return result;
    }

    @Override
    public long[] executeLargeBatch() throws SQLException {
        checkOpen();
        endExecution();
        if (batch == null || batch.isEmpty()) {
            return new long[0];
        }
        StatementType type = StatementType.WRITE;
        for (String sql : batch) {
            StatementType t = StatementClassifier.classify(sql);
            if (t != StatementType.READ && t != StatementType.WRITE) {
                type = StatementType.PIN;
            }
        }
        List<String> items = batch;
        batch = null;
        return onPhysical(type, l -> createPhysical(l.connection()), s -> {
            for (String sql : items) {
                s.addBatch(sql);
            }
            return s.executeLargeBatch();
        });
    }

    // ---------------------------------------------------------------------------------------------
    // Results

    @Override
    public ResultSet getResultSet() throws SQLException {
        checkOpen();
        return current;
    }

    @Override
    public int getUpdateCount() throws SQLException {
        return (int) Math.min(Integer.MAX_VALUE, getLargeUpdateCount());
    }

    @Override
    public long getLargeUpdateCount() throws SQLException {
        checkOpen();
        Statement ps = physical;
        return ps == null ? localUpdateCount : ps.getLargeUpdateCount();
    }

    @Override
    public boolean getMoreResults() throws SQLException {
        return getMoreResults(Statement.CLOSE_CURRENT_RESULT);
    }

    @Override
    public boolean getMoreResults(int current) throws SQLException {
        checkOpen();
        Statement ps = physical;
        if (ps == null) {
            localUpdateCount = -1;
            return false;
        }
        this.current = null;
        boolean more = ps.getMoreResults(current);
        if (more) {
            this.current = new FoobarResultSet(ps.getResultSet(), this, this::resultClosed);
        }
        return more;
    }

    @Override
    public ResultSet getGeneratedKeys() throws SQLException {
        checkOpen();
        Statement ps = physical;
        if (ps == null) {
            throw new SQLException("No generated keys: no statement has run on the server", "HY010");
        }
        return new FoobarResultSet(ps.getGeneratedKeys(), this, null);
    }

    // ---------------------------------------------------------------------------------------------
    // Settings

    @Override
    public int getMaxFieldSize() throws SQLException {
        checkOpen();
        return maxFieldSize;
    }

    @Override
    public void setMaxFieldSize(int max) throws SQLException {
        checkOpen();
        if (max < 0) {
            throw new SQLException("Max field size must be 0 or more bytes", "HY024");
        }
        maxFieldSize = max;
    }

    @Override
    public int getMaxRows() throws SQLException {
        return (int) Math.min(Integer.MAX_VALUE, getLargeMaxRows());
    }

    @Override
    public void setMaxRows(int max) throws SQLException {
        setLargeMaxRows(max);
    }

    @Override
    public long getLargeMaxRows() throws SQLException {
        checkOpen();
        return maxRows;
    }

    @Override
    public void setLargeMaxRows(long max) throws SQLException {
        checkOpen();
        if (max < 0) {
            throw new SQLException("Max rows must be 0 or more", "HY024");
        }
        maxRows = max;
    }

    @Override
    public void setEscapeProcessing(boolean enable) throws SQLException {
        checkOpen();
        escapeProcessing = enable;
    }

    @Override
    public int getQueryTimeout() throws SQLException {
        checkOpen();
        return queryTimeout;
    }

    @Override
    public void setQueryTimeout(int seconds) throws SQLException {
        checkOpen();
        if (seconds < 0) {
            throw new SQLException("Query timeout must be 0 or more seconds", "HY024");
        }
        queryTimeout = seconds;
    }

    /** Cancels the running execution, if any (Connector/J sends {@code KILL QUERY} on a separate connection). */
    @Override
    public void cancel() throws SQLException {
        Statement ps = physical;
        if (ps != null) {
            ps.cancel();
        }
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        Statement ps = physical;
        return ps == null ? endedWarnings : ps.getWarnings();
    }

    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
        endedWarnings = null;
        Statement ps = physical;
        if (ps != null) {
            ps.clearWarnings();
        }
    }

    @Override
    public void setCursorName(String name) throws SQLException {
        checkOpen();
        cursorName = name;
    }

    @Override
    public void setFetchDirection(int direction) throws SQLException {
        checkOpen();
        if (direction != ResultSet.FETCH_FORWARD && direction != ResultSet.FETCH_REVERSE
                && direction != ResultSet.FETCH_UNKNOWN) {
            throw new SQLException("Unknown fetch direction " + direction, "HY024");
        }
        fetchDirection = direction;
    }

    @Override
    public int getFetchDirection() throws SQLException {
        checkOpen();
        return fetchDirection;
    }

    @Override
    public void setFetchSize(int rows) throws SQLException {
        checkOpen();
        if (rows < 0 && rows != Integer.MIN_VALUE) {
            throw new SQLException("Fetch size must be 0 or more (or Integer.MIN_VALUE to stream)", "HY024");
        }
        fetchSize = rows;
    }

    @Override
    public int getFetchSize() throws SQLException {
        checkOpen();
        return fetchSize;
    }

    @Override
    public int getResultSetConcurrency() throws SQLException {
        checkOpen();
        return resultSetConcurrency;
    }

    @Override
    public int getResultSetType() throws SQLException {
        checkOpen();
        return resultSetType;
    }

    @Override
    public int getResultSetHoldability() throws SQLException {
        checkOpen();
        return resultSetHoldability;
    }

    @Override
    public Connection getConnection() throws SQLException {
        checkOpen();
        return connection;
    }

    @Override
    public void setPoolable(boolean poolable) throws SQLException {
        checkOpen();
        this.poolable = poolable;
    }

    @Override
    public boolean isPoolable() throws SQLException {
        checkOpen();
        return poolable;
    }

    @Override
    public void closeOnCompletion() throws SQLException {
        checkOpen();
        closeOnCompletion = true;
    }

    @Override
    public boolean isCloseOnCompletion() throws SQLException {
        checkOpen();
        return closeOnCompletion;
    }

    // ---------------------------------------------------------------------------------------------
    // Lifecycle

    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            endExecution();
        } finally {
            connection.unregister(this);
        }
    }

    @Override
    public void closeByConnection() throws SQLException {
        if (!closed) {
            closed = true;
            endExecution();
        }
    }

    @Override
    public Lease abortLease() {
        Lease l = lease;
        closed = true;
        physical = null;
        lease = null;
        return l;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        Statement ps = physical;
        if (ps != null) {
            return ps.unwrap(iface);
        }
        throw new SQLException("Not a wrapper for " + iface.getName() + " (no statement has run on a server yet)",
                "HY000");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return true;
        }
        Statement ps = physical;
        return ps != null && ps.isWrapperFor(iface);
    }

    /** @return the physical statement of the current execution, or {@code null} */
    final Statement physical() {
        return physical;
    }

    /** Records that the statement ran locally (no physical execution): its update count is 0. */
    final void markLocal() {
        localUpdateCount = 0;
    }
}
