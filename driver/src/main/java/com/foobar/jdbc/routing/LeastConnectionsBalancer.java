package com.foobar.jdbc.routing;

import com.foobar.jdbc.topology.HostSpec;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Each read goes to the replica with the fewest statements in flight from this JVM
 * ({@code loadBalance=leastConnections}, HAProxy's {@code leastconn} applied per statement). The least
 * loaded replicas take turns, so idle replicas share the reads evenly. A load that changes between the two
 * scans only makes the choice fall back to the first replica.
 *
 * <p>Thread-safe and lock-free: one atomic increment and two scans of the (few) replicas per choice.
 */
public final class LeastConnectionsBalancer implements LoadBalancer {

    private final AtomicInteger turn = new AtomicInteger();

    @Override
    public HostSpec choose(List<HostSpec> replicas, HostStats stats) {
        int n = replicas.size();
        int least = Integer.MAX_VALUE;
        int ties = 0;
        for (int i = 0; i < n; i++) {
            int load = stats.inFlight(replicas.get(i));
            if (load < least) {
                least = load;
                ties = 1;
            } else if (load == least) {
                ties++;
            }
        }
        int pick = Math.floorMod(turn.getAndIncrement(), ties);
        for (int i = 0; i < n; i++) {
            HostSpec h = replicas.get(i);
            if (stats.inFlight(h) == least && pick-- == 0) {
                return h;
            }
        }
        return replicas.get(0);
    }
}
