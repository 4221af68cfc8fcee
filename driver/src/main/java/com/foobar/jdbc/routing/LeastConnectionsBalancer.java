package com.foobar.jdbc.routing;

import com.foobar.jdbc.topology.HostSpec;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Each read goes to the replica with the fewest statements in flight from this JVM
 * ({@code loadBalance=leastConnections}, HAProxy's {@code leastconn} applied per statement). Ties are
 * broken by a rotating starting point, so idle replicas share the reads evenly.
 *
 * <p>Thread-safe and lock-free: one atomic increment and a scan of the (few) replicas per choice.
 */
public final class LeastConnectionsBalancer implements LoadBalancer {

    private final AtomicInteger start = new AtomicInteger();

    @Override
    public HostSpec choose(List<HostSpec> replicas, HostStats stats) {
        int n = replicas.size();
        int first = Math.floorMod(start.getAndIncrement(), n);
        HostSpec best = null;
        int bestLoad = Integer.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            HostSpec h = replicas.get((first + i) % n);
            int load = stats.inFlight(h);
            if (load < bestLoad) {
                best = h;
                bestLoad = load;
            }
        }
        return best;
    }
}
