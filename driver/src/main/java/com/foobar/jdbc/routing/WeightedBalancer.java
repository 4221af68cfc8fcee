package com.foobar.jdbc.routing;

import com.foobar.jdbc.topology.HostSpec;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Reads follow fixed weights ({@code loadBalance=weighted} with {@code replicaWeights=host:port=3,...}): a
 * replica of weight 3 gets three times the reads of one of weight 1. A replica not named weighs 1. Each
 * choice is a weighted random draw over the replicas eligible now, so an excluded replica's share goes to
 * the others in proportion to their weights.
 *
 * <p>Thread-safe and lock-free (a thread-local random draw per choice).
 */
public final class WeightedBalancer implements LoadBalancer {

    private final Map<HostSpec, Integer> weights;

    /** @param weights weight per host, each at least 1 (copied) */
    public WeightedBalancer(Map<HostSpec, Integer> weights) {
        this.weights = Map.copyOf(weights);
    }

    @Override
    public HostSpec choose(List<HostSpec> replicas, HostStats stats) {
        int n = replicas.size();
        int total = 0;
        for (int i = 0; i < n; i++) {
            total += weightOf(replicas.get(i));
        }
        int r = ThreadLocalRandom.current().nextInt(total);
        for (int i = 0; i < n; i++) {
            HostSpec h = replicas.get(i);
            r -= weightOf(h);
            if (r < 0) {
                return h;
            }
        }
        return replicas.get(n - 1);
    }

    private int weightOf(HostSpec h) {
        Integer w = weights.get(h);
        return w == null ? 1 : w;
    }
}
