package com.foobar.testcluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure no mariadbd started by this library outlives its JVM, in three layers:
 *
 * <ol>
 *   <li>a JVM shutdown hook closes every cluster that is still open (normal exit, Ctrl-C, SIGTERM);
 *   <li>a tiny {@code sh} watchdog per cluster polls the JVM's PID once a second and, when the JVM is
 *       gone (even after {@code kill -9}), SIGKILLs the servers listed in the cluster's PID files and
 *       deletes the cluster's directory;
 *   <li>when a cluster starts, run directories whose owning JVM is dead are cleaned up the same way
 *       (in case the watchdog itself was killed).
 * </ol>
 *
 * A process is only ever killed when its command line contains the run directory, so a recycled PID
 * never hits an unrelated process. Thread-safe.
 */
final class Janitor {

    private static final Logger log = LoggerFactory.getLogger(Janitor.class);

    static final String OWNER_FILE = "owner";
    static final String PID_FILE = "mariadbd.pid";

    private static final Set<EmbeddedCluster> OPEN_CLUSTERS = ConcurrentHashMap.newKeySet();
    private static final AtomicBoolean HOOK_INSTALLED = new AtomicBoolean();
    private static final Set<Path> SWEPT_ROOTS = ConcurrentHashMap.newKeySet();

    /**
     * The watchdog: $1 = JVM pid, $2 = run directory. Exits by itself once the run directory is gone
     * (normal close). Ignores SIGINT/SIGHUP so that a Ctrl-C delivered to the whole process group
     * still lets it clean up after the JVM.
     */
    private static final String WATCHDOG_SCRIPT = String.join("\n",
            "trap '' INT HUP",
            "jvm=\"$1\"; dir=\"$2\"",
            "while kill -0 \"$jvm\" 2>/dev/null && [ -d \"$dir\" ]; do sleep 1; done",
            "[ -d \"$dir\" ] || exit 0",
            "for f in \"$dir\"/*/" + PID_FILE + "; do",
            "  [ -f \"$f\" ] || continue",
            "  p=$(cat \"$f\" 2>/dev/null)",
            "  case \"$p\" in ''|*[!0-9]*) continue ;; esac",
            "  if tr '\\000' ' ' < /proc/$p/cmdline 2>/dev/null | grep -qF -- \"$dir\"; then",
            "    kill -CONT \"$p\" 2>/dev/null; kill -KILL \"$p\" 2>/dev/null",
            "  fi",
            "done",
            "sleep 1",
            "rm -rf -- \"$dir\"",
            "");

    private Janitor() {
    }

    static void register(EmbeddedCluster cluster) {
        if (HOOK_INSTALLED.compareAndSet(false, true)) {
            Runtime.getRuntime().addShutdownHook(new Thread(Janitor::closeAllOpenClusters, "foobar-embedded-cluster-shutdown"));
        }
        OPEN_CLUSTERS.add(cluster);
    }

    static void unregister(EmbeddedCluster cluster) {
        OPEN_CLUSTERS.remove(cluster);
    }

    private static void closeAllOpenClusters() {
        for (EmbeddedCluster cluster : OPEN_CLUSTERS.toArray(new EmbeddedCluster[0])) {
            try {
                cluster.close();
            } catch (RuntimeException e) {
                // Logging may already be shut down; stderr is all we can count on here.
                System.err.println("foobar-embedded-cluster: could not close " + cluster + " at JVM exit: " + e);
            }
        }
    }

    /** Writes the owner file of a new run directory. */
    static void claim(Path runDir) throws IOException {
        ProcessHandle self = ProcessHandle.current();
        String start = self.info().startInstant().map(i -> Long.toString(i.toEpochMilli())).orElse("-");
        Files.writeString(runDir.resolve(OWNER_FILE), self.pid() + " " + start + "\n", StandardCharsets.UTF_8);
    }

    /** Starts the watchdog process for a run directory; returns null if it could not be started. */
    static Process startWatchdog(Path runDir) {
        try {
            ProcessBuilder pb = new ProcessBuilder("sh", "-c", WATCHDOG_SCRIPT, "foobar-cluster-watchdog",
                    Long.toString(ProcessHandle.current().pid()), runDir.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
            return pb.start();
        } catch (IOException e) {
            log.warn("Could not start the watchdog for {} (servers may outlive a crashed JVM): {}", runDir, e.toString());
            return null;
        }
    }

    /**
     * Once per runs root and JVM: kills servers left by dead JVMs and deletes their run directories.
     */
    static void sweepLeftovers(Path runsRoot) {
        if (!SWEPT_ROOTS.add(runsRoot) || !Files.isDirectory(runsRoot)) {
            return;
        }
        try (DirectoryStream<Path> runs = Files.newDirectoryStream(runsRoot)) {
            for (Path run : runs) {
                if (Files.isDirectory(run) && isAbandoned(run)) {
                    log.info("Cleaning up leftover embedded cluster directory {} (its JVM is gone)", run);
                    killServersOf(run);
                    MariaDbInstallation.deleteRecursivelyQuietly(run);
                }
            }
        } catch (IOException e) {
            log.debug("Could not sweep {}: {}", runsRoot, e.toString());
        }
    }

    private static boolean isAbandoned(Path run) {
        Path owner = run.resolve(OWNER_FILE);
        try {
            if (!Files.isRegularFile(owner)) {
                // Being created right now, or a JVM died before writing it: only touch old ones.
                FileTime modified = Files.getLastModifiedTime(run);
                return modified.toInstant().isBefore(Instant.now().minus(Duration.ofMinutes(10)));
            }
            String[] parts = Files.readString(owner, StandardCharsets.UTF_8).trim().split("\\s+");
            long pid = Long.parseLong(parts[0]);
            Optional<ProcessHandle> handle = ProcessHandle.of(pid);
            if (handle.isEmpty() || !handle.get().isAlive()) {
                return true;
            }
            if (parts.length > 1 && !parts[1].equals("-")) {
                long recorded = Long.parseLong(parts[1]);
                Optional<Instant> actual = handle.get().info().startInstant();
                // A recycled PID: the process with that PID started at another time.
                return actual.isPresent() && Math.abs(actual.get().toEpochMilli() - recorded) > 2000;
            }
            return false;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static void killServersOf(Path run) {
        try (DirectoryStream<Path> servers = Files.newDirectoryStream(run)) {
            for (Path server : servers) {
                Path pidFile = server.resolve(PID_FILE);
                if (!Files.isRegularFile(pidFile)) {
                    continue;
                }
                try {
                    long pid = Long.parseLong(Files.readString(pidFile, StandardCharsets.UTF_8).trim());
                    ProcessHandle.of(pid)
                            .filter(h -> commandLineContains(h, run.toString()))
                            .ifPresent(h -> {
                                signal(h.pid(), "CONT");
                                h.destroyForcibly();
                                log.info("Killed leftover mariadbd pid {} of {}", h.pid(), run);
                            });
                } catch (IOException | NumberFormatException e) {
                    log.debug("Unreadable PID file {}: {}", pidFile, e.toString());
                }
            }
        } catch (IOException e) {
            log.debug("Could not list {}: {}", run, e.toString());
        }
    }

    private static boolean commandLineContains(ProcessHandle handle, String text) {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(handle.pid()), "cmdline"));
            return new String(raw, StandardCharsets.UTF_8).replace('\0', ' ').contains(text);
        } catch (IOException e) {
            return handle.info().commandLine().map(c -> c.contains(text)).orElse(false);
        }
    }

    /**
     * Sends a signal with {@code kill -SIG pid}.
     *
     * @return true if kill exited with 0
     */
    static boolean signal(long pid, String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            return kill.waitFor() == 0;
        } catch (IOException e) {
            throw new EmbeddedClusterException("Cannot run kill -" + signal + " " + pid, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EmbeddedClusterException("Interrupted while running kill -" + signal + " " + pid, e);
        }
    }
}
