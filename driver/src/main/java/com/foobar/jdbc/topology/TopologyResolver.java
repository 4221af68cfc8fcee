package com.foobar.jdbc.topology;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns the probes of every host into a {@link Topology}.
 *
 * <p>Rules: the primary is the one reachable host that is writable ({@code @@global.read_only = 0}) and
 * replicates from nobody. A replica is a reachable read-only host whose replication runs and, where the
 * probing user may see it, follows that primary (by {@code server_id}). Unreachable hosts, read-only hosts
 * whose replication is stopped or broken, and hosts following another source are left out of the read
 * rotation. No primary, or more than one writable host, is a {@link ClusterUnavailableException}.
 *
 * <p>Stateless and thread-safe.
 */
public final class TopologyResolver {

    private TopologyResolver() {
    }

    /**
     * @param clusterName for the error message
     * @param statuses    one status per host, in URL order
     * @return the topology
     * @throws ClusterUnavailableException (08001) when there is no primary or more than one writable host;
     *                                     the message lists each host and what it reported
     */
    public static Topology resolve(String clusterName, List<HostStatus> statuses) throws ClusterUnavailableException {
        Map<HostSpec, HostStatus> hosts = new LinkedHashMap<>();
        List<HostStatus> writable = new ArrayList<>();
        for (HostStatus s : statuses) {
            hosts.put(s.host(), s);
            if (s.reachable() && !s.readOnly()) {
                writable.add(s);
            }
        }
        if (writable.size() > 1) {
            throw new ClusterUnavailableException("More than one writable host in cluster " + clusterName
                    + ": refusing to choose a primary. Make every host but the primary read-only. Hosts: " + report(statuses));
        }
        if (writable.isEmpty() || !writable.get(0).isPrimaryCandidate()) {
            throw new ClusterUnavailableException("No primary in cluster " + clusterName
                    + " (a reachable, writable host that replicates from nobody). Hosts: " + report(statuses));
        }
        HostStatus primary = writable.get(0);
        List<HostSpec> replicas = new ArrayList<>();
        Map<HostSpec, String> excluded = new LinkedHashMap<>();
        for (HostStatus s : statuses) {
            if (s == primary) {
                continue;
            }
            String why = whyNotReplicaOf(s, primary);
            if (why == null) {
                replicas.add(s.host());
            } else {
                excluded.put(s.host(), why);
            }
        }
        return new Topology(primary.host(), replicas, hosts, excluded, Map.of());
    }

    /**
     * @return whether {@code s} may serve reads for a cluster whose primary is {@code primary}
     */
    static boolean isReplicaOf(HostStatus s, HostStatus primary) {
        return whyNotReplicaOf(s, primary) == null;
    }

    /**
     * @param s       a host's status
     * @param primary the primary's status
     * @return why {@code s} may not serve reads for that primary, or {@code null} if it may
     */
    public static String whyNotReplicaOf(HostStatus s, HostStatus primary) {
        if (!s.reachable()) {
            return "unreachable: " + s.error();
        }
        if (!s.readOnly()) {
            return "writable (read_only=OFF) but not the primary";
        }
        if (!s.replication().running()) {
            return s.replication().describe();
        }
        Long source = s.replication().sourceServerId();
        if (source != null && source != primary.serverId()) {
            return "replicates from server_id " + source + ", not from the primary's " + primary.serverId();
        }
        return null;
    }

    /** @return every host's description, separated by semicolons */
    public static String report(List<HostStatus> statuses) {
        StringBuilder sb = new StringBuilder();
        for (HostStatus s : statuses) {
            sb.append(sb.length() == 0 ? "" : "; ").append(s.describe());
        }
        return sb.toString();
    }
}
