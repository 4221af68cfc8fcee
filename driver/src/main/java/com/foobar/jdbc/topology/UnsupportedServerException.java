package com.foobar.jdbc.topology;

import java.sql.SQLNonTransientConnectionException;

/**
 * A host runs a server version the driver does not support (older than MySQL 8.0.23 or MariaDB 10.6, or not
 * MySQL/MariaDB at all). The message names the host, its version and the supported versions.
 *
 * <p>SQLState {@code 08001}: the client cannot establish the connection.
 */
public class UnsupportedServerException extends SQLNonTransientConnectionException {

    private static final long serialVersionUID = 1L;

    /** @param message names the host, its version and what is supported */
    public UnsupportedServerException(String message) {
        super(message, "08001");
    }
}
