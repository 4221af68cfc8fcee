package com.foobar.jdbc.routing;

import com.foobar.jdbc.topology.HostSpec;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Each choice takes the next replica in turn ({@code loadBalance=roundRobin}, the default). One counter
 * per cluster, shared by every logical connection, so reads spread evenly however the application
 * holds its connections.
 *
 * <p>Thread-safe and lock-free (one atomic increment per choice).
 */
public final class RoundRobinBalancer implements LoadBalancer {

    private final AtomicInteger next = new AtomicInteger();

    @Override
    public HostSpec choose(List<HostSpec> replicas, HostStats stats) {
        return replicas.get(Math.floorMod(next.getAndIncrement(), replicas.size()));
    }
}
