package com.foobar.bench.e2e;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** The command line of {@link Compare}. */
final class CompareOptions {

    static final String USAGE = String.join("\n",
            "Usage: Compare [options]   (through Maven: -Dcompare.args=\"options\")",
            "  --warmup S        seconds of each case in the warm-up round, not measured (default 2)",
            "  --measure S       seconds measured per case and workload, over all rounds (default 10)",
            "  --rounds N        interleaved rounds: each case is measured N times for measure/N seconds, in turn",
            "                    with the others, each time on freshly opened pools (default 3)",
            "  --threads N       threads of the mixed and read-only-transaction workloads (default 8)",
            "  --pool N          size of every application HikariCP pool (default 8)",
            "  --rows N          rows in the benchmark table (default 10000)",
            "  --workloads LIST  comma-separated: point-select,mixed,ro-tx (default all)",
            "  --cases LIST      comma-separated case keys (default all): " + Case.keys(),
            "  --cj-props Q      extra Connector/J properties for every Connector/J-based case, e.g.",
            "                    'cachePrepStmts=true&useLocalSessionState=true' (default none: library defaults)",
            "  --retry-noisy N   measure a case again, up to N more times, while other processes used more than",
            "                    --noisy-cores of CPU during it; the quietest attempt is kept (default 0)",
            "  --noisy-cores X   CPU used by other processes, in cores, that makes a case noisy (default 0.2)",
            "  --results FILE    markdown file whose generated e2e section is replaced (default RESULTS.md;",
            "                    'none' to only print)",
            "  --section NAME    name of that generated section (default e2e)",
            "  --help");

    int warmupSeconds = 2;
    int measureSeconds = 10;
    int threads = 8;
    int rounds = 3;
    int poolSize = 8;
    int rows = 10_000;
    List<Workload> workloads = List.of(Workload.values());
    Set<Case> cases = EnumSet.allOf(Case.class);
    String cjProps = "";
    int retryNoisy = 0;
    double noisyCores = 0.2;
    Path results = Path.of("RESULTS.md");
    String section = "e2e";
    final List<String> args = new ArrayList<>();

    static CompareOptions parse(String[] argv) {
        CompareOptions o = new CompareOptions();
        for (int i = 0; i < argv.length; i++) {
            String a = argv[i];
            if (a.isBlank()) {
                continue;
            }
            o.args.add(a);
            if (a.equals("--help") || a.equals("-h")) {
                throw new HelpRequested();
            }
            if (i + 1 >= argv.length) {
                throw new IllegalArgumentException("missing value after " + a);
            }
            String v = argv[++i];
            o.args.add(v.contains(" ") || v.contains("&") ? "'" + v + "'" : v);
            switch (a) {
                case "--warmup" -> o.warmupSeconds = positive(a, v, 0);
                case "--measure" -> o.measureSeconds = positive(a, v, 1);
                case "--threads" -> o.threads = positive(a, v, 1);
                case "--rounds" -> o.rounds = positive(a, v, 1);
                case "--pool" -> o.poolSize = positive(a, v, 1);
                case "--rows" -> o.rows = positive(a, v, 100);
                case "--workloads" -> {
                    List<Workload> ws = new ArrayList<>();
                    for (String k : v.split(",")) {
                        ws.add(Workload.byKey(k.trim()));
                    }
                    o.workloads = ws;
                }
                case "--cases" -> {
                    Set<Case> cs = EnumSet.noneOf(Case.class);
                    for (String k : v.split(",")) {
                        cs.add(Case.byKey(k.trim()));
                    }
                    cs.add(Case.FLOOR); // every ratio needs it
                    o.cases = cs;
                }
                case "--retry-noisy" -> o.retryNoisy = positive(a, v, 0);
                case "--noisy-cores" -> {
                    try {
                        o.noisyCores = Double.parseDouble(v);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--noisy-cores needs a number: " + v, e);
                    }
                }
                case "--cj-props" -> o.cjProps = v.startsWith("&") || v.startsWith("?") ? v.substring(1) : v;
                case "--results" -> o.results = v.equalsIgnoreCase("none") ? null : Path.of(v);
                case "--section" -> {
                    if (!v.matches("[A-Za-z0-9_-]+")) {
                        throw new IllegalArgumentException("--section needs letters, digits, '-' or '_': " + v);
                    }
                    o.section = v;
                }
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        return o;
    }

    private static int positive(String name, String value, int min) {
        try {
            int n = Integer.parseInt(value.trim());
            if (n < min) {
                throw new IllegalArgumentException(name + " must be at least " + min + ": " + value);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " needs a number: " + value, e);
        }
    }

    int threadsFor(Workload w) {
        return w == Workload.POINT_SELECT ? 1 : threads;
    }

    String argsLine() {
        return String.join(" ", args);
    }

    /** Thrown for --help. */
    static final class HelpRequested extends RuntimeException {
        private static final long serialVersionUID = 1L;

        HelpRequested() {
            super(null, null, false, false);
        }
    }
}
