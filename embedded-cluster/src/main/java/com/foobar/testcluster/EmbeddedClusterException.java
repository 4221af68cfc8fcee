package com.foobar.testcluster;

/**
 * Unchecked exception thrown by the embedded test cluster when a server cannot be prepared,
 * started, stopped, queried or signalled, or when a wait (replication start, catch-up) times out.
 *
 * <p>When the failure comes from JDBC, the {@link java.sql.SQLException} is the {@link #getCause()
 * cause}, so a test can still inspect {@code getErrorCode()} / {@code getSQLState()}.
 */
public class EmbeddedClusterException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, including the server concerned
     */
    public EmbeddedClusterException(String message) {
        super(message);
    }

    /**
     * @param message what failed, including the server concerned
     * @param cause the underlying failure
     */
    public EmbeddedClusterException(String message, Throwable cause) {
        super(message, cause);
    }
}
