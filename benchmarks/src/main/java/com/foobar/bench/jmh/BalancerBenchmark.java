package com.foobar.bench.jmh;

import com.foobar.jdbc.config.FoobarUrl;
import com.foobar.jdbc.config.InvalidConfigurationException;
import com.foobar.jdbc.routing.HostStats;
import com.foobar.jdbc.routing.LoadBalancer;
import com.foobar.jdbc.topology.HostSpec;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;

/**
 * {@link LoadBalancer#choose} for each {@code loadBalance} strategy, made by the driver itself from a
 * parsed URL ({@link LoadBalancer#of}), on one thread and with two threads sharing one balancer (as every
 * logical connection of a cluster does). No network.
 *
 * <p>The host statistics are a map lookup and an atomic read per host, like the cluster's own (its
 * per-host pools in a concurrent map, each with atomic counters), with fixed values.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class BalancerBenchmark {

    @Param({"roundRobin", "leastConnections", "weighted", "fastest"})
    public String strategy;

    private LoadBalancer balancer;
    private List<HostSpec> replicas;
    private HostStats stats;

    @Setup
    public void setUp() throws InvalidConfigurationException {
        String hosts = "primary.db.internal:3306,replica1.db.internal:3306,replica2.db.internal:3306";
        String url = "jdbc:foobar://" + hosts + "/app?loadBalance=" + strategy
                + (strategy.equals("weighted") ? "&replicaWeights=replica1.db.internal:3306=3" : "");
        balancer = LoadBalancer.of(FoobarUrl.parse(url, new Properties()));
        replicas = List.of(new HostSpec("replica1.db.internal", 3306), new HostSpec("replica2.db.internal", 3306));
        stats = new FixedStats(Map.of(replicas.get(0), new long[] {2, 180_000}, replicas.get(1), new long[] {1, 150_000}));
    }

    @Benchmark
    public HostSpec choose() {
        return balancer.choose(replicas, stats);
    }

    /** Two threads on one balancer: its shared counter's cache line moves between the cores. */
    @Benchmark
    @Threads(2)
    public HostSpec chooseShared() {
        return balancer.choose(replicas, stats);
    }

    /** In-flight counts and response times per host, read as the cluster reads its pools' counters. */
    static final class FixedStats implements HostStats {
        private final Map<HostSpec, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        private final Map<HostSpec, AtomicLong> nanos = new ConcurrentHashMap<>();

        FixedStats(Map<HostSpec, long[]> values) {
            values.forEach((h, v) -> {
                inFlight.put(h, new AtomicInteger((int) v[0]));
                nanos.put(h, new AtomicLong(v[1]));
            });
        }

        @Override
        public int inFlight(HostSpec host) {
            AtomicInteger n = inFlight.get(host);
            return n == null ? 0 : n.get();
        }

        @Override
        public long responseNanos(HostSpec host) {
            AtomicLong n = nanos.get(host);
            return n == null ? 0 : n.get();
        }
    }
}
