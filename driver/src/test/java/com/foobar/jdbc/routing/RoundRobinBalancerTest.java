package com.foobar.jdbc.routing;

import com.foobar.jdbc.topology.HostSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Round-robin replica choice (no database).
 *
 * <p>Counter overflow is not tested: reaching {@code Integer.MAX_VALUE} needs 2^31 calls (too slow for a
 * unit test) or reflection on the private counter (not allowed). By reading: {@code Math.floorMod} of the
 * wrapped negative counter is still in {@code [0, size)}, so no exception; at the wrap one replica may get
 * one extra or one fewer choice.
 */
class RoundRobinBalancerTest {

    private static final HostSpec R1 = new HostSpec("r1", 3306);
    private static final HostSpec R2 = new HostSpec("r2", 3306);
    private static final HostSpec R3 = new HostSpec("r3", 3306);

    private static Map<HostSpec, Integer> count(LoadBalancer b, List<HostSpec> replicas, int n) {
        Map<HostSpec, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            counts.merge(b.choose(replicas, HostStats.NONE), 1, Integer::sum);
        }
        return counts;
    }

    @Test
    void cyclesOverTwoReplicas() {
        RoundRobinBalancer b = new RoundRobinBalancer();
        List<HostSpec> replicas = List.of(R1, R2);
        List<HostSpec> seen = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            seen.add(b.choose(replicas, HostStats.NONE));
        }
        assertThat(seen.get(0)).isNotEqualTo(seen.get(1));
        for (int i = 2; i < seen.size(); i++) {
            assertThat(seen.get(i)).as("choice %d", i).isEqualTo(seen.get(i - 2));
        }
        assertThat(count(b, replicas, 1000)).containsEntry(R1, 500).containsEntry(R2, 500);
    }

    @Test
    void cyclesOverThreeReplicasInOrder() {
        RoundRobinBalancer b = new RoundRobinBalancer();
        List<HostSpec> replicas = List.of(R1, R2, R3);
        List<HostSpec> seen = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            seen.add(b.choose(replicas, HostStats.NONE));
        }
        // every window of three consecutive choices holds each replica once, in list order
        int start = replicas.indexOf(seen.get(0));
        for (int i = 0; i < seen.size(); i++) {
            assertThat(seen.get(i)).as("choice %d", i).isEqualTo(replicas.get((start + i) % 3));
        }
        assertThat(count(b, replicas, 3000)).containsEntry(R1, 1000).containsEntry(R2, 1000).containsEntry(R3, 1000);
    }

    @Test
    void singleReplicaAlwaysChosen() {
        RoundRobinBalancer b = new RoundRobinBalancer();
        assertThat(count(b, List.of(R2), 100)).containsOnlyKeys(R2);
    }

    @Test
    void listChangingBetweenChoicesStillGivesAMemberOfIt() {
        RoundRobinBalancer b = new RoundRobinBalancer();
        List<HostSpec> three = List.of(R1, R2, R3);
        List<HostSpec> two = List.of(R1, R3);
        for (int i = 0; i < 1000; i++) {
            assertThat(three).contains(b.choose(three, HostStats.NONE));
            assertThat(two).contains(b.choose(two, HostStats.NONE));
        }
    }

    @Test
    void balancersAreIndependent() {
        RoundRobinBalancer a = new RoundRobinBalancer();
        RoundRobinBalancer b = new RoundRobinBalancer();
        List<HostSpec> replicas = List.of(R1, R2, R3);
        a.choose(replicas, HostStats.NONE);
        a.choose(replicas, HostStats.NONE);
        // a fresh balancer starts at the same place a fresh one always does
        assertThat(b.choose(replicas, HostStats.NONE)).isEqualTo(new RoundRobinBalancer().choose(replicas, HostStats.NONE));
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void threadSafeAndEvenUnderContention() throws Exception {
        int threads = 8;
        int perThread = 100_000;
        List<HostSpec> replicas = List.of(R1, R2, R3);
        RoundRobinBalancer b = new RoundRobinBalancer();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Map<HostSpec, Integer>>> results = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return count(b, replicas, perThread);
                }));
            }
            assertThat(ready.await(30, TimeUnit.SECONDS)).isTrue();
            go.countDown();
            Map<HostSpec, Integer> total = new HashMap<>();
            for (Future<Map<HostSpec, Integer>> f : results) {
                f.get(60, TimeUnit.SECONDS).forEach((h, n) -> total.merge(h, n, Integer::sum));
            }
            int all = threads * perThread;
            assertThat(total).containsOnlyKeys(R1, R2, R3);
            assertThat(total.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(all);
            double third = all / 3.0;
            for (HostSpec r : replicas) {
                assertThat((double) total.get(r)).as(r.toString()).isCloseTo(third, within(third * 0.001));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
