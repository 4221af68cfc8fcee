package com.foobar.jdbc.it.failover;

import static com.foobar.jdbc.it.failover.FailoverSupport.ADMIN;
import static com.foobar.jdbc.it.failover.FailoverSupport.FAST_MONITOR;
import static com.foobar.jdbc.it.failover.FailoverSupport.awaitServers;
import static com.foobar.jdbc.it.failover.FailoverSupport.describeServers;
import static com.foobar.jdbc.it.failover.FailoverSupport.epochOn;
import static com.foobar.jdbc.it.failover.FailoverSupport.ms;
import static com.foobar.jdbc.it.failover.FailoverSupport.replicatesFrom;
import static com.foobar.jdbc.it.failover.FailoverSupport.rows;
import static com.foobar.jdbc.it.failover.FailoverSupport.writable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.foobar.testcluster.EmbeddedCluster;
import com.foobar.testcluster.EmbeddedServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Four independent driver instances, each in its own JVM ({@link FailoverClient}, started with the test
 * classpath), write and read through the same URL; the primary is killed. Exactly one promotion happens (one
 * "promoted to primary" line in the four logs; one server ends writable), and all four converge on the same
 * new primary ({@code @@server_id} through the driver with the primary hint) and the same topology epoch
 * ({@code foobar_meta.topology_epoch} read through the driver). The child processes end by themselves within a
 * bounded time (and are killed if they do not).
 */
class MultiInstanceTest {

    private static final int INSTANCES = 4;
    private static final String USER = "mi_app";
    private static final String PASSWORD = "mi-secret";
    private static final Pattern RESULT = Pattern.compile("^RESULT server_id=(\\d+) epoch=(\\d+) .*$", Pattern.MULTILINE);

    @Test
    void fourInstancesInSeparateJvmsPromoteOnceAndConverge(@TempDir Path dir) throws Exception {
        try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(2).start()) {
            EmbeddedServer p = cluster.primary();
            cluster.createUser(USER, PASSWORD, "GRANT ALL PRIVILEGES ON app.* TO {user}",
                    "GRANT SELECT ON foobar_meta.* TO {user}");
            p.execute("CREATE TABLE app.mi (id BIGINT AUTO_INCREMENT PRIMARY KEY, client INT NOT NULL, seq INT NOT NULL, "
                    + "server_id INT NOT NULL)");
            cluster.awaitReplicationCaughtUp(Duration.ofSeconds(30));

            String url = cluster.foobarUrl(ADMIN + "&" + FAST_MONITOR);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String classpath = System.getProperty("java.class.path");
            List<Process> processes = new ArrayList<>();
            List<Path> logs = new ArrayList<>();
            try {
                for (int i = 1; i <= INSTANCES; i++) {
                    Path log = dir.resolve("client-" + i + ".log");
                    logs.add(log);
                    processes.add(new ProcessBuilder(java, "-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", classpath,
                            FailoverClient.class.getName(), url, USER, PASSWORD, Integer.toString(i), "90", "3")
                            .redirectErrorStream(true).redirectOutput(log.toFile()).start());
                }
                await("every instance ready").atMost(Duration.ofSeconds(90)).pollInterval(ms(100))
                        .until(() -> logs.stream().allMatch(l -> read(l).contains("READY server_id=" + p.serverId())));
                long rowsBefore = rows(p, "mi");
                await("every instance writing").atMost(Duration.ofSeconds(30)).pollInterval(ms(50))
                        .until(() -> p.queryLong("SELECT COUNT(DISTINCT client) FROM app.mi WHERE id > " + rowsBefore)
                                == INSTANCES);

                p.kill9();
                await("every instance ends by itself").atMost(Duration.ofSeconds(100)).pollInterval(ms(100))
                        .until(() -> processes.stream().noneMatch(Process::isAlive));
            } finally {
                processes.forEach(Process::destroyForcibly);
            }

            List<String> outputs = logs.stream().map(MultiInstanceTest::read).toList();
            String all = describe(outputs);
            System.out.println("[multi] instances' output:\n" + all);
            for (int i = 0; i < INSTANCES; i++) {
                assertThat(processes.get(i).exitValue()).as("exit code of instance %d\n%s", i + 1, all).isZero();
            }
            List<long[]> results = new ArrayList<>();
            for (String out : outputs) {
                Matcher m = RESULT.matcher(out);
                assertThat(m.find()).as("RESULT line in\n" + out).isTrue();
                results.add(new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
            }
            long promotions = outputs.stream().mapToLong(o -> count(o, "promoted to primary")).sum();
            Set<Long> primaries = results.stream().map(r -> r[0]).collect(Collectors.toSet());
            Set<Long> epochs = results.stream().map(r -> r[1]).collect(Collectors.toSet());
            System.out.println("[multi] promotions: " + promotions + "; primaries: " + primaries + "; epochs: " + epochs);

            assertThat(promotions).as("'promoted to primary' lines in the four logs\n" + all).isEqualTo(1);
            assertThat(primaries).as("the primary each instance ends with (@@server_id)").hasSize(1);
            assertThat(epochs).as("the epoch each instance reads").containsExactly(1L);
            long newId = primaries.iterator().next();
            EmbeddedServer newPrimary = cluster.replicas().stream().filter(r -> r.serverId() == newId).findFirst()
                    .orElseThrow(() -> new AssertionError("new primary server_id " + newId + " is not a replica's"));
            EmbeddedServer other = cluster.replicas().stream().filter(r -> r != newPrimary).findFirst().orElseThrow();
            assertThat(writable(cluster)).as("writable servers" + describeServers(cluster)).containsExactly(newPrimary);
            assertThat(epochOn(newPrimary)).isEqualTo(1);
            awaitServers("the other replica follows the new primary", cluster, Duration.ofSeconds(15),
                    () -> replicatesFrom(other, newPrimary));
            assertThat(newPrimary.queryLong("SELECT COUNT(DISTINCT client) FROM app.mi WHERE server_id = " + newId))
                    .as("instances whose writes ran on the new primary").isEqualTo(INSTANCES);
        }
    }

    private static String read(Path p) {
        try {
            return Files.exists(p) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static long count(String text, String what) {
        return text.lines().filter(l -> l.contains(what)).count();
    }

    /** Each instance's lines that matter: READY/ERROR/MOVED/RESULT/FAILED and the driver's WARN lines. */
    private static String describe(List<String> outputs) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < outputs.size(); i++) {
            sb.append("--- instance ").append(i + 1).append('\n');
            outputs.get(i).lines().filter(l -> l.startsWith("READY") || l.startsWith("ERROR") || l.startsWith("MOVED")
                            || l.startsWith("RESULT") || l.startsWith("FAILED") || (l.contains(" WARN ") && !l.contains("hikari"))
                            || l.contains("Exception"))
                    .limit(60).forEach(l -> sb.append(l.length() > 400 ? l.substring(0, 400) + "..." : l).append('\n'));
        }
        return sb.toString();
    }
}
