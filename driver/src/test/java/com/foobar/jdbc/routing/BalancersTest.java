package com.foobar.jdbc.routing;

import com.foobar.jdbc.config.FoobarConfig;
import com.foobar.jdbc.config.FoobarUrl;
import com.foobar.jdbc.topology.HostSpec;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The replica balancers other than round robin, and {@link LoadBalancer#of} (no database). The balancers
 * get a fake {@link HostStats} whose numbers the tests set.
 */
class BalancersTest {

    private static final HostSpec R1 = new HostSpec("r1", 3306);
    private static final HostSpec R2 = new HostSpec("r2", 3306);
    private static final HostSpec R3 = new HostSpec("r3", 3306);

    /** Host statistics set by the test; thread-safe. */
    static final class FakeStats implements HostStats {
        final Map<HostSpec, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        final Map<HostSpec, Long> nanos = new ConcurrentHashMap<>();

        FakeStats load(HostSpec h, int n) {
            counter(h).set(n);
            return this;
        }

        FakeStats response(HostSpec h, long ns) {
            nanos.put(h, ns);
            return this;
        }

        AtomicInteger counter(HostSpec h) {
            return inFlight.computeIfAbsent(h, k -> new AtomicInteger());
        }

        @Override
        public int inFlight(HostSpec host) {
            AtomicInteger n = inFlight.get(host);
            return n == null ? 0 : n.get();
        }

        @Override
        public long responseNanos(HostSpec host) {
            return nanos.getOrDefault(host, 0L);
        }
    }

    private static Map<HostSpec, Integer> count(LoadBalancer b, List<HostSpec> replicas, HostStats stats, int n) {
        Map<HostSpec, Integer> counts = new HashMap<>();
        for (int i = 0; i < n; i++) {
            HostSpec h = b.choose(replicas, stats);
            counts.merge(h, 1, Integer::sum);
        }
        return counts;
    }

    // ------------------------------------------------------------------------------------------------

    @Nested
    class LeastConnections {

        @Test
        void picksTheLeastLoaded() {
            LeastConnectionsBalancer b = new LeastConnectionsBalancer();
            FakeStats stats = new FakeStats().load(R1, 3).load(R2, 1).load(R3, 5);
            assertThat(count(b, List.of(R1, R2, R3), stats, 300)).containsOnlyKeys(R2).containsEntry(R2, 300);
            stats.load(R2, 7);
            assertThat(count(b, List.of(R1, R2, R3), stats, 300)).containsOnlyKeys(R1);
        }

        @Test
        void anIdleReplicaWinsOverABusyOne() {
            LeastConnectionsBalancer b = new LeastConnectionsBalancer();
            FakeStats stats = new FakeStats().load(R1, 1);
            assertThat(count(b, List.of(R1, R2), stats, 100)).containsOnlyKeys(R2);
        }

        @Test
        void spreadsTiesEvenlyWhenAllAreIdle() {
            LeastConnectionsBalancer b = new LeastConnectionsBalancer();
            assertThat(count(b, List.of(R1, R2), HostStats.NONE, 1000))
                    .containsEntry(R1, 500).containsEntry(R2, 500);
            assertThat(count(b, List.of(R1, R2, R3), HostStats.NONE, 3000))
                    .containsEntry(R1, 1000).containsEntry(R2, 1000).containsEntry(R3, 1000);
        }

        @Test
        void spreadsTiesEvenlyAmongTheLeastLoaded() {
            // R1 is busy, R2 and R3 are equally idle: they share the reads evenly (HAProxy's leastconn).
            LeastConnectionsBalancer b = new LeastConnectionsBalancer();
            FakeStats stats = new FakeStats().load(R1, 4).load(R2, 1).load(R3, 1);
            Map<HostSpec, Integer> counts = count(b, List.of(R1, R2, R3), stats, 3000);
            assertThat(counts).doesNotContainKey(R1);
            assertThat((double) counts.getOrDefault(R2, 0)).as("R2's share of a tie with R3: %s", counts)
                    .isCloseTo(1500, within(150.0));
            assertThat((double) counts.getOrDefault(R3, 0)).as("R3's share of a tie with R2: %s", counts)
                    .isCloseTo(1500, within(150.0));
        }

        @Test
        void singleReplica() {
            LeastConnectionsBalancer b = new LeastConnectionsBalancer();
            assertThat(count(b, List.of(R3), new FakeStats().load(R3, 9), 50)).containsOnlyKeys(R3);
        }
    }

    // ------------------------------------------------------------------------------------------------

    @Nested
    class Weighted {

        @Test
        void followsThreeToOneWithinTenPercent() {
            WeightedBalancer b = new WeightedBalancer(Map.of(R1, 3, R2, 1));
            int n = 10_000;
            Map<HostSpec, Integer> counts = count(b, List.of(R1, R2), HostStats.NONE, n);
            assertThat(counts).containsOnlyKeys(R1, R2);
            assertThat((double) counts.get(R1)).as("R1 (weight 3): %s", counts).isCloseTo(0.75 * n, within(0.075 * n));
            assertThat((double) counts.get(R2)).as("R2 (weight 1): %s", counts).isCloseTo(0.25 * n, within(0.025 * n));
        }

        @Test
        void unnamedReplicaWeighsOne() {
            WeightedBalancer b = new WeightedBalancer(Map.of(R1, 2));
            int n = 9_000;
            Map<HostSpec, Integer> counts = count(b, List.of(R1, R2, R3), HostStats.NONE, n);
            assertThat((double) counts.get(R1)).as("%s", counts).isCloseTo(n / 2.0, within(n * 0.05));
            assertThat((double) counts.get(R2)).as("%s", counts).isCloseTo(n / 4.0, within(n * 0.025));
            assertThat((double) counts.get(R3)).as("%s", counts).isCloseTo(n / 4.0, within(n * 0.025));
        }

        @Test
        void redistributesWhenAHostIsNotEligible() {
            WeightedBalancer b = new WeightedBalancer(Map.of(R1, 3, R2, 1, R3, 2));
            int n = 10_000;
            // R1 out of the rotation: its share goes to R2 and R3 in proportion 1:2
            Map<HostSpec, Integer> counts = count(b, List.of(R2, R3), HostStats.NONE, n);
            assertThat(counts).containsOnlyKeys(R2, R3);
            assertThat((double) counts.get(R2)).as("%s", counts).isCloseTo(n / 3.0, within(n / 30.0));
            assertThat((double) counts.get(R3)).as("%s", counts).isCloseTo(2 * n / 3.0, within(2 * n / 30.0));
            // only one eligible: all of it
            assertThat(count(b, List.of(R2), HostStats.NONE, 500)).containsOnlyKeys(R2).containsEntry(R2, 500);
        }

        @Test
        void weightsMapIsCopied() {
            Map<HostSpec, Integer> weights = new HashMap<>(Map.of(R1, 1000));
            WeightedBalancer b = new WeightedBalancer(weights);
            weights.put(R1, 1);
            Map<HostSpec, Integer> counts = count(b, List.of(R1, R2), HostStats.NONE, 2000);
            assertThat(counts.getOrDefault(R2, 0)).as("%s", counts).isLessThan(30);
        }
    }

    // ------------------------------------------------------------------------------------------------

    @Nested
    class Fastest {

        @Test
        void prefersTheLowestResponseTimeAndExploresOneInSixteen() {
            FastestBalancer b = new FastestBalancer();
            FakeStats stats = new FakeStats().response(R1, 5_000_000).response(R2, 1_000_000);
            int n = 16 * 200;
            Map<HostSpec, Integer> counts = count(b, List.of(R1, R2), stats, n);
            // 1 choice in 16 explores round robin: 200 explorations, half of them to R1; R1 gets nothing else
            assertThat(counts).containsEntry(R1, 100).containsEntry(R2, n - 100);
        }

        @Test
        void explorationsAreOneInSixteenChoices() {
            FastestBalancer b = new FastestBalancer();
            FakeStats stats = new FakeStats().response(R1, 9_000_000).response(R2, 1_000_000).response(R3, 5_000_000);
            List<HostSpec> replicas = List.of(R1, R2, R3);
            List<Integer> slowPicks = new ArrayList<>();
            for (int i = 0; i < 16 * 30; i++) {
                HostSpec h = b.choose(replicas, stats);
                if (!h.equals(R2)) {
                    slowPicks.add(i);
                }
            }
            // the slow replicas are chosen only on explorations, which are 16 choices apart
            assertThat(slowPicks).isNotEmpty();
            for (int i = 1; i < slowPicks.size(); i++) {
                assertThat(slowPicks.get(i) - slowPicks.get(i - 1)).as("gap between explorations: %s", slowPicks)
                        .isIn(16, 32);
            }
            assertThat(slowPicks.size()).isEqualTo(20); // 30 explorations, R2's third of them not counted
        }

        @Test
        void triesUnmeasuredHostsFirst() {
            FastestBalancer b = new FastestBalancer();
            FakeStats stats = new FakeStats().response(R1, 1_000).response(R3, 2_000); // R2 never measured
            Map<HostSpec, Integer> counts = count(b, List.of(R1, R2, R3), stats, 16 * 60);
            // every non-exploring choice goes to the unmeasured R2; explorations cycle over all three
            assertThat(counts).containsEntry(R1, 20).containsEntry(R3, 20).containsEntry(R2, 16 * 60 - 40);
        }

        @Test
        void unmeasuredFasterThanAnyMeasured() {
            FastestBalancer b = new FastestBalancer();
            b.choose(List.of(R1, R2), HostStats.NONE); // the first choice is an exploration
            FakeStats stats = new FakeStats().response(R1, 1);
            for (int i = 0; i < 15; i++) {
                assertThat(b.choose(List.of(R1, R2), stats)).isEqualTo(R2);
            }
        }

        @Test
        void winsBackItsShareWhenItBecomesFast() {
            FastestBalancer b = new FastestBalancer();
            FakeStats stats = new FakeStats().response(R1, 5_000_000).response(R2, 1_000_000);
            assertThat(count(b, List.of(R1, R2), stats, 1600).get(R1)).isEqualTo(50);
            stats.response(R1, 500_000);
            assertThat(count(b, List.of(R1, R2), stats, 1600).get(R2)).isEqualTo(50);
        }
    }

    // ------------------------------------------------------------------------------------------------

    @Nested
    class Factory {

        private FoobarConfig config(String query) throws Exception {
            return FoobarUrl.parse("jdbc:foobar://p:3306,r1:3306,r2:3306/app" + query, null);
        }

        @ParameterizedTest
        @CsvSource({
                "'', RoundRobinBalancer",
                "?loadBalance=roundRobin, RoundRobinBalancer",
                "?loadBalance=leastConnections, LeastConnectionsBalancer",
                "?loadBalance=weighted, WeightedBalancer",
                "?loadBalance=fastest, FastestBalancer",
                "?loadBalance=LEASTCONNECTIONS, LeastConnectionsBalancer"})
        void ofReturnsTheBalancerTheConfigNames(String query, String simpleName) throws Exception {
            LoadBalancer b = LoadBalancer.of(config(query));
            assertThat(b.getClass().getSimpleName()).isEqualTo(simpleName);
        }

        @Test
        void eachCallGivesAFreshBalancer() throws Exception {
            FoobarConfig c = config("?loadBalance=leastConnections");
            assertThat(LoadBalancer.of(c)).isNotSameAs(LoadBalancer.of(c));
        }

        @Test
        void weightedUsesTheConfiguredWeights() throws Exception {
            LoadBalancer b = LoadBalancer.of(config("?loadBalance=weighted&replicaWeights=r1:3306=3,r2:3306=1"));
            int n = 10_000;
            Map<HostSpec, Integer> counts = count(b, List.of(R1, R2), HostStats.NONE, n);
            assertThat((double) counts.get(R1)).as("%s", counts).isCloseTo(0.75 * n, within(0.075 * n));
        }
    }

    // ------------------------------------------------------------------------------------------------

    @Nested
    class Concurrency {

        private static final int THREADS = 8;
        private static final int PER_THREAD = 50_000;

        /**
         * Runs {@code PER_THREAD} choices on each of 8 threads at once; each choice holds the chosen host's
         * in-flight counter up for the choice, as the pool does for a lease.
         */
        private Map<HostSpec, Integer> hammer(LoadBalancer b, List<HostSpec> replicas, FakeStats stats)
                throws Exception {
            return hammer(b, replicas, stats, true);
        }

        private Map<HostSpec, Integer> hammer(LoadBalancer b, List<HostSpec> replicas, FakeStats stats,
                                              boolean trackInFlight) throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                CountDownLatch ready = new CountDownLatch(THREADS);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Map<HostSpec, Integer>>> results = new ArrayList<>();
                for (int t = 0; t < THREADS; t++) {
                    results.add(pool.submit(() -> {
                        ready.countDown();
                        go.await();
                        Map<HostSpec, Integer> counts = new HashMap<>();
                        for (int i = 0; i < PER_THREAD; i++) {
                            HostSpec h = b.choose(replicas, stats);
                            AtomicInteger inFlight = trackInFlight ? stats.counter(h) : new AtomicInteger();
                            inFlight.incrementAndGet();
                            counts.merge(h, 1, Integer::sum);
                            inFlight.decrementAndGet();
                        }
                        return counts;
                    }));
                }
                assertThat(ready.await(30, TimeUnit.SECONDS)).isTrue();
                go.countDown();
                Map<HostSpec, Integer> total = new HashMap<>();
                for (Future<Map<HostSpec, Integer>> f : results) {
                    f.get(60, TimeUnit.SECONDS).forEach((h, n) -> total.merge(h, n, Integer::sum));
                }
                assertThat(total.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(THREADS * PER_THREAD);
                assertThat(replicas).containsAll(total.keySet());
                return total;
            } finally {
                pool.shutdownNow();
            }
        }

        @Test
        @Timeout(value = 60, unit = TimeUnit.SECONDS)
        void leastConnectionsUnderEightThreadsWithIdleReplicas() throws Exception {
            // every replica idle: each choice is a tie, broken by the shared rotating start, so the spread is
            // exact unless an update of the balancer's counter is lost
            Map<HostSpec, Integer> total = hammer(new LeastConnectionsBalancer(), List.of(R1, R2, R3), new FakeStats(),
                    false);
            double third = THREADS * PER_THREAD / 3.0;
            for (HostSpec h : List.of(R1, R2, R3)) {
                assertThat((double) total.getOrDefault(h, 0)).as("%s of %s", h, total).isCloseTo(third, within(1.0));
            }
        }

        @Test
        @Timeout(value = 60, unit = TimeUnit.SECONDS)
        void leastConnectionsUnderEightThreadsWithLiveLoad() throws Exception {
            // each choice holds its replica's in-flight count up while the thread runs on: the spread follows
            // whichever threads the scheduler parks mid-choice, so only "nobody starved" is asserted
            FakeStats stats = new FakeStats();
            Map<HostSpec, Integer> total = hammer(new LeastConnectionsBalancer(), List.of(R1, R2, R3), stats, true);
            for (HostSpec h : List.of(R1, R2, R3)) {
                assertThat(total.getOrDefault(h, 0)).as("%s of %s", h, total)
                        .isGreaterThan(THREADS * PER_THREAD / 20);
                assertThat(stats.inFlight(h)).isZero();
            }
        }

        @Test
        @Timeout(value = 60, unit = TimeUnit.SECONDS)
        void weightedUnderEightThreads() throws Exception {
            Map<HostSpec, Integer> total = hammer(new WeightedBalancer(Map.of(R1, 3, R2, 1)), List.of(R1, R2),
                    new FakeStats());
            double all = THREADS * PER_THREAD;
            assertThat((double) total.get(R1)).as("%s", total).isCloseTo(0.75 * all, within(0.01 * all));
        }

        @Test
        @Timeout(value = 60, unit = TimeUnit.SECONDS)
        void fastestUnderEightThreads() throws Exception {
            FakeStats stats = new FakeStats().response(R1, 5_000_000).response(R2, 1_000_000);
            Map<HostSpec, Integer> total = hammer(new FastestBalancer(), List.of(R1, R2), stats);
            // exactly one choice in 16 explores, alternating: R1 gets exactly half of the explorations
            assertThat(total).containsEntry(R1, THREADS * PER_THREAD / 32);
        }

        @Test
        @Timeout(value = 60, unit = TimeUnit.SECONDS)
        void everyBalancerCopesWithTheEligibleListChangingUnderItsFeet() throws Exception {
            List<Supplier<LoadBalancer>> balancers = List.of(RoundRobinBalancer::new, LeastConnectionsBalancer::new,
                    () -> new WeightedBalancer(Map.of(R1, 5, R3, 2)), FastestBalancer::new);
            List<List<HostSpec>> lists = List.of(List.of(R1, R2, R3), List.of(R2), List.of(R3, R1), List.of(R1, R2));
            for (Supplier<LoadBalancer> s : balancers) {
                LoadBalancer b = s.get();
                FakeStats stats = new FakeStats().response(R1, 3_000).response(R2, 2_000);
                ExecutorService pool = Executors.newFixedThreadPool(THREADS);
                try {
                    List<Future<?>> futures = new ArrayList<>();
                    for (int t = 0; t < THREADS; t++) {
                        int offset = t;
                        futures.add(pool.submit(() -> {
                            for (int i = 0; i < 20_000; i++) {
                                List<HostSpec> eligible = lists.get((i + offset) % lists.size());
                                HostSpec h = b.choose(eligible, stats);
                                if (!eligible.contains(h)) {
                                    throw new AssertionError(b.getClass().getSimpleName() + " chose " + h
                                            + " out of " + eligible);
                                }
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : futures) {
                        f.get(60, TimeUnit.SECONDS);
                    }
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }
}
