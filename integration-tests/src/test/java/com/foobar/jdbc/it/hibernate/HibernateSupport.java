package com.foobar.jdbc.it.hibernate;

import java.util.Map;
import java.util.function.Function;
import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.Transaction;
import org.hibernate.boot.MetadataSources;
import org.hibernate.boot.registry.StandardServiceRegistry;
import org.hibernate.boot.registry.StandardServiceRegistryBuilder;
import org.hibernate.resource.jdbc.spi.PhysicalConnectionHandlingMode;

/**
 * Boots Hibernate ORM the way a plain (non-Spring) application does, and runs read-only transactions (read-write
 * ones are {@code SessionFactory.inTransaction}/{@code fromTransaction}, which the driver runs on the primary).
 */
public final class HibernateSupport {

    private HibernateSupport() {
    }

    /** A session factory for {@link Account} and {@link Ticket} with these settings. */
    public static SessionFactory sessionFactory(Map<String, Object> settings) {
        StandardServiceRegistry registry = new StandardServiceRegistryBuilder().applySettings(settings).build();
        try {
            return new MetadataSources(registry)
                    .addAnnotatedClass(Account.class)
                    .addAnnotatedClass(Ticket.class)
                    .buildMetadata()
                    .buildSessionFactory();
        } catch (RuntimeException e) {
            StandardServiceRegistryBuilder.destroy(registry);
            throw e;
        }
    }

    /**
     * A read-only transaction, which the driver runs on one replica. Hibernate itself never calls
     * {@code Connection.setReadOnly} ({@code Session.setDefaultReadOnly} only turns off dirty checking), so
     * this does: the session holds its JDBC connection for its whole life, the connection is made read-only
     * before the transaction begins and made read-write again after it ends, before it goes back to the pool
     * (Hibernate's built-in pool does not reset it).
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
                } catch (RuntimeException | Error e) {
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
}
