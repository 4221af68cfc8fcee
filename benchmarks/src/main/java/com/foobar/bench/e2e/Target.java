package com.foobar.bench.e2e;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the application does in one operation of each workload, through the case's pool(s). Every case
 * runs exactly the same JDBC calls; only the pool, and whether reads are wrapped in
 * {@code setReadOnly(true)}/{@code setReadOnly(false)}, differ.
 *
 * <p>Thread-safe: each call borrows its own connection.
 */
final class Target implements AutoCloseable {

    static final String SELECT = "SELECT id, v, pad FROM bench WHERE id = ?";
    static final String UPDATE = "UPDATE bench SET v = v + 1 WHERE id = ?";

    private final List<Pools.Pool> readPools;
    private final Pools.Pool writePool;
    private final boolean readOnlyAroundReads;
    private final AtomicInteger next = new AtomicInteger();

    private Target(List<Pools.Pool> readPools, Pools.Pool writePool, boolean readOnlyAroundReads) {
        this.readPools = List.copyOf(readPools);
        this.writePool = writePool;
        this.readOnlyAroundReads = readOnlyAroundReads;
    }

    /** One pool for everything. */
    static Target single(Pools.Pool pool, boolean readOnlyAroundReads) {
        return new Target(List.of(pool), pool, readOnlyAroundReads);
    }

    /**
     * The application's own split: writes to one pool; each read or read-only transaction to the next of the
     * read pools in turn (one read pool: always that one).
     */
    static Target split(Pools.Pool writePool, List<Pools.Pool> readPools) {
        return new Target(readPools, writePool, false);
    }

    private Pools.Pool readPool() {
        return readPools.size() == 1 ? readPools.get(0)
                : readPools.get(Math.floorMod(next.getAndIncrement(), readPools.size()));
    }

    /** One point select in autocommit mode; returns the row's v. */
    long read(int id) throws SQLException {
        try (Connection c = readPool().hikari().getConnection()) {
            if (readOnlyAroundReads) {
                c.setReadOnly(true);
            }
            long v = select(c, id);
            if (readOnlyAroundReads) {
                c.setReadOnly(false);
            }
            return v;
        }
    }

    /** One single-row update in autocommit mode. */
    void write(int id) throws SQLException {
        try (Connection c = writePool.hikari().getConnection();
                PreparedStatement ps = c.prepareStatement(UPDATE)) {
            ps.setInt(1, id);
            int n = ps.executeUpdate();
            if (n != 1) {
                throw new SQLException("UPDATE of id " + id + " changed " + n + " rows");
            }
        }
    }

    /**
     * A read-only transaction of three point selects, the calls Spring's DataSourceTransactionManager makes
     * for {@code @Transactional(readOnly = true)} (prepareConnectionForTransaction, doBegin, doCommit,
     * doCleanupAfterCompletion).
     */
    long readOnlyTransaction(int a, int b, int c3) throws SQLException {
        try (Connection c = readPool().hikari().getConnection()) {
            c.setReadOnly(true);
            boolean restoreAutoCommit = c.getAutoCommit();
            if (restoreAutoCommit) {
                c.setAutoCommit(false);
            }
            long sum;
            try {
                sum = select(c, a) + select(c, b) + select(c, c3);
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                if (restoreAutoCommit) {
                    c.setAutoCommit(true);
                }
                c.setReadOnly(false);
            }
            return sum;
        }
    }

    private static long select(Connection c, int id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT)) {
            ps.setInt(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new SQLException("no row with id " + id);
                }
                long v = rs.getLong(2);
                if (rs.getString(3).isEmpty()) {
                    throw new SQLException("empty pad in row " + id);
                }
                return v;
            }
        }
    }

    @Override
    public void close() {
        for (Pools.Pool p : readPools) {
            if (p != writePool) {
                p.close();
            }
        }
        writePool.close();
    }
}
