package com.foobar.jdbc.topology;

import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of a cluster: its primary, the replicas that may serve reads, and what was
 * last learnt about every host. The router reads the current snapshot without locking; only the
 * cluster's discovery replaces it (through an {@code AtomicReference}).
 *
 * @param primary  the host that takes writes
 * @param replicas the replicas eligible for reads, in URL order (may be empty)
 * @param hosts    the last status of every host in the URL, in URL order
 */
public record Topology(HostSpec primary, List<HostSpec> replicas, Map<HostSpec, HostStatus> hosts) {

    /** Copies the collections so the snapshot stays immutable. */
    public Topology {
        replicas = List.copyOf(replicas);
        hosts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(hosts));
    }
}
