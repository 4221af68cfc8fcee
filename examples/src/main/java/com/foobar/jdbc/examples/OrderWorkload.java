package com.foobar.jdbc.examples;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;

/**
 * A small order-taking application: N threads share one connection pool, and each loop borrows a
 * connection (as a web request would), does one unit of work and gives it back.
 *
 * <p>Per loop, at random: a point select by id (55%), a small aggregate over an id range (20%), an
 * autocommit insert (12%), a read-write transaction of insert + update (5%), or a read-only transaction
 * of two selects (8%), as Spring's {@code @Transactional(readOnly = true)} would run it:
 * {@code setReadOnly(true)}, {@code setAutoCommit(false)}, selects, {@code commit()}, reset.
 */
final class OrderWorkload {

    private static final String[] CUSTOMERS = {"alice", "bob", "carol", "dave", "erin", "frank", "grace", "heidi"};
    private static final int SEED_ROWS = 200;
    private static final int RANGE = 50;

    private final DataSource pool;
    private final String table;
    private final int threads;

    private final LongAdder operations = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final Map<String, LongAdder> errorKinds = new ConcurrentHashMap<>();
    private final AtomicLong minId = new AtomicLong(1);
    private final AtomicLong maxId = new AtomicLong(1);
    private final List<Thread> workers = new ArrayList<>();
    private volatile boolean running;
    private boolean stopped;

    /**
     * @param pool    the application's pool ({@code jdbc:foobar:} connections)
     * @param table   the qualified table name, e.g. {@code app.demo_orders}
     * @param threads how many application threads
     */
    OrderWorkload(DataSource pool, String table, int threads) {
        this.pool = pool;
        this.table = table;
        this.threads = threads;
    }

    /**
     * Creates the table if needed, adds seed orders if it has few, and waits (at most 15 s) until reads,
     * which go to the replicas, see them.
     *
     * @return how many orders the table holds
     */
    long prepare() throws SQLException {
        try (Connection c = pool.getConnection(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + table + " ("
                    + "id BIGINT AUTO_INCREMENT PRIMARY KEY, "
                    + "customer VARCHAR(40), "
                    + "amount DECIMAL(10,2), "
                    + "created_at TIMESTAMP(6) DEFAULT CURRENT_TIMESTAMP(6))");
            // The replicas may not have the new table yet: this one read goes to the primary (hint).
            long rows = readBounds(st, "/* foobar:primary */ ");
            if (rows < SEED_ROWS) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO " + table + " (customer, amount) VALUES (?, ?)")) {
                    for (int i = 0; i < SEED_ROWS; i++) {
                        ps.setString(1, CUSTOMERS[i % CUSTOMERS.length]);
                        ps.setBigDecimal(2, randomAmount());
                        ps.addBatch();
                    }
                    ps.executeBatch();
                }
                rows = readBounds(st, "/* foobar:primary */ ");
            }
            awaitReplicasSee(c, maxId.get());
            return rows;
        }
    }

    /** Reads COUNT/MIN/MAX(id) into the id bounds; returns the row count. */
    private long readBounds(Statement st, String prefix) throws SQLException {
        try (ResultSet rs = st.executeQuery(prefix + "SELECT COUNT(*), COALESCE(MIN(id), 1), COALESCE(MAX(id), 1) FROM " + table)) {
            rs.next();
            minId.set(rs.getLong(2));
            maxId.set(rs.getLong(3));
            return rs.getLong(1);
        }
    }

    /**
     * Polls (plain reads, so round robin over the replicas) until 8 reads in a row find the newest seed
     * order, or 15 s have passed.
     */
    private void awaitReplicasSee(Connection c, long id) throws SQLException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        int hitsInARow = 0;
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM " + table + " WHERE id = ?")) {
            ps.setLong(1, id);
            while (hitsInARow < 8 && System.nanoTime() - deadline < 0 && !Thread.currentThread().isInterrupted()) {
                boolean hit;
                try (ResultSet rs = ps.executeQuery()) {
                    hit = rs.next() && rs.getLong(1) == 1;
                } catch (SQLException e) {
                    hit = false; // e.g. the table has not reached that replica yet
                }
                hitsInARow = hit ? hitsInARow + 1 : 0;
                if (!hit) {
                    pause(50);
                }
            }
        }
    }

    /** Starts the application threads (unless {@link #stop} came first). */
    synchronized void start() {
        if (stopped) {
            return;
        }
        running = true;
        for (int i = 1; i <= threads; i++) {
            Thread t = new Thread(this::loop, "demo-app-" + i);
            t.setDaemon(true); // never keeps the JVM (or mvn exec:java) alive
            workers.add(t);
            t.start();
        }
    }

    /** Stops the threads after their current unit of work; waits at most {@code timeoutMs}. */
    void stop(long timeoutMs) {
        synchronized (this) {
            stopped = true;
            running = false;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        for (Thread t : workers) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            try {
                if (left > 0) {
                    t.join(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        for (Thread t : workers) {
            if (t.isAlive()) {
                t.interrupt();
            }
        }
    }

    long operations() {
        return operations.sum();
    }

    long errors() {
        return errors.sum();
    }

    /** Error messages (first line) with how often each happened. */
    Map<String, LongAdder> errorKinds() {
        return errorKinds;
    }

    // ------------------------------------------------------------------------------------------------

    private void loop() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        while (running) {
            int dice = random.nextInt(100);
            try (Connection c = pool.getConnection()) {
                if (dice < 55) {
                    pointSelect(c, randomId(random));
                } else if (dice < 75) {
                    aggregate(c, randomId(random));
                } else if (dice < 87) {
                    insertOrder(c, random);
                } else if (dice < 92) {
                    readWriteTransaction(c, random);
                } else {
                    readOnlyTransaction(c, random);
                }
                operations.increment();
            } catch (SQLException | RuntimeException e) {
                if (running) {
                    errors.increment();
                    String key = e.getClass().getSimpleName() + ": " + firstLine(e.getMessage())
                            + (e instanceof SQLException se ? " (SQLState " + se.getSQLState() + ")" : "");
                    errorKinds.computeIfAbsent(key, k -> new LongAdder()).increment();
                }
            }
        }
    }

    private void pointSelect(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT id, customer, amount, created_at FROM " + table + " WHERE id = ?")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rs.getBigDecimal(3);
                }
            }
        }
    }

    private void aggregate(Connection c, long from) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT COUNT(*), COALESCE(SUM(amount), 0) FROM " + table + " WHERE id BETWEEN ? AND ?")) {
            ps.setLong(1, from);
            ps.setLong(2, from + RANGE);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                rs.getBigDecimal(2);
            }
        }
    }

    private long insertOrder(Connection c, ThreadLocalRandom random) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO " + table + " (customer, amount) VALUES (?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            ps.setString(1, CUSTOMERS[random.nextInt(CUSTOMERS.length)]);
            ps.setBigDecimal(2, randomAmount());
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                if (keys.next()) {
                    long id = keys.getLong(1);
                    maxId.accumulateAndGet(id, Math::max);
                    return id;
                }
            }
            throw new SQLException("INSERT returned no generated key");
        }
    }

    private void readWriteTransaction(Connection c, ThreadLocalRandom random) throws SQLException {
        c.setAutoCommit(false);
        try {
            long id = insertOrder(c, random);
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE " + table + " SET amount = amount + 1 WHERE id = ?")) {
                ps.setLong(1, id);
                if (ps.executeUpdate() != 1) {
                    throw new SQLException("The transaction's UPDATE did not see its own INSERT of order " + id);
                }
            }
            c.commit();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(c);
            throw e;
        } finally {
            c.setAutoCommit(true);
        }
    }

    private void readOnlyTransaction(Connection c, ThreadLocalRandom random) throws SQLException {
        c.setReadOnly(true);
        c.setAutoCommit(false);
        try {
            long id = randomId(random);
            pointSelect(c, id);
            aggregate(c, id);
            c.commit();
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly(c);
            throw e;
        } finally {
            c.setAutoCommit(true);
            c.setReadOnly(false);
        }
    }

    private long randomId(ThreadLocalRandom random) {
        long lo = minId.get();
        long hi = Math.max(lo, maxId.get());
        return lo + random.nextLong(hi - lo + 1);
    }

    private static BigDecimal randomAmount() {
        return BigDecimal.valueOf(ThreadLocalRandom.current().nextLong(100, 50_000), 2);
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the original failure is what matters
        }
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
