package com.foobar.jdbc.topology;

/**
 * What one host reported about its own replication, as far as the probing user may see.
 *
 * <p>With a user that may run {@code SHOW SLAVE STATUS} / {@code SHOW REPLICA STATUS} (MariaDB
 * {@code REPLICA MONITOR}, MySQL {@code REPLICATION CLIENT}) every field is known ({@code detailed}).
 * A least-privileged user only sees the {@code Slave_running}/{@code Slaves_running} status variables:
 * then the source and the thread states are unknown ({@code null}).
 *
 * <p>Immutable and thread-safe.
 *
 * @param detailed       whether the replica status row was readable
 * @param configured     whether the host has a replication source configured (with {@code detailed});
 *                       otherwise whether replication threads run
 * @param ioRunning      whether the receiving (I/O) thread runs ({@code Yes}), is stopped ({@code No}), or
 *                       {@code null} when it is reconnecting or unknown
 * @param sqlRunning     whether the applying (SQL) thread runs, or {@code null} if unknown
 * @param sourceServerId the {@code server_id} of the source it replicates from, or {@code null}
 * @param secondsBehind  the server's own lag estimate in seconds, or {@code null}
 * @param lastError      the last I/O or SQL thread error, or {@code null} for none
 */
public record ReplicationStatus(boolean detailed, boolean configured, Boolean ioRunning, Boolean sqlRunning,
                                Long sourceServerId, Long secondsBehind, String lastError) {

    /** A host that replicates from nobody, as seen with full privileges. */
    public static final ReplicationStatus NONE = new ReplicationStatus(true, false, false, false, null, null, null);

    /**
     * @return whether the host replicates: a source is configured and neither thread is stopped. A receiving
     *         thread that is reconnecting (its source is down) still counts: the replica serves what it has,
     *         and its lag bounds how stale that is. An error stops its thread, so a stale error text with both
     *         threads running does not count.
     */
    public boolean running() {
        return configured && !Boolean.FALSE.equals(ioRunning) && !Boolean.FALSE.equals(sqlRunning);
    }

    /** @return a short description for logs and error messages */
    public String describe() {
        if (!configured) {
            return "not replicating";
        }
        if (!detailed) {
            return "replicating (source not visible to this user)";
        }
        StringBuilder sb = new StringBuilder("replicating from server_id ").append(sourceServerId);
        if (Boolean.FALSE.equals(ioRunning)) {
            sb.append(", I/O thread stopped");
        } else if (ioRunning == null) {
            sb.append(", I/O thread reconnecting");
        }
        if (!Boolean.TRUE.equals(sqlRunning)) {
            sb.append(", SQL thread stopped");
        }
        if (lastError != null) {
            sb.append(", error: ").append(lastError);
        }
        return sb.toString();
    }
}
