package com.foobar.jdbc.topology;

/**
 * The result of one probe of one host: reachable or not, writable or read-only, replicating from whom.
 *
 * <p>Immutable and thread-safe.
 *
 * @param host        the host probed
 * @param reachable   whether a connection and the role queries succeeded
 * @param readOnly    {@code @@global.read_only} (meaningful only when reachable)
 * @param serverId    {@code @@server_id}, or 0 when unreachable
 * @param version     {@code VERSION()}, or {@code null} when unreachable
 * @param replication what the host reported about its replication, or {@code null} when unreachable
 * @param error       why the host is unreachable (a message that names no password), or {@code null}
 * @param nowMicros   the server's clock ({@code NOW(6)}) when probed, in microseconds of its local time
 *                    since the epoch, or 0 when unknown
 */
public record HostStatus(HostSpec host, boolean reachable, boolean readOnly, long serverId, String version,
                         ReplicationStatus replication, String error, long nowMicros) {

    /** A status without the server's clock. */
    public HostStatus(HostSpec host, boolean reachable, boolean readOnly, long serverId, String version,
                      ReplicationStatus replication, String error) {
        this(host, reachable, readOnly, serverId, version, replication, error, 0);
    }

    /**
     * @param host  the host that could not be probed
     * @param error what went wrong
     * @return the status of an unreachable host
     */
    public static HostStatus unreachable(HostSpec host, String error) {
        return new HostStatus(host, false, false, 0, null, null, error);
    }

    /** @return whether the host accepts writes and replicates from nobody: a primary */
    public boolean isPrimaryCandidate() {
        return reachable && !readOnly && !replication.configured();
    }

    /** @return a one-line description, e.g. {@code 127.0.0.1:3307 read-only, replicating from server_id 1} */
    public String describe() {
        if (!reachable) {
            return host + " unreachable (" + error + ")";
        }
        return host + " " + (readOnly ? "read-only" : "writable") + ", " + replication.describe()
                + " (server_id " + serverId + ", " + version + ")";
    }
}
