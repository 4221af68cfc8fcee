package com.foobar.jdbc.health;

import com.foobar.jdbc.topology.HostSpec;
import com.foobar.jdbc.topology.Topology;

/**
 * A change in a cluster's state, as reported to {@link ClusterListener}s.
 *
 * <p>Immutable and thread-safe.
 *
 * @param type     what happened
 * @param cluster  the cluster's name (host list, database, user)
 * @param host     the host concerned
 * @param reason   why, e.g. {@code replication lag 1500 ms > maxReplicationLagMs 1000}; {@code null} for returns
 * @param topology the topology snapshot after the change
 */
public record ClusterEvent(Type type, String cluster, HostSpec host, String reason, Topology topology) {

    /** The kinds of change. */
    public enum Type {
        /** A replica left the read rotation (down, lagging, replication stopped or broken). */
        REPLICA_EXCLUDED,
        /** A replica came back to the read rotation after enough good checks. */
        REPLICA_RESTORED,
        /** The primary failed {@code failureThreshold} consecutive checks. */
        PRIMARY_UNREACHABLE,
        /** The primary answers checks again. */
        PRIMARY_REACHABLE,
        /** No replica is eligible: reads go to the primary ({@code readFallback=primary}) or fail. */
        NO_ELIGIBLE_REPLICA,
        /** A new primary took over (promoted by the driver, or adopted); {@code host} is the new primary. */
        PRIMARY_CHANGED,
        /** A writable host that is not the primary (an old primary) was set read-only. */
        HOST_FENCED
    }
}
