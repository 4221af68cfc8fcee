package com.foobar.bench.e2e;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * Runs one workload on a target for a fixed time with N closed-loop threads, each recording the latency of
 * every operation (from borrowing the connection to giving it back) in its own histogram.
 */
final class Load {

    /** Highest latency recorded: 60 s, in ns, 3 significant digits. */
    private static final long HIGHEST_NS = 60_000_000_000L;
    /** Percentage of writes in the mixed workload. */
    static final int WRITE_PERCENT = 10;

    private Load() {
    }

    /** What one run did. */
    record Outcome(Histogram latencyNs, long operations, long reads, long writes, long errors, String firstError,
            long elapsedNanos) {
        double opsPerSecond() {
            return operations * 1e9 / elapsedNanos;
        }
    }

    static Outcome run(Target target, Workload workload, int threads, int rows, long millis) throws InterruptedException {
        long durationNanos = millis * 1_000_000L;
        CountDownLatch ready = new CountDownLatch(threads);
        CountDownLatch go = new CountDownLatch(1);
        List<Worker> workers = new ArrayList<>();
        List<Thread> running = new ArrayList<>();
        AtomicReference<String> firstError = new AtomicReference<>();
        long[] start = new long[1];
        for (int t = 0; t < threads; t++) {
            Worker w = new Worker(target, workload, rows, ready, go, firstError);
            workers.add(w);
            Thread thread = new Thread(w, "load-" + workload + "-" + t);
            thread.setDaemon(true);
            running.add(thread);
            thread.start();
        }
        ready.await();
        start[0] = System.nanoTime();
        long deadline = start[0] + durationNanos;
        for (Worker w : workers) {
            w.deadline = deadline;
        }
        go.countDown();
        for (Thread thread : running) {
            thread.join();
        }
        long elapsed = System.nanoTime() - start[0];
        Histogram all = new Histogram(HIGHEST_NS, 3);
        long ops = 0;
        long reads = 0;
        long writes = 0;
        long errors = 0;
        for (Worker w : workers) {
            all.add(w.histogram);
            ops += w.operations;
            reads += w.reads;
            writes += w.writes;
            errors += w.errors;
        }
        return new Outcome(all, ops, reads, writes, errors, firstError.get(), elapsed);
    }

    private static final class Worker implements Runnable {
        private final Target target;
        private final Workload workload;
        private final int rows;
        private final CountDownLatch ready;
        private final CountDownLatch go;
        private final AtomicReference<String> firstError;
        private final Histogram histogram = new Histogram(HIGHEST_NS, 3);
        volatile long deadline;
        long operations;
        long reads;
        long writes;
        long errors;
        long sink;

        Worker(Target target, Workload workload, int rows, CountDownLatch ready, CountDownLatch go,
                AtomicReference<String> firstError) {
            this.target = target;
            this.workload = workload;
            this.rows = rows;
            this.ready = ready;
            this.go = go;
            this.firstError = firstError;
        }

        @Override
        public void run() {
            ThreadLocalRandom random = ThreadLocalRandom.current();
            ready.countDown();
            try {
                go.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            long end = deadline;
            while (true) {
                long t0 = System.nanoTime();
                if (t0 - end >= 0) {
                    return;
                }
                try {
                    switch (workload) {
                        case POINT_SELECT -> {
                            sink += target.read(1 + random.nextInt(rows));
                            reads++;
                        }
                        case MIXED -> {
                            if (random.nextInt(100) < WRITE_PERCENT) {
                                target.write(1 + random.nextInt(rows));
                                writes++;
                            } else {
                                sink += target.read(1 + random.nextInt(rows));
                                reads++;
                            }
                        }
                        case READ_ONLY_TX -> {
                            sink += target.readOnlyTransaction(1 + random.nextInt(rows), 1 + random.nextInt(rows),
                                    1 + random.nextInt(rows));
                            reads += 3;
                        }
                    }
                    histogram.recordValue(Math.min(System.nanoTime() - t0, HIGHEST_NS));
                    operations++;
                } catch (Exception e) {
                    errors++;
                    firstError.compareAndSet(null, e.getClass().getSimpleName() + ": " + e.getMessage());
                    if (errors > 1000 && operations == 0) {
                        return; // nothing works: stop hammering
                    }
                }
            }
        }
    }
}
