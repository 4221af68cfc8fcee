package com.foobar.bench.jmh;

import com.foobar.bench.Machine;
import com.foobar.bench.ResultsFile;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the JMH suite with JMH's own command line (plus the GC profiler, always) and writes a table of the
 * results, ns/op and bytes allocated per op, into the generated {@code jmh} section of {@code RESULTS.md}.
 * {@code --results FILE} (or {@code --results none}) before the JMH options changes the file.
 *
 * <pre>mvn -q -pl benchmarks -am -Dmaven.test.skip=true -Pjmh package [-Djmh.args="-f 3 -wi 5 -i 10 Classifier"]</pre>
 */
public final class RunJmh {

    static final String COMMAND = "mvn -q -pl benchmarks -am -Dmaven.test.skip=true -Pjmh package";
    static final String DEFAULT_ARGS = "-f 1 -wi 3 -w 1s -i 5 -r 1s";

    private RunJmh() {
    }

    public static void main(String[] argv) throws Exception {
        List<String> args = new ArrayList<>(Arrays.asList(argv));
        args.removeIf(String::isBlank);
        Path results = Path.of("RESULTS.md");
        int at = args.indexOf("--results");
        if (at >= 0 && at + 1 < args.size()) {
            String v = args.get(at + 1);
            results = v.equalsIgnoreCase("none") ? null : Path.of(v);
            args.remove(at + 1);
            args.remove(at);
        }
        if (args.stream().anyMatch(a -> a.equals("-h") || a.equals("-l") || a.equals("-lp") || a.equals("-lprof")
                || a.equals("-lrf"))) {
            org.openjdk.jmh.Main.main(args.toArray(new String[0]));
            return;
        }
        CommandLineOptions cmd = new CommandLineOptions(args.toArray(new String[0]));
        ChainedOptionsBuilder options = new OptionsBuilder().parent(cmd);
        boolean hasGc = cmd.getProfilers().stream().anyMatch(p -> p.getKlass().toLowerCase(Locale.ROOT).contains("gc"));
        if (!hasGc) {
            options.addProfiler(GCProfiler.class);
        }
        ZonedDateTime started = ZonedDateTime.now();
        long t0 = System.nanoTime();
        Collection<RunResult> runs = new Runner(options.build()).run();
        long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
        String markdown = markdown(runs, String.join(" ", args), started, seconds);
        System.out.println();
        System.out.println(markdown);
        if (results != null && !runs.isEmpty()) {
            ResultsFile.replaceSection(results, "jmh", markdown);
            System.out.println("Wrote the jmh section of " + results.toAbsolutePath().normalize());
        }
    }

    static String markdown(Collection<RunResult> runs, String args, ZonedDateTime started, long seconds) {
        StringBuilder md = new StringBuilder("### Run\n\n");
        md.append("- date: ").append(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z").format(started))
                .append(String.format(Locale.ROOT, ", took %d min %02d s%n", seconds / 60, seconds % 60));
        md.append("- command: `").append(COMMAND).append(args.isEmpty() || args.equals(DEFAULT_ARGS) ? ""
                : " -Djmh.args=\"" + args + "\"").append("` (from the repository root); JMH options `")
                .append(args.isEmpty() ? DEFAULT_ARGS : args).append("` plus `-prof gc`\n");
        for (String line : Machine.describe(null)) {
            md.append(line).append('\n');
        }
        md.append("\nns/op is JMH's score (the mean of the measured iterations, ± its 99.9% confidence half-width); the median"
                + " iteration is steadier when other processes disturb a few iterations of a shared machine.\n");
        md.append("\n| benchmark | params | ns/op | ± (99.9%) | median iteration | B/op allocated |\n"
                + "|---|---|---:|---:|---:|---:|\n");
        List<RunResult> sorted = new ArrayList<>(runs);
        sorted.sort(Comparator.comparing((RunResult r) -> r.getParams().getBenchmark()));
        for (RunResult r : sorted) {
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            String params = r.getParams().getParamsKeys().stream()
                    .filter(k -> !(k.equals("cjExtra") && "none".equals(r.getParams().getParam(k))))
                    .map(k -> k + "=" + r.getParams().getParam(k)).collect(Collectors.joining(", "));
            if (r.getParams().getThreads() > 1) {
                params = (params.isEmpty() ? "" : params + ", ") + r.getParams().getThreads() + " threads";
            }
            Result<?> primary = r.getPrimaryResult();
            Map<String, Result> secondary = r.getSecondaryResults();
            Result<?> alloc = secondary.get("gc.alloc.rate.norm");
            md.append("| ").append(name).append(" | ").append(params).append(" | ")
                    .append(number(primary.getScore())).append(" | ").append(number(primary.getScoreError()))
                    .append(" | ").append(number(medianIteration(r))).append(" | ")
                    .append(alloc == null ? "–" : number(alloc.getScore())).append(" |\n");
        }
        return md.toString();
    }

    /** The median of the measured iterations' primary scores, over every fork. */
    static double medianIteration(RunResult r) {
        List<Double> scores = new ArrayList<>();
        for (BenchmarkResult b : r.getBenchmarkResults()) {
            for (IterationResult i : b.getIterationResults()) {
                scores.add(i.getPrimaryResult().getScore());
            }
        }
        if (scores.isEmpty()) {
            return Double.NaN;
        }
        scores.sort(null);
        int n = scores.size();
        return n % 2 == 1 ? scores.get(n / 2) : (scores.get(n / 2 - 1) + scores.get(n / 2)) / 2;
    }

    private static String number(double v) {
        if (Double.isNaN(v)) {
            return "–";
        }
        if (Math.abs(v) >= 100) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }
}
