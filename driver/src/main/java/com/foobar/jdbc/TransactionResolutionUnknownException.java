package com.foobar.jdbc;

import java.sql.SQLTransientConnectionException;

/**
 * A transaction was open on the primary when the link to it failed: whether its commit happened is unknown
 * (it was rolled back unless a COMMIT was in flight). Call {@code rollback()}; the connection then works on
 * the current primary.
 *
 * <p>SQLState {@code 08007} (transaction resolution unknown, SQL:2016 part 2, subclause 24.1).
 */
public class TransactionResolutionUnknownException extends SQLTransientConnectionException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message names the host and what to do
     * @param cause   the link failure
     */
    public TransactionResolutionUnknownException(String message, Throwable cause) {
        super(message, "08007", cause);
    }
}
