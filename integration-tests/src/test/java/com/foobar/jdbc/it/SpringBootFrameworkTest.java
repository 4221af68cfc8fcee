package com.foobar.jdbc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.foobar.jdbc.ReadOnlyViolationException;
import com.foobar.jdbc.it.frameworks.UserCounters;
import com.foobar.jdbc.it.spring.Product;
import com.foobar.jdbc.it.spring.ProductRepository;
import com.foobar.jdbc.it.spring.ShopApplication;
import com.foobar.jdbc.it.spring.ShopService;
import com.foobar.jdbc.it.support.ServerProbe;
import com.foobar.jdbc.it.support.SharedCluster;
import com.foobar.testcluster.EmbeddedCluster;
import com.foobar.testcluster.EmbeddedServer;
import com.foobar.testcluster.UserStatistics;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthContributor;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.orm.ObjectOptimisticLockingFailureException;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A real Spring Boot 3 application ({@link ShopApplication}: HikariCP, Hibernate, Spring Data JPA, Flyway and the
 * actuator's health indicator, all auto-configured) on {@code spring.datasource.url=jdbc:foobar://...}. Where each
 * statement ran is read from the servers: this class's own user's {@code USER_STATISTICS} on each server,
 * {@code @@server_id} computed by the server that ran a query, row locks seen from another session on the
 * primary, and pings counted by the servers ({@code Com_admin_commands}).
 *
 * <p>The configuration is the minimum that works: URL, user, password, plus
 * {@code spring.datasource.driver-class-name} (Spring Boot cannot name the driver of a {@code jdbc:foobar:} URL) and
 * {@code spring.jpa.database-platform} (Hibernate cannot find the dialect itself on MariaDB; see the README).
 */
@ExtendWith(SharedCluster.class)
@SpringBootTest(classes = ShopApplication.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = "spring.main.banner-mode=off")
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpringBootFrameworkTest {

    /**
     * The application's own database, empty before it starts, as a new application's is: Flyway migrates it from
     * scratch with its defaults (the shared cluster's {@code app} database holds other tests' tables).
     */
    private static final String DATABASE = "it_spring";

    private static EmbeddedCluster cluster;
    private static UserCounters counters;
    /** The user's counters before the application started (it is a new user: all zero). */
    private static UserCounters.Snapshot beforeStartup;
    private static int primaryId;
    private static Set<Integer> replicaIds;

    @Autowired
    private ShopService shop;
    @Autowired
    private ProductRepository products;
    @Autowired
    private JdbcTemplate jdbc;
    @Autowired
    private DataSource dataSource;
    @Autowired
    @Qualifier("dbHealthContributor")
    private HealthContributor dbHealth;

    @BeforeAll
    static void createUser(EmbeddedCluster sharedCluster) {
        cluster = sharedCluster;
        primaryId = cluster.primary().serverId();
        replicaIds = cluster.replicas().stream().map(EmbeddedServer::serverId).collect(Collectors.toSet());
        cluster.primary().execute("CREATE DATABASE IF NOT EXISTS " + DATABASE);
        counters = UserCounters.createUser(cluster, "it_spring", "GRANT ALL ON " + DATABASE + ".* TO {user}");
        beforeStartup = counters.snapshot();
    }

    /** Read when the application context starts, after {@link #createUser}. */
    @DynamicPropertySource
    static void datasource(DynamicPropertyRegistry registry) {
        registry.add("spring.datasource.url",
                () -> "jdbc:foobar://" + cluster.hostList() + "/" + DATABASE + "?" + ServerProbe.QUIET_MONITOR);
        registry.add("spring.datasource.username", () -> counters.user());
        registry.add("spring.datasource.password", () -> counters.password());
        registry.add("spring.datasource.driver-class-name", () -> "com.foobar.jdbc.FoobarDriver");
        registry.add("spring.jpa.database-platform", () -> "org.hibernate.dialect.MariaDBDialect");
    }

    // ------------------------------------------------------------------------------------------------
    // Start-up: Flyway

    @Test
    @Order(1)
    void startup_flywayMigrations_ranOnThePrimary() {
        UserCounters.Delta d = counters.since(beforeStartup);
        // A DDL statement or a history insert on a read-only replica would have failed the start-up (error 1290).
        assertThat(d.writesOnReplicas()).as("writes/DDL on the replicas during start-up (%s)", d).isZero();
        // CREATE TABLE flyway_schema_history (+ index), V1's CREATE TABLE, V2's INSERT, two history rows
        assertThat(d.primary().updateCommands()).as("writes/DDL on the primary during start-up (%s)", d)
                .isGreaterThanOrEqualTo(5);
        EmbeddedServer primary = cluster.primary();
        assertThat(primary.queryLong("SELECT COUNT(*) FROM " + DATABASE + ".flyway_schema_history"
                + " WHERE success = 1 AND version IN ('1', '2')"))
                .as("successful migrations in the history table on the primary").isEqualTo(2);
        assertThat(primary.queryLong("SELECT SUM(stock) FROM " + DATABASE + ".it_spring_product WHERE name LIKE 'seed-%'")).isEqualTo(30);
        assertThat(dataSource).isInstanceOf(HikariDataSource.class);
    }

    // ------------------------------------------------------------------------------------------------
    // @Transactional

    @Test
    @Order(2)
    void transactionalMethods_runOnThePrimary() throws Exception {
        shop.addProduct("warm-up-rw", 1);
        List<Long> ids = new ArrayList<>();
        UserCounters.Delta d = counters.measure(() -> {
            for (int i = 0; i < 3; i++) {
                ids.add(shop.addProduct("rw-" + i, 5));
            }
            shop.rename(ids.get(0), "rw-renamed");
        });
        assertThat(d.statementsOnReplicas()).as("statements of @Transactional methods on the replicas (%s)", d).isZero();
        assertThat(d.primary().updateCommands()).as("3 inserts and 1 update on the primary (%s)", d).isEqualTo(4);
        assertThat(shop.serverIdOfReadWriteTransaction()).isEqualTo(primaryId);
        assertThat(cluster.primary().queryString("SELECT name FROM " + DATABASE + ".it_spring_product WHERE id = " + ids.get(0)))
                .isEqualTo("rw-renamed");
    }

    @Test
    @Order(3)
    void readOnlyTransactionalMethods_runOnOneReplicaEach_spreadOverBoth_nothingOnThePrimary() throws Exception {
        shop.addProduct("ro-visible", 7);
        cluster.awaitReplicationCaughtUp(Duration.ofSeconds(30));
        ShopService.Report expected = shop.report(); // warm-up
        List<ShopService.Report> reports = new ArrayList<>();
        UserCounters.Delta d = counters.measure(() -> {
            for (int i = 0; i < 8; i++) {
                reports.add(shop.report());
            }
        });
        for (ShopService.Report r : reports) {
            assertThat(Set.copyOf(r.serverIds())).as("servers of one read-only transaction: %s", r).hasSize(1);
            assertThat(replicaIds).contains(r.serverIds().get(0));
            assertThat(r.productCount()).isEqualTo(expected.productCount());
        }
        assertThat(reports.stream().map(r -> r.serverIds().get(0)).collect(Collectors.toSet()))
                .as("servers of 8 read-only transactions").isEqualTo(replicaIds);
        assertThat(d.primary().totalCommands()).as("statements of read-only transactions on the primary (%s)", d).isZero();
        for (UserStatistics r : d.replicas()) {
            assertThat(r.selectCommands()).as("each replica served reads (%s)", d).isGreaterThanOrEqualTo(4);
        }
    }

    @Test
    @Order(4)
    void writeInAReadOnlyTransaction_isRefused_andNeverSent() throws Exception {
        UserCounters.Delta d = counters.measure(() -> assertThatThrownBy(() -> shop.writeInReadOnlyTransaction("never"))
                .satisfies(e -> assertThat(causes(e)).anyMatch(c -> c instanceof ReadOnlyViolationException
                        && "25006".equals(((SQLException) c).getSQLState()))));
        assertThat(d.primary().totalCommands()).as("statements on the primary (%s)", d).isZero();
        assertThat(d.writesOnReplicas()).as("writes on the replicas (%s)", d).isZero();
        assertThat(cluster.primary().queryLong("SELECT COUNT(*) FROM " + DATABASE + ".it_spring_product WHERE name = 'never'")).isZero();
        // the pooled connection is clean again: the next @Transactional method writes, on the primary
        long id = shop.addProduct("after-read-only", 1);
        assertThat(cluster.primary().queryLong("SELECT COUNT(*) FROM " + DATABASE + ".it_spring_product WHERE id = " + id)).isEqualTo(1);
    }

    // ------------------------------------------------------------------------------------------------
    // Spring Data JPA and JdbcTemplate without a service transaction

    @Test
    @Order(5)
    void repositoryReads_onReplicas_repositorySave_onThePrimary() throws Exception {
        cluster.awaitReplicationCaughtUp(Duration.ofSeconds(30));
        products.findByName("seed-1").orElseThrow(); // warm-up
        List<Long> servers = new ArrayList<>();
        UserCounters.Delta reads = counters.measure(() -> {
            for (int i = 0; i < 4; i++) {
                assertThat(products.findByName("seed-2")).get().extracting(Product::getStock).isEqualTo(20);
                assertThat(products.count()).isPositive();
                servers.add(products.serverId());
            }
        });
        assertThat(Set.copyOf(servers)).as("servers of repository queries: %s", servers).isEqualTo(Set.of(
                (long) cluster.replicas().get(0).serverId(), (long) cluster.replicas().get(1).serverId()));
        assertThat(reads.primary().totalCommands()).as("statements of repository reads on the primary (%s)", reads).isZero();

        UserCounters.Delta save = counters.measure(() -> products.save(new Product("repo-saved", 3)));
        assertThat(save.statementsOnReplicas()).as("statements of repository save on the replicas (%s)", save).isZero();
        assertThat(save.primary().updateCommands()).as("insert on the primary (%s)", save).isEqualTo(1);
    }

    @Test
    @Order(6)
    void jdbcTemplateReadsOutsideATransaction_spreadOverTheReplicas() throws Exception {
        jdbc.queryForObject("SELECT 1", Integer.class); // warm-up
        List<Integer> servers = new ArrayList<>();
        UserCounters.Delta d = counters.measure(() -> {
            for (int i = 0; i < 6; i++) {
                servers.add(jdbc.queryForObject("SELECT @@server_id", Integer.class));
            }
        });
        assertThat(servers).allMatch(replicaIds::contains);
        assertThat(Set.copyOf(servers)).as("servers of JdbcTemplate reads: %s", servers).isEqualTo(replicaIds);
        assertThat(d.primary().totalCommands()).as("statements on the primary (%s)", d).isZero();
    }

    // ------------------------------------------------------------------------------------------------
    // Locking

    @Test
    @Order(7)
    void pessimisticWriteLock_isTakenOnThePrimary() throws Exception {
        long id = shop.addProduct("locked", 10);
        assertRowLockedOnPrimary(id, false);
        int[] server = new int[1];
        UserCounters.Delta d = counters.measure(() -> server[0] = shop.reserve(id, () -> assertRowLockedOnPrimary(id, true)));
        assertRowLockedOnPrimary(id, false);
        assertThat(server[0]).isEqualTo(primaryId);
        assertThat(d.statementsOnReplicas()).as("statements on the replicas (%s)", d).isZero();
        assertThat(cluster.primary().queryLong("SELECT stock FROM " + DATABASE + ".it_spring_product WHERE id = " + id)).isEqualTo(9);
    }

    @Test
    @Order(8)
    void optimisticLock_versionConflict_isDetected_onThePrimary() throws Exception {
        long id = shop.addProduct("optimistic", 10);
        cluster.awaitReplicationCaughtUp(Duration.ofSeconds(30));
        Product stale = shop.load(id); // read-only: from a replica, version 0
        assertThat(stale.getVersion()).isZero();
        shop.rename(id, "optimistic-renamed"); // version 1
        stale.setStock(99);
        UserCounters.Delta d = counters.measure(() -> assertThatThrownBy(() -> shop.save(stale))
                .isInstanceOf(ObjectOptimisticLockingFailureException.class));
        assertThat(d.statementsOnReplicas()).as("statements on the replicas (%s)", d).isZero();
        assertThat(cluster.primary().queryString("SELECT CONCAT(name, '/', stock, '/', version) FROM " + DATABASE
                + ".it_spring_product WHERE id = " + id)).isEqualTo("optimistic-renamed/10/1");
    }

    // ------------------------------------------------------------------------------------------------
    // Actuator

    @Test
    @Order(9)
    void healthIndicator_isUp_andChecksThePrimary() throws Exception {
        HealthIndicator indicator = (HealthIndicator) dbHealth;
        indicator.health(); // warm-up
        Health[] health = new Health[1];
        UserCounters.Delta d = counters.measure(() -> health[0] = indicator.health());
        assertThat(health[0].getStatus()).as("%s", health[0]).isEqualTo(Status.UP);
        assertThat(health[0].getDetails()).containsEntry("validationQuery", "isValid()");
        // Connection.isValid is a ping to the server the connection would use now: the primary
        assertThat(d.pings(cluster.primary())).as("pings on the primary (%s)", d).isPositive();
        assertThat(d.statementsOnReplicas()).as("statements on the replicas (%s)", d).isZero();
    }

    // ------------------------------------------------------------------------------------------------
    // Helpers

    /** Tries to lock the row from another session on the primary, without waiting. */
    private static void assertRowLockedOnPrimary(long id, boolean locked) {
        try (Connection admin = cluster.primary().adminConnection()) {
            admin.setAutoCommit(false);
            try (Statement st = admin.createStatement();
                    ResultSet rs = st.executeQuery("SELECT id FROM " + DATABASE + ".it_spring_product WHERE id = " + id
                            + " FOR UPDATE NOWAIT")) {
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
