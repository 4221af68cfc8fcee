package com.foobar.bench.jmh;

import com.foobar.jdbc.routing.HostStats;
import com.foobar.jdbc.routing.LoadBalancer;
import com.foobar.jdbc.routing.RoundRobinBalancer;
import com.foobar.jdbc.routing.StatementClassifier;
import com.foobar.jdbc.routing.StatementType;
import com.foobar.jdbc.topology.HostSpec;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The routing decision for one statement through the driver's public API, no network: classify the SQL,
 * then the primary for anything but a plain read, the (default, round-robin) balancer's replica for a read. This is the decision
 * {@code FoobarConnection.leaseFor} makes for an autocommit statement, without its session flags (a few
 * field reads) and without borrowing the physical connection (HikariCP's {@code getConnection}, measured
 * with the network in {@link WrappingBenchmark}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RoutingDecisionBenchmark {

    @Param({"shortRead", "shortWrite", "commentedRead"})
    public String sql;

    private String text;
    private final HostSpec primary = new HostSpec("primary.db.internal", 3306);
    private final List<HostSpec> replicas = List.of(new HostSpec("replica1.db.internal", 3306),
            new HostSpec("replica2.db.internal", 3306));
    private final LoadBalancer balancer = new RoundRobinBalancer();

    @Setup
    public void setUp() {
        text = Sql.of(sql);
    }

    @Benchmark
    public HostSpec route() {
        StatementType type = StatementClassifier.classify(text);
        return type == StatementType.READ ? balancer.choose(replicas, HostStats.NONE) : primary;
    }
}
