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
        for (HostStatus s : statuses) {
            if (isReplicaOf(s, primary)) {
                replicas.add(s.host());
            }
        }
        return new Topology(primary.host(), replicas, hosts);
    }

    /**
     * @return whether {@code s} may serve reads for a cluster whose primary is {@code primary}
     */
    static boolean isReplicaOf(HostStatus s, HostStatus primary) {
        if (!s.reachable() || !s.readOnly() || !s.replication().running()) {
            return false;
        }
        Long source = s.replication().sourceServerId();
        return source == null || source == primary.serverId();
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
