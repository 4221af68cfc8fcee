package com.foobar.bench.e2e;

import com.foobar.bench.Machine;
import com.foobar.bench.ResultsFile;
import com.foobar.testcluster.EmbeddedCluster;
import com.foobar.testcluster.EmbeddedServer;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * The end-to-end comparison: starts an embedded MariaDB primary with two replicas, then, for each workload,
 * runs every case (the floor first and again last) behind a HikariCP pool of the same size, each after a
 * warm-up, and counts on every server what it received. Prints the tables and writes them into the
 * generated section of {@code RESULTS.md}.
 *
 * <pre>mvn -q -pl benchmarks -am -Dmaven.test.skip=true -Pcompare package [-Dcompare.args="--measure 30"]</pre>
 */
public final class Compare {

    static final String COMMAND = "mvn -q -pl benchmarks -am -Dmaven.test.skip=true -Pcompare package";

    private Compare() {
    }

    public static void main(String[] args) throws Exception {
        CompareOptions o;
        try {
            o = CompareOptions.parse(args);
        } catch (CompareOptions.HelpRequested e) {
            System.out.println(CompareOptions.USAGE);
            return;
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.err.println(CompareOptions.USAGE);
            System.exit(2);
            return;
        }
        int exit = new Compare().run(o);
        System.exit(exit);
    }

    private int run(CompareOptions o) throws Exception {
        int runs = 0;
        for (Workload w : o.workloads) {
            for (Case c : Case.values()) {
                if (c.runsIn(w) && o.cases.contains(c)) {
                    runs++;
                }
            }
        }
        long estimate = Math.round(runs * (o.warmupSeconds + 0.7 + o.measureSeconds + o.rounds * 1.2) + 20);
        log(String.format(Locale.ROOT, "%d cases, each %d s warm-up + %d s measured in %d interleaved rounds: about"
                + " %d min %02d s", runs, o.warmupSeconds, o.measureSeconds, o.rounds, estimate / 60, estimate % 60));
        ZonedDateTime started = ZonedDateTime.now();
        String loadBefore = Machine.loadAverage();
        long t0 = System.nanoTime();
        List<CaseResult> results = new ArrayList<>();
        String serverVersion;
        String probeCost;
        try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(2).database("app").start()) {
            serverVersion = cluster.primary().queryString("SELECT VERSION()");
            Fixture.create(cluster, o.rows);
            CpuMeter cpu = new CpuMeter(cluster.servers().stream().map(EmbeddedServer::pid).toList());
            try (ServerCounters counters = new ServerCounters(cluster.servers())) {
                counters.calibrate();
                probeCost = counters.describeProbeCost();
                log("Status-counter reading costs, subtracted from every count: " + probeCost);
                boolean first = true;
                for (Workload w : o.workloads) {
                    List<Case> cases = new ArrayList<>();
                    for (Case c : Case.values()) {
                        if (c.runsIn(w) && o.cases.contains(c)) {
                            cases.add(c);
                        }
                    }
                    Map<Case, Accumulator> acc = new LinkedHashMap<>();
                    cases.forEach(c -> acc.put(c, new Accumulator(w, c, o.threadsFor(w))));
                    // A warm-up round, not measured: every code path of every case gets compiled before any is
                    // measured (the JIT's own threads would otherwise be counted against whichever case runs first).
                    for (Case c : cases) {
                        String failure = warmUp(cluster, o, w, c, first ? 2 * o.warmupSeconds : o.warmupSeconds);
                        first = false;
                        if (failure != null) {
                            acc.get(c).failure = failure;
                        }
                    }
                    // Rounds: every case measured a slice at a time, in turn, so that a change of the machine's
                    // background load during the run falls on every case alike.
                    for (int round = 1; round <= o.rounds; round++) {
                        for (Case c : cases) {
                            Accumulator a = acc.get(c);
                            if (a.failure != null) {
                                continue;
                            }
                            runRound(cluster, counters, cpu, o, w, c, round, a);
                        }
                    }
                    for (Accumulator a : acc.values()) {
                        CaseResult r = a.result();
                        results.add(r);
                        log(Report.oneLine(r));
                    }
                }
            }
        }
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        List<String> machine = new ArrayList<>(Machine.describe(serverVersion));
        machine.add("- load average (1, 5, 15 min) at the start: " + loadBefore + "; at the end: " + Machine.loadAverage()
                + " (other processes on the machine distort every figure; the floor-again rows show by how much)");
        String markdown = new Report(o, results, started, seconds, machine, probeCost).markdown();
        System.out.println();
        System.out.println(markdown);
        if (o.results != null) {
            ResultsFile.replaceSection(o.results, o.section, markdown);
            log("Wrote the " + o.section + " section of " + o.results.toAbsolutePath().normalize());
        }
        boolean anyFailed = results.stream().anyMatch(r -> r.testCase() == Case.FLOOR && !r.ok());
        return anyFailed ? 1 : 0;
    }

    private static String warmUp(EmbeddedCluster cluster, CompareOptions o, Workload w, Case c, int seconds) {
        if (seconds <= 0) {
            return null;
        }
        log("Warming up " + w + " / " + c.key);
        try (Target target = c.open(cluster, o)) {
            Load.Outcome warm = Load.run(target, w, o.threadsFor(w), o.rows, seconds * 1000L);
            return warm.operations() == 0 && warm.errors() > 0 ? "every operation failed in the warm-up: "
                    + warm.firstError() : null;
        } catch (Exception e) {
            return describe(e);
        }
    }

    private static String describe(Exception e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage()
                + (root != e ? " (cause: " + root.getClass().getSimpleName() + ": " + root.getMessage() + ")" : "");
    }

    private static void runRound(EmbeddedCluster cluster, ServerCounters counters, CpuMeter cpu, CompareOptions o,
            Workload w, Case c, int round, Accumulator into) {
        Slice best = null;
        for (int attempt = 1; attempt <= 1 + o.retryNoisy; attempt++) {
            Slice s = measureSlice(cluster, counters, cpu, o, w, c, round, attempt);
            if (s.failure != null) {
                into.failure = s.failure;
                return;
            }
            if (best == null || s.foreignCores() < best.foreignCores()) {
                best = s;
            }
            if (!(s.foreignCores() > o.noisyCores)) {
                break;
            }
            if (attempt <= o.retryNoisy) {
                log(String.format(Locale.ROOT, "  other processes used %.2f cores during it: measuring again",
                        s.foreignCores()));
            }
        }
        into.add(best);
    }

    /** One measured slice of one case: the load's outcome, the servers' counts, the CPU readings. */
    record Slice(Load.Outcome outcome, List<Map<String, Long>> delta, CpuMeter.Reading cpuBefore,
            CpuMeter.Reading cpuAfter, String failure) {
        double foreignCores() {
            return CpuMeter.foreignCores(cpuBefore, cpuAfter);
        }

        static Slice failed(String why) {
            return new Slice(null, null, null, null, why);
        }
    }

    private static Slice measureSlice(EmbeddedCluster cluster, ServerCounters counters, CpuMeter cpu, CompareOptions o,
            Workload w, Case c, int round, int attempt) {
        int threads = o.threadsFor(w);
        long measureMillis = Math.max(1000L, o.measureSeconds * 1000L / o.rounds);
        // Fresh pools: a short warm-up opens every connection the case will use (the JIT is warm already).
        long warmMillis = 500L;
        log("Running " + w + " / " + c.key + " (" + threads + " thread" + (threads == 1 ? "" : "s") + "), round "
                + round + "/" + o.rounds + (attempt > 1 ? ", attempt " + attempt : ""));
        try (Target target = c.open(cluster, o)) {
            Load.Outcome warm = Load.run(target, w, threads, o.rows, warmMillis);
            if (warm.operations() == 0 && warm.errors() > 0) {
                return Slice.failed("every operation failed in the warm-up: " + warm.firstError());
            }
            // Let the replicas apply the warm-up's writes before counting.
            cluster.awaitReplicationCaughtUp(Duration.ofSeconds(60));
            List<Map<String, Long>> before = counters.read();
            CpuMeter.Reading cpuBefore = cpu.read();
            Load.Outcome measured = Load.run(target, w, threads, o.rows, measureMillis);
            CpuMeter.Reading cpuAfter = cpu.read();
            List<Map<String, Long>> after = counters.read();
            if (measured.operations() == 0) {
                return Slice.failed("every operation failed: " + measured.firstError());
            }
            return new Slice(measured, counters.applicationDelta(before, after), cpuBefore, cpuAfter, null);
        } catch (Exception e) {
            return Slice.failed(describe(e));
        }
    }
    /** The slices of one case under one workload, added up. */
    private static final class Accumulator {
        private final Workload workload;
        private final Case testCase;
        private final int threads;
        private final Histogram latency = new Histogram(60_000_000_000L, 3);
        private long operations;
        private long reads;
        private long writes;
        private long errors;
        private String firstError;
        private long elapsedNanos;
        private List<Map<String, Long>> delta;
        private long busyTicks;
        private long jvmNanos;
        private long serverTicks;
        private long cpuWallNanos;
        private boolean cpuKnown = true;
        private int slices;
        String failure;

        Accumulator(Workload workload, Case testCase, int threads) {
            this.workload = workload;
            this.testCase = testCase;
            this.threads = threads;
        }

        void add(Slice s) {
            Load.Outcome out = s.outcome();
            latency.add(out.latencyNs());
            operations += out.operations();
            reads += out.reads();
            writes += out.writes();
            errors += out.errors();
            if (firstError == null) {
                firstError = out.firstError();
            }
            elapsedNanos += out.elapsedNanos();
            if (delta == null) {
                delta = new ArrayList<>();
                for (Map<String, Long> server : s.delta()) {
                    delta.add(new TreeMap<>(server));
                }
            } else {
                for (int i = 0; i < delta.size(); i++) {
                    Map<String, Long> sum = delta.get(i);
                    s.delta().get(i).forEach((k, v) -> sum.merge(k, v, Long::sum));
                }
            }
            if (s.cpuBefore() == null || s.cpuAfter() == null) {
                cpuKnown = false;
            } else {
                busyTicks += s.cpuAfter().busy() - s.cpuBefore().busy();
                jvmNanos += s.cpuAfter().jvmNanos() - s.cpuBefore().jvmNanos();
                serverTicks += s.cpuAfter().serverTicks() - s.cpuBefore().serverTicks();
                cpuWallNanos += s.cpuAfter().nanos() - s.cpuBefore().nanos();
            }
            slices++;
        }

        CaseResult result() {
            if (failure != null || operations == 0) {
                return CaseResult.failed(workload, testCase, threads, failure != null ? failure : "no operation measured");
            }
            Load.Outcome total = new Load.Outcome(latency, operations, reads, writes, errors, firstError, elapsedNanos);
            CpuMeter.Reading zero = new CpuMeter.Reading(0, 0, 0, 0);
            CpuMeter.Reading sum = new CpuMeter.Reading(busyTicks, jvmNanos, serverTicks, cpuWallNanos);
            return new CaseResult(workload, testCase, threads, total, delta,
                    cpuKnown ? CpuMeter.foreignCores(zero, sum) : Double.NaN,
                    cpuKnown ? CpuMeter.jvmMicrosPerOp(zero, sum, operations) : Double.NaN,
                    cpuKnown ? CpuMeter.serverMicrosPerOp(zero, sum, operations) : Double.NaN, slices,
                    errors > 0 ? errors + " errors, first: " + firstError : null);
        }
    }

    static void log(String line) {
        System.out.println(DateTimeFormatter.ofPattern("HH:mm:ss").format(ZonedDateTime.now()) + " " + line);
    }
}
