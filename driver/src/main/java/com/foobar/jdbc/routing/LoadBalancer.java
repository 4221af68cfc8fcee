package com.foobar.jdbc.routing;

import com.foobar.jdbc.config.FoobarConfig;
import com.foobar.jdbc.topology.HostSpec;

import java.util.List;

/**
 * Chooses the replica for one read (or one read-only transaction) among the eligible ones. Excluded
 * replicas never reach it: the caller passes only the current snapshot's eligible replicas.
 *
 * <p>Implementations are thread-safe and lock-free: they run on every read.
 */
public interface LoadBalancer {

    /**
     * @param replicas the eligible replicas, never empty
     * @param stats    what is known about each host
     * @return one of them
     */
    HostSpec choose(List<HostSpec> replicas, HostStats stats);

    /**
     * @param config a cluster's settings
     * @return the balancer its {@code loadBalance} names
     */
    static LoadBalancer of(FoobarConfig config) {
        switch (config.loadBalance()) {
            case LEAST_CONNECTIONS:
                return new LeastConnectionsBalancer();
            case WEIGHTED:
                return new WeightedBalancer(config.replicaWeights());
            case FASTEST:
                return new FastestBalancer();
            case ROUND_ROBIN:
            default:
                return new RoundRobinBalancer();
        }
    }
}
