package com.foobar.jdbc.routing;

import com.foobar.jdbc.topology.HostSpec;

import java.util.List;

/**
 * Chooses the replica for one read (or one read-only transaction) among the eligible ones.
 *
 * <p>Implementations are thread-safe and lock-free: they run on every read.
 */
public interface LoadBalancer {

    /**
     * @param replicas the eligible replicas, never empty
     * @return one of them
     */
    HostSpec choose(List<HostSpec> replicas);
}
