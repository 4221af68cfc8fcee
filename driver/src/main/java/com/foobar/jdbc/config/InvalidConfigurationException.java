package com.foobar.jdbc.config;

import java.sql.SQLNonTransientConnectionException;

/**
 * A JDBC URL or property that the driver cannot accept. The message names the property, the value
 * (never a password) and what is accepted.
 *
 * <p>SQLState {@code 08001} (the client cannot establish the connection), as Connector/J and pgjdbc
 * report bad connection settings; it is non-transient: retrying with the same settings fails again.
 */
public class InvalidConfigurationException extends SQLNonTransientConnectionException {

    private static final long serialVersionUID = 1L;

    /** @param message says which property is wrong and what is accepted */
    public InvalidConfigurationException(String message) {
        super(message, "08001");
    }
}
