package com.foobar.jdbc.pool;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;

/**
 * The session state a logical connection wants on every physical connection it uses: what was set
 * through JDBC (read-only, isolation, catalog, schema, holdability, network timeout) and the session
 * settings made in SQL ({@code SET NAMES}, {@code SET [SESSION] var = ...}), keyed by variable.
 *
 * <p>Autocommit is not part of it: it follows from whether a statement runs inside a transaction.
 * Immutable: a change makes a new instance, so a physical connection that already has this exact
 * instance applied needs nothing sent (an identity check on the hot path).
 *
 * @param readOnly          {@link java.sql.Connection#setReadOnly}
 * @param isolation         {@link java.sql.Connection#setTransactionIsolation} level
 * @param catalog           the default database, or {@code null} for none
 * @param schema            {@link java.sql.Connection#setSchema}, as the physical connection reports it
 * @param holdability       {@link java.sql.Connection#setHoldability}
 * @param networkTimeoutMs  {@link java.sql.Connection#setNetworkTimeout}, ms, 0 for none
 * @param timeoutExecutor   the executor given with the network timeout, or {@code null}
 * @param variables         SQL session settings: key (variable, or {@code names}) to the SET that applies it
 */
public record SessionState(boolean readOnly, int isolation, String catalog, String schema, int holdability,
                           int networkTimeoutMs, Executor timeoutExecutor, Map<String, String> variables) {

    /** Makes the variables map unmodifiable, keeping its order. */
    public SessionState {
        variables = Collections.unmodifiableMap(new LinkedHashMap<>(variables));
    }

    /** @param value new read-only flag @return a copy with it */
    public SessionState withReadOnly(boolean value) {
        return new SessionState(value, isolation, catalog, schema, holdability, networkTimeoutMs, timeoutExecutor, variables);
    }

    /** @param value new isolation level @return a copy with it */
    public SessionState withIsolation(int value) {
        return new SessionState(readOnly, value, catalog, schema, holdability, networkTimeoutMs, timeoutExecutor, variables);
    }

    /** @param value new catalog @return a copy with it */
    public SessionState withCatalog(String value) {
        return new SessionState(readOnly, isolation, value, schema, holdability, networkTimeoutMs, timeoutExecutor, variables);
    }

    /** @param value new schema @return a copy with it */
    public SessionState withSchema(String value) {
        return new SessionState(readOnly, isolation, catalog, value, holdability, networkTimeoutMs, timeoutExecutor, variables);
    }

    /** @param value new holdability @return a copy with it */
    public SessionState withHoldability(int value) {
        return new SessionState(readOnly, isolation, catalog, schema, value, networkTimeoutMs, timeoutExecutor, variables);
    }

    /** @param executor executor for the timeout @param ms new network timeout, ms @return a copy with it */
    public SessionState withNetworkTimeout(Executor executor, int ms) {
        return new SessionState(readOnly, isolation, catalog, schema, holdability, ms, executor, variables);
    }

    /**
     * @param settings key to SET statement, applied after the current ones (a key already present is replaced)
     * @return a copy with them
     */
    public SessionState withVariables(Map<String, String> settings) {
        Map<String, String> merged = new LinkedHashMap<>(variables);
        for (Map.Entry<String, String> e : settings.entrySet()) {
            merged.remove(e.getKey());
            merged.put(e.getKey(), e.getValue());
        }
        return new SessionState(readOnly, isolation, catalog, schema, holdability, networkTimeoutMs, timeoutExecutor, merged);
    }
}
