package com.foobar.bench.e2e;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** One case measured under one workload: the client's view (latency, throughput) and the servers' counts. */
record CaseResult(Workload workload, Case testCase, int threads, Load.Outcome outcome, List<Map<String, Long>> delta,
        double foreignCores, double clientCpuMicros, double serverCpuMicros, int attempts, String failure) {

    /**
     * The {@code Com_*} counters a replica's SQL thread moves when it applies the primary's row events
     * (one BEGIN ... COMMIT group per transaction). Nothing the application sends to a read-only replica
     * moves them, except COMMIT, which is counted as Com_commit minus Com_begin there.
     */
    private static final Set<String> APPLIER = Set.of("com_begin", "com_insert", "com_update", "com_delete",
            "com_replace", "com_commit");

    static CaseResult failed(Workload workload, Case testCase, int threads, String failure) {
        return new CaseResult(workload, testCase, threads, null, null, Double.NaN, Double.NaN, Double.NaN, 1, failure);
    }

    boolean ok() {
        return outcome != null && outcome.operations() > 0 && delta != null;
    }

    double opsPerSecond() {
        return outcome.opsPerSecond();
    }

    double p50Micros() {
        return outcome.latencyNs().getValueAtPercentile(50) / 1000.0;
    }

    double p99Micros() {
        return outcome.latencyNs().getValueAtPercentile(99) / 1000.0;
    }

    long total(String counter) {
        long sum = 0;
        for (Map<String, Long> server : delta) {
            sum += server.getOrDefault(counter, 0L);
        }
        return sum;
    }

    /** Server statements (Questions, all servers) per operation. */
    double serverStatementsPerOp() {
        return (double) total(ServerCounters.QUESTIONS) / outcome.operations();
    }

    /** Server statements per SQL statement the application executed. */
    double serverStatementsPerAppStatement() {
        return serverStatementsPerOp() / workload.statementsPerOp;
    }

    /** Com_select of one server. */
    long selectsOn(int server) {
        return delta.get(server).getOrDefault(ServerCounters.COM_SELECT, 0L);
    }

    int servers() {
        return delta.size();
    }

    /** Largest over smallest Com_select among the replicas (servers 1..n); infinite if one got none. */
    double replicaSpread() {
        long max = Long.MIN_VALUE;
        long min = Long.MAX_VALUE;
        for (int s = 1; s < delta.size(); s++) {
            long n = selectsOn(s);
            max = Math.max(max, n);
            min = Math.min(min, n);
        }
        if (max <= 0) {
            return Double.NaN; // no replica read
        }
        return min <= 0 ? Double.POSITIVE_INFINITY : (double) max / min;
    }

    /**
     * What the application side's statements were, per operation, summed over the servers, largest first:
     * each server's {@code Com_*} counters, without a replica's applier (see {@link #APPLIER}).
     */
    Map<String, Double> statementMix() {
        Map<String, Long> sum = new TreeMap<>();
        for (int s = 0; s < delta.size(); s++) {
            Map<String, Long> server = delta.get(s);
            for (Map.Entry<String, Long> e : server.entrySet()) {
                String name = e.getKey().toLowerCase(Locale.ROOT);
                if (!name.startsWith("com_")) {
                    continue;
                }
                long v = e.getValue();
                if (s > 0 && APPLIER.contains(name)) {
                    if (!name.equals("com_commit")) {
                        continue;
                    }
                    v -= server.getOrDefault("Com_begin", 0L);
                }
                if (v != 0) {
                    sum.merge(name.substring(4), v, Long::sum);
                }
            }
        }
        List<Map.Entry<String, Long>> entries = new ArrayList<>(sum.entrySet());
        entries.sort((a, b) -> Long.compare(b.getValue(), a.getValue()));
        Map<String, Double> mix = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : entries) {
            mix.put(e.getKey(), (double) e.getValue() / outcome.operations());
        }
        return mix;
    }
}
