package com.foobar.jdbc.topology;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An immutable snapshot of a cluster: its primary, the replicas that may serve reads, and what was
 * last learnt about every host. The router reads the current snapshot without locking; only the
 * cluster's discovery and monitor replace it (through an {@code AtomicReference}).
 *
 * @param primary  the host that takes writes
 * @param replicas the replicas eligible for reads, in URL order (may be empty)
 * @param hosts    the last status of every host in the URL, in URL order
 * @param excluded why each host is out: a replica out of the read rotation, or the primary failing its checks
 * @param lagMs    the last measured replication lag of each replica, in ms, where known
 */
public record Topology(HostSpec primary, List<HostSpec> replicas, Map<HostSpec, HostStatus> hosts,
                       Map<HostSpec, String> excluded, Map<HostSpec, Long> lagMs) {

    /** Copies the collections so the snapshot stays immutable. */
    public Topology {
        replicas = List.copyOf(replicas);
        hosts = Collections.unmodifiableMap(new LinkedHashMap<>(hosts));
        excluded = Collections.unmodifiableMap(new LinkedHashMap<>(excluded));
        lagMs = Collections.unmodifiableMap(new LinkedHashMap<>(lagMs));
    }

    /** A snapshot with no exclusion reasons or lag known yet. */
    public Topology(HostSpec primary, List<HostSpec> replicas, Map<HostSpec, HostStatus> hosts) {
        this(primary, replicas, hosts, Map.of(), Map.of());
    }

    /** @return whether the primary is failing its health checks */
    public boolean primaryDown() {
        return excluded.containsKey(primary);
    }

    /**
     * @return every host other than the primary and why it is out of the rotation, for error messages
     */
    public String describeReplicas() {
        StringBuilder sb = new StringBuilder();
        for (HostSpec h : hosts.keySet()) {
            if (h.equals(primary)) {
                continue;
            }
            sb.append(sb.length() == 0 ? "" : "; ").append(h).append(": ");
            String why = excluded.get(h);
            sb.append(why == null ? (replicas.contains(h) ? "eligible" : "not a replica") : why);
        }
        return sb.length() == 0 ? "no replica listed" : sb.toString();
    }
}
