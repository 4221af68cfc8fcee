package com.foobar.bench.jmh;

import com.foobar.jdbc.routing.StatementClassifier;
import com.foobar.jdbc.routing.StatementType;
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
 * {@link StatementClassifier#classify(String)}: the work done once per {@code prepareStatement} and once per
 * {@code Statement.execute(sql)}. No network.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ClassifierBenchmark {

    /** Which SQL (see {@link Sql}). */
    @Param({"shortRead", "shortWrite", "commentedRead", "longRead", "hintedRead", "lockingRead", "sessionSet"})
    public String sql;

    private String text;

    @Setup
    public void setUp() {
        text = Sql.of(sql);
        StatementType type = StatementClassifier.classify(text);
        StatementType expected = switch (sql) {
            case "shortRead", "commentedRead", "longRead" -> StatementType.READ;
            case "sessionSet" -> StatementType.SESSION_SET;
            default -> StatementType.WRITE;
        };
        if (type != expected) {
            throw new IllegalStateException(sql + " classified as " + type + ", expected " + expected);
        }
    }

    @Benchmark
    public StatementType classify() {
        return StatementClassifier.classify(text);
    }
}
