package com.foobar.bench.e2e;

import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The markdown tables of a run, with every figure also as a ratio to the floor of the same workload. */
final class Report {

    private final CompareOptions options;
    private final List<CaseResult> results;
    private final ZonedDateTime started;
    private final long seconds;
    private final List<String> machine;
    private final String probeCost;

    Report(CompareOptions options, List<CaseResult> results, ZonedDateTime started, long seconds, List<String> machine,
            String probeCost) {
        this.options = options;
        this.results = results;
        this.started = started;
        this.seconds = seconds;
        this.machine = machine;
        this.probeCost = probeCost;
    }

    static String oneLine(CaseResult r) {
        if (!r.ok()) {
            return "  " + r.workload() + " / " + r.testCase().key + ": FAILED: " + r.failure();
        }
        return String.format(Locale.ROOT, "  %s / %s: %.0f %s/s, p50 %.1f µs, p99 %.1f µs, %.3f server statements per %s,"
                        + " SELECTs %s, CPU µs client %.1f servers %.1f, other processes %.2f cores%s", r.workload(),
                r.testCase().key, r.opsPerSecond(), r.workload().unit(), r.p50Micros(), r.p99Micros(),
                r.serverStatementsPerOp(), r.workload().unit(), selects(r), r.clientCpuMicros(), r.serverCpuMicros(),
                r.foreignCores(), r.failure() == null ? "" : " (" + r.failure() + ")");
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("### Run\n\n");
        md.append("- date: ").append(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z").format(started))
                .append(String.format(Locale.ROOT, ", took %d min %02d s%n", seconds / 60, seconds % 60));
        String args = options.argsLine();
        md.append("- command: `").append(Compare.COMMAND).append(args.isEmpty() ? "" : " -Dcompare.args=\"" + args + "\"")
                .append("` (from the repository root)\n");
        md.append(String.format(Locale.ROOT, "- each case: a warm-up round (%d s per case, not measured), then %d s measured"
                        + " in %d interleaved rounds (every case of the workload in turn, %d times), each on freshly opened"
                        + " pools after 0.5 s of warm-up; application pools of %d connections; %d rows%n",
                options.warmupSeconds, options.measureSeconds, options.rounds, options.rounds, options.poolSize, options.rows));
        md.append("- Connector/J properties of every Connector/J-based case: `sslMode=DISABLED&allowPublicKeyRetrieval=true")
                .append(options.cjProps.isEmpty() ? "" : "&" + options.cjProps).append("`, otherwise library defaults\n");
        md.append("- counters: each server's `SHOW GLOBAL STATUS` before and after the measured part, read on one"
                + " superuser connection per server; what a reading itself adds (").append(probeCost)
                .append(") is subtracted\n");
        md.append(String.format(Locale.ROOT, "- other CPU: cores used by other processes on the machine while the case was"
                + " measured (all busy CPU minus this JVM's and the three servers'); bold above %.2f: that row is"
                + " distorted by them%s%n", options.noisyCores, options.retryNoisy > 0 ? " (such cases were measured up to "
                + options.retryNoisy + " more times, keeping the quietest)" : ""));
        for (String line : machine) {
            md.append(line).append('\n');
        }
        for (Workload w : options.workloads) {
            List<CaseResult> rows = results.stream().filter(r -> r.workload() == w).toList();
            if (rows.isEmpty()) {
                continue;
            }
            md.append('\n').append(section(w, rows));
        }
        md.append('\n').append(targets());
        return md.toString();
    }

    private String section(Workload w, List<CaseResult> rows) {
        Optional<CaseResult> floor = rows.stream().filter(r -> r.testCase() == Case.FLOOR && r.ok()).findFirst();
        StringBuilder md = new StringBuilder();
        int threads = options.threadsFor(w);
        md.append("### ").append(w.ordinal() + 1).append(". ").append(w.title.replace("8 threads", threads + " threads"))
                .append("\n\n").append(w.description).append(".\n\n");
        String per = w == Workload.READ_ONLY_TX ? "per tx" : "per app stmt";
        md.append("| case | ").append(w.unit()).append("/s | × floor | p50 µs | × floor | p99 µs | × floor | server stmts ")
                .append(per).append(" | × floor | SELECTs primary / replica1 / replica2 | replicas max/min | other CPU |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (CaseResult r : rows) {
            md.append("| ").append(r.testCase().label).append(" | ");
            if (!r.ok()) {
                md.append("failed: see below | | | | | | | | | | |\n");
                continue;
            }
            double stmts = w == Workload.READ_ONLY_TX ? r.serverStatementsPerOp() : r.serverStatementsPerAppStatement();
            md.append(String.format(Locale.ROOT, "%,.0f", r.opsPerSecond())).append(" | ")
                    .append(ratio(floor.map(f -> r.opsPerSecond() / f.opsPerSecond()))).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f", r.p50Micros())).append(" | ")
                    .append(ratio(floor.map(f -> r.p50Micros() / f.p50Micros()))).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f", r.p99Micros())).append(" | ")
                    .append(ratio(floor.map(f -> r.p99Micros() / f.p99Micros()))).append(" | ")
                    .append(String.format(Locale.ROOT, "%.3f", stmts)).append(" | ")
                    .append(ratio(floor.map(f -> r.serverStatementsPerOp() / f.serverStatementsPerOp()))).append(" | ")
                    .append(selects(r)).append(" | ").append(spread(r.replicaSpread())).append(" | ")
                    .append(cores(r.foreignCores())).append(" |\n");
        }
        md.append("\nCPU time per ").append(w.unit()).append(" (the application JVM with its pool and driver; the three"
                + " servers together), and what the servers received per ").append(w.unit()).append(", all together:"
                + " `Questions`, and the `Com_*` counters that moved (a replica's applier left out), largest first:\n\n");
        md.append("| case | client CPU µs | × floor | servers CPU µs | × floor | Questions | statements by kind |\n"
                + "|---|---:|---:|---:|---:|---:|---|\n");
        for (CaseResult r : rows) {
            if (!r.ok()) {
                continue;
            }
            List<String> kinds = new ArrayList<>();
            r.statementMix().forEach((k, v) -> {
                if (Math.abs(v) >= 0.0005) {
                    kinds.add(String.format(Locale.ROOT, "%s %.3f", k, v));
                }
            });
            md.append("| ").append(r.testCase().label).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f", r.clientCpuMicros())).append(" | ")
                    .append(ratio(floor.map(f -> r.clientCpuMicros() / f.clientCpuMicros()))).append(" | ")
                    .append(String.format(Locale.ROOT, "%.1f", r.serverCpuMicros())).append(" | ")
                    .append(ratio(floor.map(f -> r.serverCpuMicros() / f.serverCpuMicros()))).append(" | ")
                    .append(String.format(Locale.ROOT, "%.3f | ", r.serverStatementsPerOp()))
                    .append(String.join(", ", kinds)).append(" |\n");
        }
        List<String> failures = new ArrayList<>();
        for (CaseResult r : rows) {
            if (r.failure() != null) {
                failures.add("- " + r.testCase().label + ": " + (r.ok() ? "" : "**failed**: ") + r.failure());
            }
        }
        if (!failures.isEmpty()) {
            md.append("\nErrors:\n\n").append(String.join("\n", failures)).append('\n');
        }
        return md.toString();
    }

    private String targets() {
        StringBuilder md = new StringBuilder("### Targets of the driver, from this run\n\n");
        md.append("| target | measured | met |\n|---|---|---|\n");
        find(Workload.POINT_SELECT, Case.FOOBAR).ifPresent(r -> floorOf(Workload.POINT_SELECT).ifPresent(f -> {
            double x = r.p50Micros() / f.p50Micros();
            row(md, "single-thread point-select p50 within 5% of the floor", String.format(Locale.ROOT,
                    "%.1f µs vs %.1f µs: %.3f×", r.p50Micros(), f.p50Micros(), x), x <= 1.05);
        }));
        find(Workload.MIXED, Case.FOOBAR).ifPresent(r -> floorOf(Workload.MIXED).ifPresent(f -> {
            double x = r.opsPerSecond() / f.opsPerSecond();
            row(md, options.threads + "-thread mixed throughput within 5% of the floor", String.format(Locale.ROOT,
                    "%,.0f vs %,.0f ops/s: %.3f×", r.opsPerSecond(), f.opsPerSecond(), x), x >= 0.95);
        }));
        for (Workload w : Workload.values()) {
            Case c0 = w == Workload.READ_ONLY_TX ? Case.FOOBAR_READ_ONLY : Case.FOOBAR;
            find(w, c0).ifPresent(r -> floorOf(w).ifPresent(f -> row(md, "(information) client CPU per " + w.unit()
                    + " vs the floor (" + w + ", " + c0.key + ")", String.format(Locale.ROOT, "%.1f vs %.1f µs: %.3f×",
                    r.clientCpuMicros(), f.clientCpuMicros(), r.clientCpuMicros() / f.clientCpuMicros()), "(no target)")));
        }
        for (Workload w : Workload.values()) {
            Case c = w == Workload.READ_ONLY_TX ? Case.FOOBAR_READ_ONLY : Case.FOOBAR;
            find(w, c).ifPresent(r -> {
                double s = r.replicaSpread();
                row(md, "replicas within 5% of even (" + w + ", " + c.key + ")", "max/min " + spread(s) + " ("
                        + selects(r) + ")", s <= 1.05);
            });
        }
        for (Workload w : List.of(Workload.POINT_SELECT, Workload.MIXED)) {
            find(w, Case.FOOBAR).ifPresent(r -> {
                double s = r.serverStatementsPerAppStatement();
                String floorCost = floorOf(w).map(f -> String.format(Locale.ROOT, " (floor %.3f)",
                        f.serverStatementsPerAppStatement())).orElse("");
                row(md, "at most 1.02 server statements per application statement (" + w + ")",
                        String.format(Locale.ROOT, "%.3f%s", s, floorCost), s <= 1.02);
            });
        }
        find(Workload.READ_ONLY_TX, Case.FOOBAR_READ_ONLY).ifPresent(r -> floorOf(Workload.READ_ONLY_TX).ifPresent(f ->
                row(md, "read-only transaction: no more server statements than the floor", String.format(Locale.ROOT,
                        "%.3f vs %.3f per tx", r.serverStatementsPerOp(), f.serverStatementsPerOp()),
                        r.serverStatementsPerOp() <= f.serverStatementsPerOp() * 1.02)));
        md.append("\nNoise (the floor measured again at the end of each workload, as a ratio to the first floor):");
        for (Workload w : options.workloads) {
            find(w, Case.FLOOR_AGAIN).ifPresent(r -> floorOf(w).ifPresent(f -> md.append(String.format(Locale.ROOT,
                    " %s: %s %.3f×, p50 %.3f×, p99 %.3f×;", w, w.unit() + "/s", r.opsPerSecond() / f.opsPerSecond(),
                    r.p50Micros() / f.p50Micros(), r.p99Micros() / f.p99Micros()))));
        }
        if (md.charAt(md.length() - 1) == ';') {
            md.setCharAt(md.length() - 1, '.');
        }
        md.append('\n');
        return md.toString();
    }

    private static void row(StringBuilder md, String target, String measured, boolean met) {
        row(md, target, measured, met ? "yes" : "**no**");
    }

    private static void row(StringBuilder md, String target, String measured, String met) {
        md.append("| ").append(target).append(" | ").append(measured).append(" | ").append(met).append(" |\n");
    }

    private Optional<CaseResult> find(Workload w, Case c) {
        return results.stream().filter(r -> r.workload() == w && r.testCase() == c && r.ok()).findFirst();
    }

    private Optional<CaseResult> floorOf(Workload w) {
        return find(w, Case.FLOOR);
    }

    private static String ratio(Optional<Double> x) {
        return x.map(v -> String.format(Locale.ROOT, "%.2f", v)).orElse("–");
    }

    static String selects(CaseResult r) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < r.servers(); i++) {
            s.append(i == 0 ? "" : " / ").append(String.format(Locale.ROOT, "%,d", r.selectsOn(i)));
        }
        return s.toString();
    }

    private String cores(double c) {
        if (Double.isNaN(c)) {
            return "?";
        }
        String s = String.format(Locale.ROOT, "%.2f", c);
        return c > options.noisyCores ? "**" + s + "**" : s;
    }

    static String spread(double s) {
        if (Double.isNaN(s)) {
            return "no replica reads";
        }
        if (Double.isInfinite(s)) {
            return "∞ (one replica only)";
        }
        return String.format(Locale.ROOT, "%.3f", s);
    }
}
