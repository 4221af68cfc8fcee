package com.foobar.jdbc.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.foobar.jdbc.examples.HibernateExample;
import com.foobar.jdbc.examples.HikariExample;
import com.foobar.jdbc.examples.PlainJdbcExample;
import com.foobar.jdbc.examples.SpringBootExample;
import com.foobar.jdbc.examples.support.ExampleTarget;
import com.foobar.jdbc.examples.support.Report;
import com.foobar.jdbc.it.frameworks.UserCounters;
import com.foobar.jdbc.it.support.ServerProbe;
import com.foobar.jdbc.it.support.SharedCluster;
import com.foobar.testcluster.EmbeddedCluster;
import com.foobar.testcluster.EmbeddedServer;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The four examples of {@code examples/} (plain JDBC, HikariCP, Hibernate, Spring Boot), run the way
 * {@code --url ... --user ... --password ...} runs them, against the shared cluster. Each example reports where
 * each of its steps ran from {@code @@server_id} values computed by the servers; this test checks that report
 * (writes and read-write transactions on the primary, reads and read-only transactions on replicas, both replicas
 * used) and, from this class's own user's {@code USER_STATISTICS}, that no replica received a write.
 */
@ExtendWith(SharedCluster.class)
class ExamplesTest {

    private static EmbeddedCluster cluster;
    private static UserCounters counters;
    private static Set<Long> replicaIds;

    @BeforeAll
    static void createUser(EmbeddedCluster sharedCluster) {
        cluster = sharedCluster;
        counters = UserCounters.createUser(cluster, "it_examples");
        replicaIds = cluster.replicas().stream().map(s -> (long) s.serverId()).collect(Collectors.toSet());
    }

    private static ExampleTarget target() {
        return ExampleTarget.of(cluster.foobarUrl(ServerProbe.QUIET_MONITOR), counters.user(), counters.password());
    }

    private static void check(Report report, UserCounters.Delta d) {
        report.print(System.out);
        assertThat(report.primaryId()).isEqualTo(cluster.primary().serverId());
        assertThat(report.allAsExpected()).as("every step where the routing contract says").isTrue();
        assertThat(report.replicaServers()).as("replicas that served the example's reads").isEqualTo(replicaIds);
        assertThat(d.writesOnReplicas()).as("writes on the replicas (%s)", d).isZero();
        assertThat(d.primary().updateCommands()).as("writes on the primary (%s)", d).isPositive();
        for (EmbeddedServer r : cluster.replicas()) {
            assertThat(d.on(r).selectCommands()).as("reads on %s (%s)", r, d).isPositive();
        }
    }

    @Test
    void plainJdbcExample() throws Exception {
        Report[] report = new Report[1];
        UserCounters.Delta d = counters.measure(() -> report[0] = PlainJdbcExample.run(target()));
        check(report[0], d);
    }

    @Test
    void hikariExample() throws Exception {
        Report[] report = new Report[1];
        UserCounters.Delta d = counters.measure(() -> report[0] = HikariExample.run(target()));
        check(report[0], d);
    }

    @Test
    void hibernateExample() throws Exception {
        Report[] report = new Report[1];
        UserCounters.Delta d = counters.measure(() -> report[0] = HibernateExample.run(target()));
        check(report[0], d);
    }

    @Test
    void springBootExample() throws Exception {
        Report[] report = new Report[1];
        UserCounters.Delta d = counters.measure(() -> report[0] = SpringBootExample.run(target()));
        check(report[0], d);
    }
}
