package com.foobar.jdbc.routing;

import com.foobar.jdbc.topology.HostSpec;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Each read goes to the replica with the lowest recent response time ({@code loadBalance=fastest}): the
 * exponentially weighted average time a statement held a connection to it, measured in this JVM. A replica
 * not measured yet is tried first, and one choice in {@value #EXPLORE_EVERY} goes round robin, so a
 * replica that was slow is measured again and can win back its share once it is fast.
 *
 * <p>Thread-safe and lock-free: one atomic increment and a scan of the (few) replicas per choice.
 */
public final class FastestBalancer implements LoadBalancer {

    /** One choice in this many goes round robin, to keep measuring every replica. */
    static final int EXPLORE_EVERY = 16;

    private final AtomicInteger counter = new AtomicInteger();

    @Override
    public HostSpec choose(List<HostSpec> replicas, HostStats stats) {
        int n = replicas.size();
        int c = counter.getAndIncrement();
        if (Math.floorMod(c, EXPLORE_EVERY) == 0) {
            return replicas.get(Math.floorMod(c / EXPLORE_EVERY, n));
        }
        HostSpec best = null;
        long bestNanos = Long.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            HostSpec h = replicas.get(i);
            long t = stats.responseNanos(h);
            if (t == 0) {
                return h;
            }
            if (t < bestNanos) {
                best = h;
                bestNanos = t;
            }
        }
        return best;
    }
}
