package com.foobar.jdbc.pool;

import com.foobar.jdbc.jdbc.DelegatingConnection;
import com.foobar.jdbc.routing.SessionCommand;
import com.foobar.jdbc.topology.HostSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * One Connector/J connection to one host, as the driver's per-host pool holds it, with the session
 * state it currently has. Every JDBC state setter is skipped when the connection already has the value
 * (the idea of Connector/J's {@code useLocalSessionState}), so {@link #sync} sends a statement only for
 * what differs: no extra round trip in the steady state.
 *
 * <p>Session settings made in SQL are undone exactly: before a variable is first set on this connection,
 * its original value is read once, so that a later borrower that does not want the setting gets the
 * connection's own value back (not the server's global default).
 *
 * <p>Not thread-safe: a pooled connection is used by one logical connection at a time.
 */
public final class PhysicalConnection extends DelegatingConnection {

    private static final Logger log = LoggerFactory.getLogger(PhysicalConnection.class);
    private static final Executor DIRECT = Runnable::run;

    private final HostSpec host;
    private boolean autoCommit;
    private boolean readOnly;
    private int isolation = -1;
    private String catalog;
    private int networkTimeoutMs = -1;
    private Map<String, String> variables = Map.of();
    private final Map<String, String> restore = new HashMap<>();
    private SessionState applied;

    /**
     * @param delegate a new Connector/J connection
     * @param host     the host it is connected to
     * @throws SQLException if its initial state cannot be read
     */
    PhysicalConnection(Connection delegate, HostSpec host) throws SQLException {
        super(delegate);
        this.host = host;
        this.autoCommit = delegate.getAutoCommit();
        this.readOnly = delegate.isReadOnly();
        this.catalog = delegate.getCatalog();
    }

    /** @return the host this connection is connected to */
    public HostSpec host() {
        return host;
    }

    /**
     * Brings this connection to the wanted state, sending only what differs.
     *
     * @param want       the logical connection's session state
     * @param autoCommit whether the statement runs in autocommit mode (false inside a transaction)
     * @throws SQLException if the server rejects a setting; the connection keeps what it had before that setting
     */
    public void sync(SessionState want, boolean autoCommit) throws SQLException {
        setAutoCommit(autoCommit);
        if (applied == want) {
            return;
        }
        setReadOnly(want.readOnly());
        setTransactionIsolation(want.isolation());
        if (want.catalog() != null) {
            setCatalog(want.catalog());
        }
        setNetworkTimeout(want.timeoutExecutor(), want.networkTimeoutMs());
        if (getHoldability() != want.holdability()) {
            setHoldability(want.holdability());
        }
        if (want.schema() != null && !want.schema().equals(getSchema())) {
            setSchema(want.schema());
        }
        syncVariables(want.variables());
        applied = want;
    }

    private void syncVariables(Map<String, String> want) throws SQLException {
        if (variables.equals(want)) {
            return;
        }
        try (Statement st = delegate.createStatement()) {
            for (Map.Entry<String, String> e : variables.entrySet()) {
                if (!want.containsKey(e.getKey())) {
                    st.execute(restore.get(e.getKey()));
                }
            }
            Map<String, String> now = new HashMap<>(variables);
            now.keySet().retainAll(want.keySet());
            for (Map.Entry<String, String> e : want.entrySet()) {
                if (!e.getValue().equals(now.get(e.getKey()))) {
                    captureOriginal(st, e.getKey());
                    st.execute(e.getValue());
                    now.put(e.getKey(), e.getValue());
                    variables = Map.copyOf(now);
                }
            }
            variables = Map.copyOf(now);
        }
    }

    private void captureOriginal(Statement st, String key) throws SQLException {
        if (restore.containsKey(key)) {
            return;
        }
        List<String> names = SessionCommand.variablesOf(key);
        StringBuilder select = new StringBuilder("SELECT ");
        for (int i = 0; i < names.size(); i++) {
            select.append(i == 0 ? "" : ", ").append("@@session.").append(names.get(i));
        }
        StringBuilder set = new StringBuilder("SET ");
        try (ResultSet rs = st.executeQuery(select.toString())) {
            rs.next();
            for (int i = 0; i < names.size(); i++) {
                set.append(i == 0 ? "" : ", ").append("@@session.").append(names.get(i)).append(" = ")
                        .append(literal(rs.getObject(i + 1)));
            }
        }
        restore.put(key, set.toString());
        log.trace("{}: original of {} is restored by: {}", host, key, set);
    }

    private static String literal(Object value) {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof Number) {
            return value.toString();
        }
        return "'" + value.toString().replace("\\", "\\\\").replace("'", "''") + "'";
    }

    @Override
    public void setAutoCommit(boolean value) throws SQLException {
        if (value != autoCommit) {
            delegate.setAutoCommit(value);
            autoCommit = value;
        }
    }

    @Override
    public boolean getAutoCommit() {
        return autoCommit;
    }

    @Override
    public void setReadOnly(boolean value) throws SQLException {
        if (value != readOnly) {
            delegate.setReadOnly(value);
            readOnly = value;
        }
    }

    @Override
    public boolean isReadOnly() {
        return readOnly;
    }

    @Override
    public void setTransactionIsolation(int level) throws SQLException {
        if (level != getTransactionIsolation()) {
            delegate.setTransactionIsolation(level);
            isolation = level;
        }
    }

    @Override
    public int getTransactionIsolation() throws SQLException {
        if (isolation == -1) {
            isolation = delegate.getTransactionIsolation();
        }
        return isolation;
    }

    @Override
    public void setCatalog(String value) throws SQLException {
        if (!Objects.equals(value, catalog)) {
            delegate.setCatalog(value);
            catalog = value;
        }
    }

    @Override
    public String getCatalog() {
        return catalog;
    }

    @Override
    public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
        if (milliseconds != getNetworkTimeout()) {
            delegate.setNetworkTimeout(executor == null ? DIRECT : executor, milliseconds);
            networkTimeoutMs = milliseconds;
        }
    }

    @Override
    public int getNetworkTimeout() throws SQLException {
        if (networkTimeoutMs == -1) {
            networkTimeoutMs = delegate.getNetworkTimeout();
        }
        return networkTimeoutMs;
    }
}
