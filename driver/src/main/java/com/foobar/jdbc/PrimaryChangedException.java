package com.foobar.jdbc;

import java.sql.SQLTransientConnectionException;

/**
 * An autocommit statement was in flight on the primary when it failed, and the cluster now has a new
 * primary. The statement may or may not have committed on the old one, so the driver does not re-run it:
 * re-run it yourself if that is safe. The same connection works on the new primary right away.
 *
 * <p>SQLState {@code 08S02} (connection moved to a new primary, as the AWS JDBC wrapper reports a
 * completed failover). Transient: re-running may succeed.
 */
public class PrimaryChangedException extends SQLTransientConnectionException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message names the old and the new primary
     * @param cause   the link failure seen on the old primary
     */
    public PrimaryChangedException(String message, Throwable cause) {
        super(message, "08S02", cause);
    }
}
