package com.foobar.jdbc.examples;

import com.foobar.jdbc.FoobarDataSource;
import com.foobar.jdbc.examples.hibernate.Book;
import com.foobar.jdbc.examples.support.ExampleTarget;
import com.foobar.jdbc.examples.support.Examples;
import com.foobar.jdbc.examples.support.Report;
import com.foobar.jdbc.examples.support.Report.Expect;
import jakarta.persistence.LockModeType;
import jakarta.persistence.OptimisticLockException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import javax.sql.DataSource;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.resource.jdbc.spi.PhysicalConnectionHandlingMode;

/**
 * Hibernate ORM 6 on a {@link FoobarDataSource} ({@code hibernate.connection.datasource}): read-write transactions,
 * a read-only transaction, queries outside a transaction, a pessimistic lock and an optimistic-lock conflict.
 * Prints where each statement ran, as the servers report it ({@code @@server_id}).
 *
 * <pre>
 * mvn -q -pl examples -am -Dmaven.test.skip=true package exec:java -Ddemo.mainClass=com.foobar.jdbc.examples.HibernateExample
 * </pre>
 */
public final class HibernateExample {

    private HibernateExample() {
    }

    public static void main(String[] args) {
        Examples.main("HibernateExample", args, HibernateExample::run);
    }

    /** The example's body: also run by the integration tests against their cluster. */
    public static Report run(ExampleTarget target) throws Exception {
        try (FoobarDataSource dataSource = new FoobarDataSource()) {
            dataSource.setUrl(target.url());
            dataSource.setUser(target.user());
            dataSource.setPassword(target.password());

            Map<String, Object> settings = new HashMap<>();
            settings.put("hibernate.connection.datasource", dataSource);
            String dialect = dialectFor(dataSource);
            if (dialect != null) {
                settings.put("hibernate.dialect", dialect);
                System.out.println("hibernate.dialect=" + dialect + " (the servers are MariaDB)");
            }
            settings.put("hibernate.hbm2ddl.auto", "update");
            StandardServiceRegistry registry = new StandardServiceRegistryBuilder().applySettings(settings).build();
            try (SessionFactory sf = new MetadataSources(registry).addAnnotatedClass(Book.class).buildMetadata()
                    .buildSessionFactory()) {
                return run(sf, dataSource);
            }
        }
    }

    private static Report run(SessionFactory sf, DataSource dataSource) throws SQLException {
        Report report;
        try (Connection c = dataSource.getConnection()) {
            report = Report.learnPrimary(c);
        }

        // A read-write transaction: on the primary.
        List<Long> ids = new ArrayList<>();
        long writer = sf.fromTransaction(s -> {
            for (int i = 1; i <= 3; i++) {
                Book b = new Book("Book " + i, i);
                s.persist(b);
                ids.add(b.getId());
            }
            return serverId(s);
        });
        report.add("transaction: persist 3 books", Expect.PRIMARY, List.of(writer));

        long rows = sf.fromTransaction(s -> s.createQuery("select count(b) from Book b", Long.class).getSingleResult());
        try (Connection c = dataSource.getConnection()) {
            Examples.awaitReplicas(c, "SELECT COUNT(*) FROM example_book", rows);
        }

        // A read-only transaction: on one replica.
        List<Long> readOnly = inReadOnlyTransaction(sf, s -> {
            List<Long> servers = new ArrayList<>();
            servers.add(serverId(s));
            s.createQuery("from Book b order by b.id", Book.class).setMaxResults(10).getResultList();
            s.find(Book.class, ids.get(0));
            servers.add(serverId(s));
            return servers;
        });
        report.add("read-only transaction: queries, find", Expect.REPLICA, readOnly);

        // Queries outside a transaction: each is an autocommit read, round robin over the replicas.
        List<Long> autocommit = new ArrayList<>();
        sf.inSession(s -> {
            for (int i = 0; i < 4; i++) {
                autocommit.add(serverId(s));
            }
        });
        report.add("queries outside a transaction x4", Expect.REPLICA, autocommit);

        // PESSIMISTIC_WRITE: select ... for update, in a read-write transaction on the primary.
        long locker = sf.fromTransaction(s -> {
            Book b = s.find(Book.class, ids.get(0), LockModeType.PESSIMISTIC_WRITE);
            b.setCopies(b.getCopies() + 1);
            return serverId(s);
        });
        report.add("transaction: find PESSIMISTIC_WRITE, update", Expect.PRIMARY, List.of(locker));

        // @Version: an update of a stale copy fails.
        try (Session first = sf.openSession()) {
            Transaction tx = first.beginTransaction();
            Book stale = first.find(Book.class, ids.get(1));
            sf.inTransaction(second -> second.find(Book.class, ids.get(1)).setCopies(100));
            stale.setCopies(200);
            try {
                tx.commit();
                report.note("stale @Version update", "UNEXPECTED: committed");
            } catch (OptimisticLockException e) {
                report.note("stale @Version update", "rejected by the version check: " + e.getClass().getSimpleName());
            }
        }
        return report;
    }

    /**
     * A read-only transaction, on one replica. Hibernate never calls {@code Connection.setReadOnly} itself
     * ({@code Session.setDefaultReadOnly} only turns off dirty checking), so this does, on a connection the session
     * holds for its whole life, and sets it back before the session gives the connection back.
     */
    public static <T> T inReadOnlyTransaction(SessionFactory sf, Function<Session, T> work) {
        try (Session session = sf.withOptions()
                .connectionHandlingMode(PhysicalConnectionHandlingMode.DELAYED_ACQUISITION_AND_HOLD)
                .openSession()) {
            session.setDefaultReadOnly(true);
            session.doWork(c -> c.setReadOnly(true));
            try {
                Transaction tx = session.beginTransaction();
                try {
                    T result = work.apply(session);
                    tx.commit();
                    return result;
                } catch (RuntimeException e) {
                    if (tx.isActive()) {
                        tx.rollback();
                    }
                    throw e;
                }
            } finally {
                session.doWork(c -> c.setReadOnly(false));
            }
        }
    }

    /**
     * {@code org.hibernate.dialect.MariaDBDialect} when the servers are MariaDB (Hibernate cannot tell by itself
     * through Connector/J, see the README), else {@code null}: Hibernate finds the MySQL dialect itself.
     */
    static String dialectFor(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            String version = c.getMetaData().getDatabaseProductVersion();
            return version.contains("MariaDB") ? "org.hibernate.dialect.MariaDBDialect" : null;
        }
    }

    private static long serverId(Session s) {
        return s.createNativeQuery("SELECT @@server_id", Long.class).getSingleResult();
    }
}
