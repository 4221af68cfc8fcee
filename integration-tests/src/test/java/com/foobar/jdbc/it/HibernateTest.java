package com.foobar.jdbc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.foobar.jdbc.FoobarDataSource;
import com.foobar.jdbc.ReadOnlyViolationException;
import com.foobar.jdbc.it.frameworks.UserCounters;
import com.foobar.jdbc.it.hibernate.Account;
import com.foobar.jdbc.it.hibernate.HibernateSupport;
import com.foobar.jdbc.it.hibernate.Ticket;
import com.foobar.jdbc.it.support.ServerProbe;
import com.foobar.jdbc.it.support.SharedCluster;
import com.foobar.testcluster.EmbeddedCluster;
import com.foobar.testcluster.EmbeddedServer;
import com.foobar.testcluster.UserStatistics;
import jakarta.persistence.LockModeType;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hibernate ORM 6 in front of the driver, used as a plain application uses it: a {@code SessionFactory} over
 * {@code hibernate.connection.datasource} (a {@link FoobarDataSource}) and, once, over
 * {@code hibernate.connection.url}. Where each statement ran is read from the servers: this class's own user's
 * {@code USER_STATISTICS} on each server, {@code @@server_id} computed by the server that ran a query, and row
 * locks seen from another session on the primary.
 */
@ExtendWith(SharedCluster.class)
class HibernateTest {

    private static final String DIALECT = "org.hibernate.dialect.MariaDBDialect";

    private static EmbeddedCluster cluster;
    private static UserCounters counters;
    private static FoobarDataSource dataSource;
    private static SessionFactory sessionFactory;
    /** What the user did on each server while Hibernate built the factory and exported the schema. */
    private static UserCounters.Delta schemaExport;
    private static int primaryId;
    private static Set<Integer> replicaIds;

    @BeforeAll
    static void bootHibernate(EmbeddedCluster sharedCluster) throws Exception {
        cluster = sharedCluster;
        primaryId = cluster.primary().serverId();
        replicaIds = cluster.replicas().stream().map(EmbeddedServer::serverId).collect(Collectors.toSet());
        counters = UserCounters.createUser(cluster, "it_hibernate");
        dataSource = new FoobarDataSource();
        dataSource.setUrl(cluster.foobarUrl(ServerProbe.QUIET_MONITOR));
        dataSource.setUser(counters.user());
        dataSource.setPassword(counters.password());
        warmUp();

        Map<String, Object> settings = new HashMap<>();
        settings.put("hibernate.connection.datasource", dataSource);
        settings.put("hibernate.dialect", DIALECT);
        // create-only: no DROP of objects that do not exist yet, so that any DDL error stops the boot
        settings.put("hibernate.hbm2ddl.auto", "create-only");
        settings.put("hibernate.hbm2ddl.halt_on_error", "true");
        schemaExport = counters.measure(() -> sessionFactory = HibernateSupport.sessionFactory(settings));
        cluster.awaitReplicationCaughtUp(Duration.ofSeconds(30));
    }

    @AfterAll
    static void close() {
        if (sessionFactory != null) {
            sessionFactory.close();
        }
        if (dataSource != null) {
            dataSource.close();
        }
    }

    /** Topology discovery and one physical connection to each server, before anything is measured. */
    private static void warmUp() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement()) {
            for (int i = 0; i < 4; i++) {
                st.executeQuery("SELECT 1").close();
            }
            st.executeQuery("/* foobar:primary */ SELECT 1").close();
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Schema export, inserts, sequences, identity

    @Test
    void schemaExport_ranOnThePrimary() {
        // halt_on_error: a DDL statement refused by a read-only replica (error 1290) would have failed the boot.
        assertThat(schemaExport.writesOnReplicas()).as("DDL/writes on the replicas (%s)", schemaExport).isZero();
        // create sequence, create table x2
        assertThat(schemaExport.primary().updateCommands()).as("DDL on the primary (%s)", schemaExport)
                .isGreaterThanOrEqualTo(3);
        EmbeddedServer primary = cluster.primary();
        assertThat(primary.queryLong("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'app' AND "
                + "TABLE_NAME IN ('it_hib_account', 'it_hib_ticket', 'it_hib_ticket_seq')")).isEqualTo(3);
    }

    @Test
    void persist_withIdentityAndSequenceKeys_runsOnThePrimary() throws Exception {
        List<Account> accounts = new ArrayList<>();
        List<Ticket> tickets = new ArrayList<>();
        UserCounters.Delta d = counters.measure(() -> sessionFactory.inTransaction(s -> {
            for (int i = 0; i < 5; i++) {
                Account a = new Account("persist-" + i, 100 + i);
                s.persist(a); // IDENTITY: inserted at once, key from getGeneratedKeys
                accounts.add(a);
                Ticket t = new Ticket("ticket-" + i);
                s.persist(t); // SEQUENCE: select nextval(it_hib_ticket_seq) now, insert at flush
                tickets.add(t);
            }
        }));
        assertThat(d.statementsOnReplicas()).as("statements of a read-write transaction on replicas (%s)", d).isZero();
        assertThat(d.primary().updateCommands()).as("inserts on the primary (%s)", d).isEqualTo(10);
        assertThat(d.primary().selectCommands()).as("sequence calls on the primary (%s)", d).isGreaterThanOrEqualTo(5);

        assertThat(accounts).allSatisfy(a -> assertThat(a.getId()).isPositive());
        List<Long> ticketIds = tickets.stream().map(Ticket::getId).toList();
        for (int i = 1; i < ticketIds.size(); i++) {
            assertThat(ticketIds.get(i)).as("consecutive sequence values %s", ticketIds).isEqualTo(ticketIds.get(i - 1) + 1);
        }
        String accountIds = accounts.stream().map(a -> a.getId().toString()).collect(Collectors.joining(","));
        assertThat(cluster.primary().queryLong("SELECT COUNT(*) FROM app.it_hib_account WHERE id IN (" + accountIds + ")"))
                .isEqualTo(5);
        assertThat(cluster.primary().queryLong("SELECT COUNT(*) FROM app.it_hib_ticket WHERE id BETWEEN "
                + ticketIds.get(0) + " AND " + ticketIds.get(4))).isEqualTo(5);
    }

    // ------------------------------------------------------------------------------------------------
    // Reads

    @Test
    void readOnlyTransactions_eachOnOneReplica_spreadOverBoth_nothingOnThePrimary() throws Exception {
        long id = persistAccount("read-only", 7);
        cluster.awaitReplicationCaughtUp(Duration.ofSeconds(30));
        HibernateSupport.inReadOnlyTransaction(sessionFactory, s -> serverId(s)); // warm-up

        List<List<Integer>> perTransaction = new ArrayList<>();
        UserCounters.Delta d = counters.measure(() -> {
            for (int i = 0; i < 8; i++) {
                perTransaction.add(HibernateSupport.inReadOnlyTransaction(sessionFactory, s -> {
                    List<Integer> servers = new ArrayList<>();
                    servers.add(serverId(s));
                    Account a = s.find(Account.class, id);
                    assertThat(a.getBalance()).isEqualTo(7);
                    long count = s.createQuery("select count(a) from Account a where a.owner = :o", Long.class)
                            .setParameter("o", "read-only").getSingleResult();
                    assertThat(count).isEqualTo(1);
                    servers.add(serverId(s));
                    return servers;
                }));
            }
        });
        for (List<Integer> servers : perTransaction) {
            assertThat(Set.copyOf(servers)).as("servers of one read-only transaction: %s", servers).hasSize(1);
            assertThat(replicaIds).contains(servers.get(0));
        }
        assertThat(perTransaction.stream().map(l -> l.get(0)).collect(Collectors.toSet()))
                .as("servers of 8 read-only transactions: %s", perTransaction).isEqualTo(replicaIds);
        assertThat(d.primary().totalCommands()).as("statements of read-only transactions on the primary (%s)", d).isZero();
        assertThat(d.selectsOnReplicas()).as("selects on the replicas (%s)", d).isGreaterThanOrEqualTo(8 * 4);
        for (UserStatistics r : d.replicas()) {
            assertThat(r.selectCommands()).as("each replica served reads (%s)", d).isGreaterThanOrEqualTo(4);
        }
    }

    @Test
    void writeInAReadOnlyTransaction_isRefused_andNeverSent() throws Exception {
        UserCounters.Delta d = counters.measure(() -> assertThatThrownBy(() ->
                HibernateSupport.inReadOnlyTransaction(sessionFactory, s -> {
                    s.persist(new Account("never", 1));
                    s.flush();
                    return null;
                })).satisfies(e -> assertThat(causes(e)).anyMatch(c -> c instanceof ReadOnlyViolationException
                        && "25006".equals(((SQLException) c).getSQLState()))));
        assertThat(d.primary().totalCommands()).as("statements on the primary (%s)", d).isZero();
        assertThat(d.writesOnReplicas()).as("writes on the replicas (%s)", d).isZero();
        assertThat(cluster.primary().queryLong("SELECT COUNT(*) FROM app.it_hib_account WHERE owner = 'never'")).isZero();
        // The connection went back read-write: the next transaction writes on the primary.
        long id = persistAccount("after-read-only", 1);
        assertThat(cluster.primary().queryLong("SELECT COUNT(*) FROM app.it_hib_account WHERE id = " + id)).isEqualTo(1);
    }

    @Test
    void queriesOutsideATransaction_spreadOverTheReplicas() throws Exception {
        sessionFactory.inSession(HibernateTest::serverId); // warm-up
        List<Integer> servers = new ArrayList<>();
        UserCounters.Delta d = counters.measure(() -> sessionFactory.inSession(s -> {
            for (int i = 0; i < 6; i++) {
                servers.add(serverId(s));
            }
            for (int i = 0; i < 6; i++) {
                s.createQuery("select count(t) from Ticket t", Long.class).getSingleResult();
            }
        }));
        assertThat(servers).as("servers of autocommit reads").allMatch(replicaIds::contains);
        assertThat(Set.copyOf(servers)).as("servers of autocommit reads: %s", servers).isEqualTo(replicaIds);
        assertThat(d.primary().totalCommands()).as("statements on the primary (%s)", d).isZero();
        for (UserStatistics r : d.replicas()) {
            // round robin: about half of the 6 @@server_id reads and of the 6 HQL counts each
            assertThat(r.selectCommands()).as("reads per replica (%s)", d).isGreaterThanOrEqualTo(4);
        }
    }

    /**
     * {@code Session.setDefaultReadOnly(true)} only turns off Hibernate's dirty checking: it does not make the JDBC
     * connection read-only, so such a transaction is an ordinary one, on the primary.
     */
    @Test
    void sessionDefaultReadOnlyAlone_isAnOrdinaryTransaction_onThePrimary() {
        int server = sessionFactory.fromTransaction(s -> {
            s.setDefaultReadOnly(true);
            return serverId(s);
        });
        assertThat(server).isEqualTo(primaryId);
    }

    // ------------------------------------------------------------------------------------------------
    // Locking

    @Test
    void optimisticLock_versionConflict_isDetected_onThePrimary() throws Exception {
        long id = persistAccount("optimistic", 10);
        UserCounters.Delta d = counters.measure(() -> {
            try (Session first = sessionFactory.openSession()) {
                Transaction tx = first.beginTransaction();
                Account stale = first.find(Account.class, id);
                assertThat(stale.getVersion()).isZero();

                sessionFactory.inTransaction(second -> second.find(Account.class, id).setBalance(20));

                stale.setBalance(30);
                assertThatThrownBy(tx::commit).satisfies(e -> assertThat(causes(e))
                        .anyMatch(c -> c instanceof org.hibernate.StaleStateException
                                || c instanceof jakarta.persistence.OptimisticLockException));
                if (tx.isActive()) {
                    tx.rollback();
                }
            }
        });
        assertThat(d.statementsOnReplicas()).as("statements on the replicas (%s)", d).isZero();
        // the second session's UPDATE and the first one's UPDATE ... WHERE version = 0 that matched nothing
        assertThat(d.primary().updateCommands()).as("updates on the primary (%s)", d).isEqualTo(2);
        assertThat(cluster.primary().queryString("SELECT CONCAT(balance, '/', version) FROM app.it_hib_account WHERE id = "
                + id)).as("balance/version on the primary").isEqualTo("20/1");
    }

    @Test
    void pessimisticWrite_locksTheRow_onThePrimary() throws Exception {
        long id = persistAccount("pessimistic", 5);
        assertRowLockedOnPrimary(id, false);
        UserCounters.Delta d = counters.measure(() -> sessionFactory.inTransaction(s -> {
            Account a = s.find(Account.class, id, LockModeType.PESSIMISTIC_WRITE);
            assertRowLockedOnPrimary(id, true);
            List<Account> viaQuery = s.createQuery("from Account a where a.id = :id", Account.class)
                    .setParameter("id", id).setLockMode(LockModeType.PESSIMISTIC_WRITE).getResultList();
            assertThat(viaQuery).containsExactly(a);
            a.setBalance(a.getBalance() + 1);
        }));
        assertRowLockedOnPrimary(id, false);
        assertThat(d.statementsOnReplicas()).as("statements on the replicas (%s)", d).isZero();
        assertThat(d.primary().selectCommands()).as("locking selects on the primary (%s)", d).isGreaterThanOrEqualTo(2);
        assertThat(cluster.primary().queryLong("SELECT balance FROM app.it_hib_account WHERE id = " + id)).isEqualTo(6);
    }

    // ------------------------------------------------------------------------------------------------
    // hibernate.connection.url (Hibernate's built-in pool)

    @Test
    void connectionUrlConfiguration_writesOnPrimary_readOnlyTransactionsAndAutocommitReadsOnReplicas() throws Exception {
        Map<String, Object> settings = new HashMap<>();
        settings.put("hibernate.connection.url", cluster.foobarUrl(ServerProbe.QUIET_MONITOR));
        settings.put("hibernate.connection.driver_class", "com.foobar.jdbc.FoobarDriver");
        settings.put("hibernate.connection.username", counters.user());
        settings.put("hibernate.connection.password", counters.password());
        // The built-in pool hands out autocommit=false connections unless told otherwise: then even a read
        // outside a transaction would be a transaction, on the primary.
        settings.put("hibernate.connection.autocommit", "true");
        settings.put("hibernate.connection.pool_size", "4");
        settings.put("hibernate.dialect", DIALECT);
        settings.put("hibernate.hbm2ddl.auto", "validate");
        try (SessionFactory sf = HibernateSupport.sessionFactory(settings)) {
            long id = sf.fromTransaction(s -> {
                Account a = new Account("url-config", 3);
                s.persist(a);
                return a.getId();
            });
            cluster.awaitReplicationCaughtUp(Duration.ofSeconds(30));
            HibernateSupport.inReadOnlyTransaction(sf, HibernateTest::serverId); // warm-up

            Set<Integer> readOnlyServers = new LinkedHashSet<>();
            List<Integer> autocommitServers = new ArrayList<>();
            UserCounters.Delta reads = counters.measure(() -> {
                for (int i = 0; i < 4; i++) {
                    readOnlyServers.add(HibernateSupport.inReadOnlyTransaction(sf, s -> {
                        assertThat(s.find(Account.class, id).getBalance()).isEqualTo(3);
                        return serverId(s);
                    }));
                }
                sf.inSession(s -> {
                    for (int i = 0; i < 4; i++) {
                        autocommitServers.add(serverId(s));
                    }
                });
            });
            assertThat(readOnlyServers).as("servers of read-only transactions").isEqualTo(replicaIds);
            assertThat(Set.copyOf(autocommitServers)).as("servers of reads outside a transaction: %s", autocommitServers)
                    .isEqualTo(replicaIds);
            assertThat(reads.primary().totalCommands()).as("statements on the primary (%s)", reads).isZero();

            // The pooled connection that served read-only transactions writes again, on the primary.
            int writer = sf.fromTransaction(s -> {
                s.find(Account.class, id).setBalance(4);
                return serverId(s);
            });
            assertThat(writer).isEqualTo(primaryId);
            assertThat(cluster.primary().queryLong("SELECT balance FROM app.it_hib_account WHERE id = " + id)).isEqualTo(4);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Helpers

    private static long persistAccount(String owner, long balance) {
        return sessionFactory.fromTransaction(s -> {
            Account a = new Account(owner, balance);
            s.persist(a);
            return a.getId();
        });
    }

    /** The {@code @@server_id} of the server that ran this query, through the session's connection. */
    private static int serverId(Session s) {
        return s.createNativeQuery("SELECT @@server_id", Long.class).getSingleResult().intValue();
    }

    /** Tries to lock the row from another session on the primary, without waiting. */
    private static void assertRowLockedOnPrimary(long id, boolean locked) {
        try (Connection admin = cluster.primary().adminConnection()) {
            admin.setAutoCommit(false);
            try (Statement st = admin.createStatement();
                    ResultSet rs = st.executeQuery("SELECT id FROM app.it_hib_account WHERE id = " + id + " FOR UPDATE NOWAIT")) {
                assertThat(locked).as("row %d was free on the primary, expected locked", id).isFalse();
                assertThat(rs.next()).isTrue();
            } catch (SQLException e) {
                assertThat(locked).as("row %d locked on the primary, expected free: %s", id, e).isTrue();
                assertThat(e.getErrorCode()).as("lock wait error: %s", e).isEqualTo(1205);
            } finally {
                admin.rollback();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Throwable> causes(Throwable e) {
        List<Throwable> chain = new ArrayList<>();
        for (Throwable t = e; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }
}
