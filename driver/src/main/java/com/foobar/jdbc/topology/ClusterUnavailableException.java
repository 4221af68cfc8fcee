package com.foobar.jdbc.topology;

import java.sql.SQLNonTransientConnectionException;

/**
 * The cluster has no usable primary: none of the hosts is a writable, non-replicating server, or more
 * than one is writable (a split brain the driver refuses to guess about). The message lists every host
 * and what it reported.
 *
 * <p>SQLState {@code 08001}: the client cannot establish the connection.
 */
public class ClusterUnavailableException extends SQLNonTransientConnectionException {

    private static final long serialVersionUID = 1L;

    /** @param message names every host and its state */
    public ClusterUnavailableException(String message) {
        super(message, "08001");
    }
}
