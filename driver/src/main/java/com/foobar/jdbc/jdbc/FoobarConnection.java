package com.foobar.jdbc.jdbc;

import com.foobar.jdbc.PrimaryChangedException;
import com.foobar.jdbc.ReadOnlyViolationException;
import com.foobar.jdbc.TransactionResolutionUnknownException;
import com.foobar.jdbc.pool.Cluster;
import com.foobar.jdbc.pool.Lease;
import com.foobar.jdbc.pool.SessionState;
import com.foobar.jdbc.routing.SessionCommand;
import com.foobar.jdbc.routing.StatementType;
import com.foobar.jdbc.topology.Topology;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executor;

/**
 * A logical connection to a cluster: it owns no physical connection of its own but borrows one from a
 * host's pool for each statement (autocommit) or each transaction, chosen by the routing contract:
 *
 * <ul>
 *   <li>autocommit on, read-only off: a plain read goes to the next replica; anything else to the primary;</li>
 *   <li>autocommit off: the whole transaction runs on one physical connection, to the primary, or to one
 *       replica when the connection is read-only;</li>
 *   <li>read-only on: reads go to replicas; a write fails with {@link ReadOnlyViolationException} (25006)
 *       and is never sent;</li>
 *   <li>state set through JDBC and SQL session settings follow the logical connection onto every physical
 *       connection it uses, sent only where they differ;</li>
 *   <li>SQL whose state cannot be replayed ({@link StatementType#PIN}) pins the connection to one primary
 *       connection until it is closed or its pool takes it back ({@link #endRequest()}, or
 *       {@link #clearWarnings()} with no statement open); that physical connection is then evicted.</li>
 * </ul>
 *
 * <p>After an autocommit statement on the primary the connection keeps that primary connection (so
 * {@code SELECT LAST_INSERT_ID()} sees the insert before it) until a read goes to a replica, or until
 * {@link #clearWarnings()} or {@link #endRequest()}, which pools call when the connection goes back to
 * them (HikariCP calls {@code clearWarnings()} on every return), so idle pooled connections hold no
 * primary connection.
 *
 * <p>Like a HikariCP proxy connection, a logical connection is used by one thread at a time; it takes no
 * lock. The cluster it routes over is shared and thread-safe.
 */
public final class FoobarConnection implements Connection, MetaDataAccess {

    private static final Logger log = LoggerFactory.getLogger(FoobarConnection.class);

    private final Cluster cluster;
    private final String url;
    private final Set<TrackedStatement> statements = Collections.newSetFromMap(new IdentityHashMap<>());
    private SessionState session;
    private boolean autoCommit = true;
    private boolean closed;
    private boolean pinned;
    /** The transaction's connection: autocommit off, or a transaction begun in SQL. */
    private Lease txLease;
    /** Whether the open transaction was begun in SQL while autocommit was on. */
    private boolean sqlTransaction;
    /** The kept primary connection: after an autocommit primary statement, or while pinned. */
    private Lease primaryLease;
    private Map<String, Class<?>> typeMap = new HashMap<>();
    private Properties clientInfo = new Properties();

    /**
     * @param cluster a started cluster
     * @param url     the URL for {@link DatabaseMetaData#getURL()}, password already removed
     */
    public FoobarConnection(Cluster cluster, String url) {
        this.cluster = cluster;
        this.url = url;
        this.session = cluster.defaultSession();
    }

    /** @return the cluster this connection routes over */
    public Cluster cluster() {
        return cluster;
    }

    // ---------------------------------------------------------------------------------------------
    // Routing: the one place that decides where a statement runs.

    /**
     * Chooses, borrows if needed, and brings to this connection's session state the physical connection
     * for one execution of a statement of the given type. The caller retains the lease and gives it back
     * through {@link #done(Lease)}.
     *
     * @throws ReadOnlyViolationException (25006) for a write on a read-only connection
     * @throws SQLException               (08001) if no physical connection can be had
     */
    Lease leaseFor(StatementType type) throws SQLException {
        checkOpen();
        boolean readOnly = session.readOnly();
        if (readOnly && (type == StatementType.WRITE || type == StatementType.PIN)) {
            throw new ReadOnlyViolationException("Connection is read-only (Connection.setReadOnly(true)): a "
                    + (type == StatementType.PIN ? "statement that keeps state on the primary" : "write")
                    + " is not allowed and was not sent. Use a read-write connection for it.");
        }
        if (txLease != null) {
            txLease.physical().sync(session, sqlTransaction);
            return txLease;
        }
        if (!autoCommit || type == StatementType.BEGIN) {
            Lease l = transactionLease(readOnly);
            l.physical().sync(session, autoCommit);
            txLease = l;
            sqlTransaction = autoCommit;
            return l;
        }
        if (readOnly || (type == StatementType.READ && !pinned)) {
            releaseIdlePrimary();
            Lease l = cluster.borrowReplica();
            syncOrClose(l, true);
            l.markSingleRead();
            return l;
        }
        if (primaryLease != null && !primaryLease.inUse() && primaryLease.physical().isClosed()) {
            Lease dead = primaryLease;
            primaryLease = null;
            dead.close();
        }
        if (primaryLease == null) {
            Lease l = cluster.borrowPrimary();
            syncOrClose(l, true);
            primaryLease = l;
        } else {
            primaryLease.physical().sync(session, true);
        }
        return primaryLease;
    }

    private Lease transactionLease(boolean readOnly) throws SQLException {
        if (readOnly) {
            releaseIdlePrimary();
            return cluster.borrowReplica();
        }
        if (primaryLease != null) {
            Lease l = primaryLease;
            primaryLease = null;
            return l;
        }
        return cluster.borrowPrimary();
    }

    private void syncOrClose(Lease l, boolean wantAutoCommit) throws SQLException {
        try {
            l.physical().sync(session, wantAutoCommit);
        } catch (SQLException | RuntimeException e) {
            l.close();
            throw e;
        }
    }

    /**
     * Called after a statement ran: follows transaction control and pinning.
     */
    void executed(StatementType type, Lease lease) throws SQLException {
        switch (type) {
            case COMMIT:
            case ROLLBACK:
                if (lease == txLease) {
                    endTransaction();
                }
                break;
            case PIN:
                if (!pinned) {
                    pinned = true;
                    log.debug("[{}] connection pinned to the primary {}", cluster.name(), lease.host());
                }
                break;
            default:
                break;
        }
    }

    /**
     * A statement stopped using a lease: the lease goes back to its pool unless a transaction or the
     * primary affinity keeps it.
     */
    void done(Lease lease) throws SQLException {
        if (lease.unretain() && lease != txLease && lease != primaryLease) {
            lease.close();
        }
    }

    /**
     * A statement failed on a lease. A broken link (SQLState class 08) means the physical connection is gone
     * (HikariCP evicts it): the connection stops holding it, and the monitor checks the host at once. If the
     * lease was on the primary, the failure is reported once the cluster knows what happened, waiting up to
     * {@code failoverTimeoutMs}: an open transaction fails with {@link TransactionResolutionUnknownException}
     * (08007); an autocommit statement, when a new primary took over, with {@link PrimaryChangedException}
     * (08S02); otherwise with the original error.
     *
     * @return the exception to throw
     */
    SQLException failed(Lease lease, SQLException e) {
        String state = e.getSQLState();
        if (state == null || !state.startsWith("08") || e instanceof PrimaryChangedException
                || e instanceof TransactionResolutionUnknownException) {
            return e;
        }
        long failedAt = System.nanoTime();
        boolean inTransaction = lease == txLease && !session.readOnly();
        boolean onPrimary = lease == primaryLease || (lease == txLease && !session.readOnly());
        if (lease == txLease) {
            txLease = null;
            sqlTransaction = false;
        }
        if (lease == primaryLease) {
            primaryLease = null;
        }
        cluster.reportFailure(lease.host());
        if (!onPrimary) {
            return e;
        }
        Topology after;
        try {
            after = cluster.awaitPrimary(lease.host(), failedAt);
        } catch (SQLException timeout) {
            timeout.addSuppressed(e);
            return timeout;
        }
        if (inTransaction) {
            return new TransactionResolutionUnknownException("The link to the primary " + lease.host()
                    + " failed inside a transaction: its outcome is unknown. Roll back and run the transaction again"
                    + (after.primary().equals(lease.host()) ? "" : " (the primary is now " + after.primary() + ")")
                    + ".", e);
        }
        if (!after.primary().equals(lease.host())) {
            return new PrimaryChangedException("Connection moved to a new primary " + after.primary() + " (was "
                    + lease.host() + "): the statement may or may not have run on the old one; re-run it if that is safe.",
                    e);
        }
        return e;
    }

    /**
     * Decides whether a failed read runs again elsewhere: only an autocommit read on a replica connection of
     * its own (not a transaction's, not the kept primary connection) whose link broke (SQLState class 08).
     * The failed host is checked at once by the monitor.
     *
     * @return a lease on another eligible replica, or {@code null} if the failure goes to the application
     */
    Lease retryRead(StatementType type, Lease failed, SQLException e) throws SQLException {
        String state = e.getSQLState();
        boolean linkFailure = state != null && state.startsWith("08");
        if (!linkFailure || closed || (type != StatementType.READ && type != StatementType.SESSION_READ)
                || !failed.singleRead() || failed.host().equals(cluster.topology().primary())) {
            return null;
        }
        cluster.reportFailure(failed.host());
        log.debug("[{}] read on {} failed ({}); running it once more on another replica", cluster.name(),
                failed.host(), e.getMessage());
        Lease l = cluster.borrowReplica(failed.host());
        syncOrClose(l, true);
        l.markSingleRead();
        return l;
    }

    /**
     * Runs a statement that only changes this connection's state (session settings, autocommit, default
     * database) or a transaction end with no transaction open.
     *
     * @return whether the statement was handled here and needs no physical execution
     */
    boolean runLocally(StatementType type, String sql) throws SQLException {
        switch (type) {
            case SESSION_SET:
                applySessionSet(sql);
                return true;
            case AUTOCOMMIT:
                setAutoCommit(SessionCommand.parseAutocommit(sql));
                return true;
            case USE:
                setCatalog(SessionCommand.parseUse(sql));
                return true;
            case COMMIT:
            case ROLLBACK:
                checkOpen();
                return txLease == null;
            default:
                return false;
        }
    }

    private void applySessionSet(String sql) throws SQLException {
        checkOpen();
        Map<String, String> vars = new LinkedHashMap<>();
        for (SessionCommand.Assignment a : SessionCommand.parseSet(sql)) {
            switch (a.key()) {
                case SessionCommand.TRANSACTION_ISOLATION:
                    setTransactionIsolation(isDefault(a.sql()) ? cluster.defaultSession().isolation()
                            : isolationOf(a.sql()));
                    break;
                case SessionCommand.TRANSACTION_READ_ONLY:
                    setReadOnly(!isDefault(a.sql()) && a.sql().toUpperCase(Locale.ROOT).contains("READ ONLY"));
                    break;
                default:
                    vars.put(a.key(), a.sql());
            }
        }
        if (!vars.isEmpty()) {
            changeSession(session.withVariables(vars));
        }
    }

    private static boolean isDefault(String sql) {
        return sql.toUpperCase(Locale.ROOT).trim().endsWith("DEFAULT");
    }

    private static int isolationOf(String sql) throws SQLException {
        String s = sql.toUpperCase(Locale.ROOT);
        if (s.contains("READ UNCOMMITTED")) {
            return TRANSACTION_READ_UNCOMMITTED;
        }
        if (s.contains("READ COMMITTED")) {
            return TRANSACTION_READ_COMMITTED;
        }
        if (s.contains("REPEATABLE READ")) {
            return TRANSACTION_REPEATABLE_READ;
        }
        if (s.contains("SERIALIZABLE")) {
            return TRANSACTION_SERIALIZABLE;
        }
        throw new SQLException("Unknown isolation level in: " + sql, "42000");
    }

    /**
     * Applies a new session state at once on a physical connection (the current one, or one borrowed for
     * the purpose), so a bad value fails here rather than on a later statement. On failure the state is
     * unchanged.
     */
    private void changeSession(SessionState next) throws SQLException {
        checkOpen();
        Lease held = txLease != null ? txLease : primaryLease;
        if (held != null) {
            held.physical().sync(next, held != txLease || sqlTransaction);
            session = next;
            return;
        }
        Lease l = next.readOnly() ? cluster.borrowReplica() : cluster.borrowPrimary();
        try {
            l.physical().sync(next, true);
            session = next;
        } finally {
            l.close();
        }
    }

    private void endTransaction() throws SQLException {
        Lease l = txLease;
        txLease = null;
        sqlTransaction = false;
        if (l == null) {
            return;
        }
        boolean onPrimary = l.host().equals(cluster.topology().primary());
        if (onPrimary && primaryLease == null && (pinned || !session.readOnly())) {
            primaryLease = l;
        } else if (!l.inUse()) {
            l.close();
        }
    }

    private void releaseIdlePrimary() throws SQLException {
        Lease l = primaryLease;
        if (l != null && !pinned && !l.inUse()) {
            primaryLease = null;
            l.close();
        }
    }

    /**
     * Registers a statement so that closing this connection closes it.
     */
    void register(TrackedStatement s) {
        statements.add(s);
    }

    /** A statement closed. */
    void unregister(TrackedStatement s) {
        statements.remove(s);
    }

    /**
     * @return whether this connection is read-only
     */
    boolean readOnlyRouting() {
        return session.readOnly();
    }

    void checkOpen() throws SQLException {
        if (closed) {
            throw new SQLNonTransientConnectionException("Connection is closed", "08003");
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Statements

    @Override
    public Statement createStatement() throws SQLException {
        return createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency) throws SQLException {
        return createStatement(resultSetType, resultSetConcurrency, session.holdability());
    }

    @Override
    public Statement createStatement(int resultSetType, int resultSetConcurrency, int resultSetHoldability)
            throws SQLException {
        checkOpen();
        FoobarStatement s = new FoobarStatement(this, resultSetType, resultSetConcurrency, resultSetHoldability);
        register(s);
        return s;
    }

    @Override
    public PreparedStatement prepareStatement(String sql) throws SQLException {
        return prepare(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY, session.holdability(),
                Statement.NO_GENERATED_KEYS, null, null);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency)
            throws SQLException {
        return prepare(sql, resultSetType, resultSetConcurrency, session.holdability(), Statement.NO_GENERATED_KEYS,
                null, null);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int resultSetType, int resultSetConcurrency,
                                              int resultSetHoldability) throws SQLException {
        return prepare(sql, resultSetType, resultSetConcurrency, resultSetHoldability, Statement.NO_GENERATED_KEYS,
                null, null);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
        return prepare(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY, session.holdability(),
                autoGeneratedKeys, null, null);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
        return prepare(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY, session.holdability(),
                Statement.NO_GENERATED_KEYS, columnIndexes, null);
    }

    @Override
    public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
        return prepare(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY, session.holdability(),
                Statement.NO_GENERATED_KEYS, null, columnNames);
    }

    private PreparedStatement prepare(String sql, int type, int concurrency, int holdability, int keys,
                                      int[] columnIndexes, String[] columnNames) throws SQLException {
        checkOpen();
        FoobarPreparedStatement s = new FoobarPreparedStatement(this, sql, type, concurrency, holdability, keys,
                columnIndexes, columnNames);
        register(s);
        return s;
    }

    @Override
    public CallableStatement prepareCall(String sql) throws SQLException {
        return prepareCall(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
    }

    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency) throws SQLException {
        return prepareCall(sql, resultSetType, resultSetConcurrency, session.holdability());
    }

    /**
     * A stored-procedure call runs on the primary (or in the open transaction): it may write. The physical
     * connection is held until the statement is closed.
     *
     * @throws ReadOnlyViolationException (25006) on a read-only connection
     */
    @Override
    public CallableStatement prepareCall(String sql, int resultSetType, int resultSetConcurrency,
                                         int resultSetHoldability) throws SQLException {
        checkOpen();
        if (session.readOnly()) {
            throw new ReadOnlyViolationException("Connection is read-only (Connection.setReadOnly(true)): a stored "
                    + "procedure call may write and is not allowed. Use a read-write connection for it.");
        }
        Lease lease = leaseFor(StatementType.WRITE);
        lease.retain();
        try {
            CallableStatement physical = lease.connection().prepareCall(sql, resultSetType, resultSetConcurrency,
                    resultSetHoldability);
            FoobarCallableStatement s = new FoobarCallableStatement(this, lease, physical);
            register(s);
            return s;
        } catch (SQLException | RuntimeException e) {
            done(lease);
            throw e;
        }
    }

    @Override
    public String nativeSQL(String sql) throws SQLException {
        return withAnyConnection(c -> c.nativeSQL(sql));
    }

    // ---------------------------------------------------------------------------------------------
    // Transactions

    @Override
    public void setAutoCommit(boolean value) throws SQLException {
        checkOpen();
        if (value == autoCommit) {
            return;
        }
        if (value && txLease != null && !sqlTransaction) {
            commit();
        }
        autoCommit = value;
    }

    @Override
    public boolean getAutoCommit() throws SQLException {
        checkOpen();
        return autoCommit;
    }

    /**
     * Commits the open transaction on its physical connection. With no statement run since the transaction
     * began, nothing is sent.
     *
     * @throws SQLException (25000) in autocommit mode with no transaction begun in SQL, as Connector/J does
     */
    @Override
    public void commit() throws SQLException {
        endWith(true);
    }

    @Override
    public void rollback() throws SQLException {
        endWith(false);
    }

    private void endWith(boolean commit) throws SQLException {
        checkOpen();
        if (autoCommit && !sqlTransaction) {
            throw new SQLException("Can't call " + (commit ? "commit" : "rollback")
                    + " when autocommit=true", "25000");
        }
        Lease l = txLease;
        if (l == null) {
            return;
        }
        try {
            if (sqlTransaction) {
                try (Statement st = l.connection().createStatement()) {
                    st.execute(commit ? "COMMIT" : "ROLLBACK");
                }
            } else if (commit) {
                l.connection().commit();
            } else {
                l.connection().rollback();
            }
        } catch (SQLException e) {
            throw failed(l, e);
        }
        endTransaction();
    }

    @Override
    public Savepoint setSavepoint() throws SQLException {
        return transactionConnection().setSavepoint();
    }

    @Override
    public Savepoint setSavepoint(String name) throws SQLException {
        return transactionConnection().setSavepoint(name);
    }

    @Override
    public void rollback(Savepoint savepoint) throws SQLException {
        transactionConnection().rollback(savepoint);
    }

    @Override
    public void releaseSavepoint(Savepoint savepoint) throws SQLException {
        transactionConnection().releaseSavepoint(savepoint);
    }

    private Connection transactionConnection() throws SQLException {
        checkOpen();
        if (autoCommit && !sqlTransaction) {
            throw new SQLException("Savepoints need a transaction: autocommit is on", "25000");
        }
        if (txLease == null) {
            Lease l = transactionLease(session.readOnly());
            syncOrClose(l, false);
            txLease = l;
        }
        return txLease.connection();
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        checkOpen();
        switch (level) {
            case TRANSACTION_READ_UNCOMMITTED:
            case TRANSACTION_READ_COMMITTED:
            case TRANSACTION_REPEATABLE_READ:
            case TRANSACTION_SERIALIZABLE:
                break;
            default:
                throw new SQLException("Unsupported transaction isolation level " + level, "HY024");
        }
        if (level != session.isolation()) {
            session = session.withIsolation(level);
        }
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        checkOpen();
        return session.isolation();
    }

    // ---------------------------------------------------------------------------------------------
    // Session state

    /**
     * Switches read-only routing. Read-only: reads go to replicas (a transaction stays on one replica) and
     * writes fail with 25006. Not allowed while a transaction is open (JDBC 4.3, section 10.1.1).
     *
     * @throws SQLException (25001) inside an open transaction
     */
    @Override
    public void setReadOnly(boolean readOnly) throws SQLException {
        checkOpen();
        if (readOnly == session.readOnly()) {
            return;
        }
        if (txLease != null) {
            throw new SQLException("Cannot change read-only mode inside an open transaction: commit or roll back first",
                    "25001");
        }
        session = session.withReadOnly(readOnly);
        if (readOnly) {
            releaseIdlePrimary();
        }
    }

    @Override
    public boolean isReadOnly() throws SQLException {
        checkOpen();
        return session.readOnly();
    }

    /**
     * Changes the default database of this connection and of every physical connection it uses. Sent at
     * once (one {@code USE}), so an unknown database fails here.
     */
    @Override
    public void setCatalog(String catalog) throws SQLException {
        checkOpen();
        if (catalog == null || catalog.equals(session.catalog())) {
            return;
        }
        changeSession(session.withCatalog(catalog));
    }

    @Override
    public String getCatalog() throws SQLException {
        checkOpen();
        return session.catalog();
    }

    @Override
    public void setSchema(String schema) throws SQLException {
        checkOpen();
        if (schema == null || schema.equals(session.schema())) {
            return;
        }
        changeSession(session.withSchema(schema));
    }

    @Override
    public String getSchema() throws SQLException {
        checkOpen();
        return session.schema();
    }

    @Override
    public void setHoldability(int holdability) throws SQLException {
        checkOpen();
        if (holdability != ResultSet.HOLD_CURSORS_OVER_COMMIT && holdability != ResultSet.CLOSE_CURSORS_AT_COMMIT) {
            throw new SQLException("Unknown holdability " + holdability, "HY024");
        }
        if (holdability != session.holdability()) {
            session = session.withHoldability(holdability);
        }
    }

    @Override
    public int getHoldability() throws SQLException {
        checkOpen();
        return session.holdability();
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        checkOpen();
        if (milliseconds < 0) {
            throw new SQLException("Network timeout must be 0 or more ms, not " + milliseconds, "HY024");
        }
        if (milliseconds != session.networkTimeoutMs()) {
            session = session.withNetworkTimeout(executor, milliseconds);
        }
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        checkOpen();
        return session.networkTimeoutMs();
    }

    @Override
    public Map<String, Class<?>> getTypeMap() throws SQLException {
        checkOpen();
        return typeMap;
    }

    @Override
    public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
        checkOpen();
        typeMap = map == null ? new HashMap<>() : map;
    }

    @Override
    public void setClientInfo(String name, String value) throws SQLClientInfoException {
        if (closed) {
            throw new SQLClientInfoException("Connection is closed", "08003", Map.of());
        }
        if (value == null) {
            clientInfo.remove(name);
        } else {
            clientInfo.setProperty(name, value);
        }
    }

    @Override
    public void setClientInfo(Properties properties) throws SQLClientInfoException {
        if (closed) {
            throw new SQLClientInfoException("Connection is closed", "08003", Map.of());
        }
        Properties copy = new Properties();
        if (properties != null) {
            copy.putAll(properties);
        }
        clientInfo = copy;
    }

    @Override
    public String getClientInfo(String name) throws SQLException {
        checkOpen();
        return clientInfo.getProperty(name);
    }

    @Override
    public Properties getClientInfo() throws SQLException {
        checkOpen();
        Properties copy = new Properties();
        copy.putAll(clientInfo);
        return copy;
    }

    @Override
    public SQLWarning getWarnings() throws SQLException {
        checkOpen();
        return null;
    }

    /**
     * Clears warnings. HikariCP calls this on every return of a connection to its pool, after closing the
     * connection's statements, and never calls {@link #endRequest()} by default: so when no statement is
     * open, this is taken as the end of a request and does what {@link #endRequest()} does (gives back the
     * kept primary connection, unpins). With statements open it only gives back an idle kept primary
     * connection.
     */
    @Override
    public void clearWarnings() throws SQLException {
        checkOpen();
        if (statements.isEmpty()) {
            endRequest();
        } else {
            releaseIdlePrimary();
        }
    }

    /** JDBC 4.3: a pool hands this connection out; nothing to do. */
    @Override
    public void beginRequest() {
        // A request boundary needs no preparation: every physical connection is synced when borrowed.
    }

    /**
     * JDBC 4.3: a pool took this connection back. Gives back a kept primary connection; a pinned connection
     * is unpinned and its physical connection, which carries state that cannot be undone, is evicted.
     */
    @Override
    public void endRequest() throws SQLException {
        if (closed || txLease != null) {
            return;
        }
        if (pinned && primaryLease != null && !primaryLease.inUse()) {
            Lease l = primaryLease;
            primaryLease = null;
            pinned = false;
            evictAndClose(l);
        }
        releaseIdlePrimary();
    }

    // ---------------------------------------------------------------------------------------------
    // Lifecycle

    /**
     * Closes every statement, rolls back an open transaction and gives back every physical connection.
     * A pinned physical connection is evicted from its pool rather than returned. Idempotent.
     */
    @Override
    public void close() throws SQLException {
        if (closed) {
            return;
        }
        SQLException first = null;
        for (TrackedStatement s : new ArrayList<>(statements)) {
            try {
                s.closeByConnection();
            } catch (SQLException e) {
                first = chain(first, e);
            }
        }
        statements.clear();
        if (txLease != null) {
            try {
                endWith(false);
            } catch (SQLException e) {
                first = chain(first, e);
                Lease l = txLease;
                txLease = null;
                if (l != null) {
                    evictAndClose(l);
                }
            }
        }
        Lease p = primaryLease;
        primaryLease = null;
        if (p != null) {
            if (pinned) {
                evictAndClose(p);
            } else {
                try {
                    p.close();
                } catch (SQLException e) {
                    first = chain(first, e);
                }
            }
        }
        closed = true;
        if (first != null) {
            throw first;
        }
    }

    private static void evictAndClose(Lease l) {
        l.evict();
        try {
            l.close();
        } catch (SQLException e) {
            log.debug("closing an evicted connection to {} failed", l.host(), e);
        }
    }

    private static SQLException chain(SQLException first, SQLException next) {
        if (first == null) {
            return next;
        }
        first.setNextException(next);
        return first;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    /**
     * Aborts: marks the connection closed at once and evicts every physical connection it holds, without
     * waiting for them (JDBC 4.1, section 9.6.4.5). The executor is not needed: eviction does not block.
     */
    @Override
    public void abort(Executor executor) throws SQLException {
        if (executor == null) {
            throw new SQLException("abort needs an executor", "HY009");
        }
        if (closed) {
            return;
        }
        closed = true;
        Set<Lease> leases = Collections.newSetFromMap(new IdentityHashMap<>());
        for (TrackedStatement s : statements) {
            Lease l = s.abortLease();
            if (l != null) {
                leases.add(l);
            }
        }
        statements.clear();
        if (txLease != null) {
            leases.add(txLease);
        }
        if (primaryLease != null) {
            leases.add(primaryLease);
        }
        txLease = null;
        primaryLease = null;
        for (Lease l : leases) {
            evictAndClose(l);
        }
    }

    /**
     * Checks the connection a statement would use now: the transaction's, the kept primary connection, or a
     * new one to the primary (a replica when read-only).
     *
     * @param timeout seconds, 0 for none
     * @return whether it answers within the timeout
     * @throws SQLException (HY024) for a negative timeout
     */
    @Override
    public boolean isValid(int timeout) throws SQLException {
        if (timeout < 0) {
            throw new SQLException("Timeout must be 0 or more seconds, not " + timeout, "HY024");
        }
        if (closed) {
            return false;
        }
        Lease held = txLease != null ? txLease : primaryLease;
        if (held != null) {
            return held.connection().isValid(timeout);
        }
        try {
            return withAnyConnection(c -> c.isValid(timeout));
        } catch (SQLException e) {
            log.debug("[{}] isValid failed", cluster.name(), e);
            return false;
        }
    }

    // ---------------------------------------------------------------------------------------------
    // Metadata and factories

    @Override
    public DatabaseMetaData getMetaData() throws SQLException {
        checkOpen();
        return new FoobarDatabaseMetaData(this, url, this);
    }

    @Override
    public <R> R withMetaData(SqlFunction<DatabaseMetaData, R> call) throws SQLException {
        return withAnyConnection(c -> call.apply(c.getMetaData()));
    }

    /**
     * Runs a call that needs a physical connection but no particular host: the one this connection holds,
     * else the primary's (a replica's when read-only), given back afterwards.
     */
    private <R> R withAnyConnection(SqlFunction<Connection, R> call) throws SQLException {
        checkOpen();
        Lease held = txLease != null ? txLease : primaryLease;
        if (held != null) {
            return call.apply(held.connection());
        }
        Lease l = session.readOnly() ? cluster.borrowReplica() : cluster.borrowPrimary();
        try {
            return call.apply(l.connection());
        } finally {
            l.close();
        }
    }

    @Override
    public Clob createClob() throws SQLException {
        return withAnyConnection(Connection::createClob);
    }

    @Override
    public Blob createBlob() throws SQLException {
        return withAnyConnection(Connection::createBlob);
    }

    @Override
    public NClob createNClob() throws SQLException {
        return withAnyConnection(Connection::createNClob);
    }

    @Override
    public SQLXML createSQLXML() throws SQLException {
        return withAnyConnection(Connection::createSQLXML);
    }

    @Override
    public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
        return withAnyConnection(c -> c.createArrayOf(typeName, elements));
    }

    @Override
    public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
        return withAnyConnection(c -> c.createStruct(typeName, attributes));
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLFeatureNotSupportedException("A Foobar connection is not a wrapper for " + iface.getName()
                + ": it has no single physical connection", "0A000");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    @Override
    public String toString() {
        return "FoobarConnection[" + cluster.name() + (closed ? ", closed" : "") + (pinned ? ", pinned" : "")
                + (session.readOnly() ? ", read-only" : "") + (autoCommit ? "" : ", autocommit off") + "]";
    }
}
