package com.foobar.bench.e2e;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * CPU time while a case is measured: this JVM's (the application, its pools and its driver), the
 * database servers' (from {@code /proc/<pid>/stat}), and the rest of the machine's (all busy CPU time
 * from {@code /proc/stat} minus those two). CPU time per operation is what a case costs, and it is far
 * less sensitive than latency to other processes sharing the cores; the rest of the machine's share
 * says, per row, how much they could have distorted. Linux only; elsewhere it reads as unknown.
 */
final class CpuMeter {

    /** USER_HZ: the unit of the /proc times. 100 on every Linux that matters. */
    private static final double TICKS_PER_SECOND = 100.0;

    private final List<Long> pids;

    /** @param serverPids the database servers' process ids (this JVM is always counted as own) */
    CpuMeter(List<Long> serverPids) {
        this.pids = List.copyOf(serverPids);
    }

    /** A reading: machine busy ticks, this JVM's CPU ns, the servers' ticks, wall time; null if /proc cannot be read. */
    record Reading(long busy, long jvmNanos, long serverTicks, long nanos) {
    }

    Reading read() {
        try {
            String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            // user nice system idle iowait irq softirq steal ...: busy = all but idle and iowait
            for (int i = 1; i < cpu.length && i <= 8; i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(cpu[i]);
                }
            }
            long jvm = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                    .getProcessCpuTime();
            long servers = 0;
            for (long pid : pids) {
                servers += ticks(pid);
            }
            return new Reading(busy, jvm, servers, System.nanoTime());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long ticks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // fields after "pid (comm)": state(0) ... utime(11) stime(12) cutime(13) cstime(14)
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** CPU used by other processes between two readings, in cores (1.0 = one core busy all the time); NaN if unknown. */
    static double foreignCores(Reading before, Reading after) {
        if (before == null || after == null) {
            return Double.NaN;
        }
        double seconds = (after.nanos() - before.nanos()) / 1e9;
        double busy = (after.busy() - before.busy()) / TICKS_PER_SECOND;
        double jvm = (after.jvmNanos() - before.jvmNanos()) / 1e9;
        double servers = (after.serverTicks() - before.serverTicks()) / TICKS_PER_SECOND;
        return Math.max(0, (busy - jvm - servers) / seconds);
    }

    /** This JVM's CPU time between two readings, in µs per operation; NaN if unknown. */
    static double jvmMicrosPerOp(Reading before, Reading after, long operations) {
        if (before == null || after == null || operations == 0) {
            return Double.NaN;
        }
        return (after.jvmNanos() - before.jvmNanos()) / 1e3 / operations;
    }

    /** The servers' CPU time between two readings, in µs per operation; NaN if unknown. */
    static double serverMicrosPerOp(Reading before, Reading after, long operations) {
        if (before == null || after == null || operations == 0) {
            return Double.NaN;
        }
        return (after.serverTicks() - before.serverTicks()) * (1e6 / TICKS_PER_SECOND) / operations;
    }
}
