package com.foobar.bench.e2e;

import java.util.Locale;

/** The three end-to-end workloads. */
enum Workload {

    /** One thread, one point select by primary key per operation: latency. */
    POINT_SELECT("point-select", "Point select by primary key, 1 thread", 1, 1,
            "one operation = borrow a connection from the application pool, one `SELECT id, v, pad FROM bench WHERE id = ?`"
                    + " (random id), read the row, give the connection back"),
    /** Several threads, 90% point selects and 10% single-row updates: throughput under load. */
    MIXED("mixed", "90% point reads / 10% single-row updates, 8 threads", 8, 1,
            "one operation = borrow, one statement (90%: the point select; 10%: `UPDATE bench SET v = v + 1 WHERE id = ?`),"
                    + " give back"),
    /** Several threads, read-only transactions of three selects driven the way Spring does. */
    READ_ONLY_TX("ro-tx", "Read-only transactions of 3 point selects, the way Spring drives them, 8 threads", 8, 3,
            "one operation = borrow, `setReadOnly(true)`, `setAutoCommit(false)`, 3 point selects, `commit()`,"
                    + " `setAutoCommit(true)`, `setReadOnly(false)`, give back (Spring's DataSourceTransactionManager"
                    + " for `@Transactional(readOnly = true)`)");

    final String key;
    final String title;
    final int defaultThreads;
    /** SQL statements the application executes per operation (the transaction's selects). */
    final int statementsPerOp;
    final String description;

    Workload(String key, String title, int defaultThreads, int statementsPerOp, String description) {
        this.key = key;
        this.title = title;
        this.defaultThreads = defaultThreads;
        this.statementsPerOp = statementsPerOp;
        this.description = description;
    }

    static Workload byKey(String key) {
        for (Workload w : values()) {
            if (w.key.equalsIgnoreCase(key) || w.name().equalsIgnoreCase(key)) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown workload '" + key + "': one of point-select, mixed, ro-tx");
    }

    String unit() {
        return this == READ_ONLY_TX ? "tx" : "op";
    }

    @Override
    public String toString() {
        return key.toLowerCase(Locale.ROOT);
    }
}
