package com.foobar.jdbc;

import java.sql.SQLNonTransientException;

/**
 * A statement that writes (or holds state on the primary) was issued on a connection set read-only with
 * {@link java.sql.Connection#setReadOnly(boolean)}. It was not sent anywhere: a read-only connection never
 * sends a statement to the primary.
 *
 * <p>SQLState {@code 25006} (read-only SQL-transaction, SQL:2016 part 2, subclause 24.1).
 */
public class ReadOnlyViolationException extends SQLNonTransientException {

    private static final long serialVersionUID = 1L;

    /** @param message names the statement kind and what to do instead */
    public ReadOnlyViolationException(String message) {
        super(message, "25006");
    }
}
