package com.foobar.jdbc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import com.foobar.jdbc.FoobarDataSource;
import com.foobar.jdbc.it.support.ServerProbe;
import com.foobar.jdbc.it.support.SharedCluster;
import com.foobar.testcluster.EmbeddedCluster;
import com.foobar.testcluster.EmbeddedServer;
import com.foobar.testcluster.UserStatistics;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link FoobarDataSource}: bean configuration, sharing of a cluster between data sources with the same
 * settings, {@code close()}, and that the password never shows. Connections made to the servers are counted
 * on the servers ({@code information_schema.USER_STATISTICS} and {@code PROCESSLIST} of users made for
 * these tests).
 */
@ExtendWith(SharedCluster.class)
class DataSourceTest {

    private static final String TABLE = "ds_test";
    private static final String ROWS = "ds_test_rows";
    private static final String SHARE_USER = "it_ds_share";
    private static final String SHARE_PASSWORD = "it-ds-share-pw";
    private static final String CLOSE_USER = "it_ds_close";
    private static final String CLOSE_PASSWORD = "it-ds-close-pw";
    private static final AtomicLong NEXT_ID = new AtomicLong(1);

    private static int primaryId;
    private static Set<Integer> replicaIds;

    @BeforeAll
    static void setUp(EmbeddedCluster cluster) {
        EmbeddedServer primary = cluster.primary();
        primary.execute("CREATE OR REPLACE TABLE app." + TABLE + " (id INT PRIMARY KEY, v VARCHAR(20) NOT NULL)");
        primary.execute("INSERT INTO app." + TABLE + " VALUES (1, 'one'), (2, 'two'), (3, 'three'), (4, 'four')");
        primary.execute("CREATE OR REPLACE TABLE app." + ROWS + " (id BIGINT PRIMARY KEY, written_by INT NOT NULL)");
        cluster.createUser(SHARE_USER, SHARE_PASSWORD, "GRANT ALL PRIVILEGES ON app.* TO {user}");
        cluster.createUser(CLOSE_USER, CLOSE_PASSWORD, "GRANT ALL PRIVILEGES ON app.* TO {user}");
        cluster.awaitReplicationCaughtUp(Duration.ofSeconds(30));
        primaryId = primary.serverId();
        replicaIds = cluster.replicas().stream().map(EmbeddedServer::serverId).collect(Collectors.toSet());
    }

    // ------------------------------------------------------------------------------------------------

    @Test
    void beanSetters_configureTheDataSource(EmbeddedCluster cluster) throws Exception {
        Properties props = new Properties();
        props.setProperty("maxConnectionsPerHost", "3");
        props.setProperty("connectionAcquireTimeoutMs", "500");
        props.setProperty("connectTimeout", "3000");
        try (FoobarDataSource ds = new FoobarDataSource()) {
            ds.setUrl(cluster.foobarUrl());
            ds.setUser(cluster.appUser());
            ds.setPassword(cluster.appPassword());
            ds.setProperties(props);
            // the caller's object is copied, not kept
            props.setProperty("maxConnectionsPerHost", "0");

            assertThat(ds.getUrl()).isEqualTo(cluster.foobarUrl());
            assertThat(ds.getUser()).isEqualTo(cluster.appUser());
            assertThat(ds.getProperties()).containsEntry("maxConnectionsPerHost", "3")
                    .containsEntry("connectionAcquireTimeoutMs", "500").containsEntry("connectTimeout", "3000");
            ds.getProperties().setProperty("maxConnectionsPerHost", "0");
            assertThat(ds.getProperties()).as("getProperties returns a copy").containsEntry("maxConnectionsPerHost", "3");

            try (Connection c = ds.getConnection()) {
                assertReadsOnReplicasWritesOnPrimary(cluster, c);
            }

            // maxConnectionsPerHost=3 from setProperties is in effect: three open transactions hold the
            // primary's three physical connections; a fourth cannot get one within 500 ms.
            List<Connection> holders = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    Connection c = ds.getConnection();
                    holders.add(c);
                    c.setAutoCommit(false);
                    insertRow(c, NEXT_ID.getAndIncrement());
                }
                try (Connection fourth = ds.getConnection()) {
                    fourth.setAutoCommit(false);
                    SQLException e = catchThrowableOfType(SQLException.class,
                            () -> insertRow(fourth, NEXT_ID.getAndIncrement()));
                    assertThat((Throwable) e).as("a fourth transaction on a primary limited to 3 connections").isNotNull();
                    assertThat(e.getSQLState()).isEqualTo("08001");
                    assertThat(e.getMessage()).contains("connectionAcquireTimeoutMs");
                }
            } finally {
                for (Connection c : holders) {
                    c.rollback();
                    c.close();
                }
            }
        }

        // setProperties is honoured: a bad value of ours is rejected, naming it
        try (FoobarDataSource bad = new FoobarDataSource()) {
            bad.setUrl(cluster.foobarUrl());
            bad.setUser(cluster.appUser());
            bad.setPassword(cluster.appPassword());
            Properties p = new Properties();
            p.setProperty("maxConnectionsPerHost", "0");
            bad.setProperties(p);
            SQLException e = catchThrowableOfType(SQLException.class, bad::getConnection);
            assertThat((Throwable) e).isNotNull();
            assertThat(e.getSQLState()).isEqualTo("08001");
            assertThat(e.getMessage()).contains("maxConnectionsPerHost");
        }

        // no URL at all
        try (FoobarDataSource none = new FoobarDataSource()) {
            SQLException e = catchThrowableOfType(SQLException.class, none::getConnection);
            assertThat((Throwable) e).isNotNull();
            assertThat(e.getSQLState()).isEqualTo("08001");
            assertThat(e.getMessage()).contains("url");
        }
    }

    @Test
    void twoDataSourcesWithTheSameSettings_shareTheCluster(EmbeddedCluster cluster) throws Exception {
        FoobarDataSource ds1 = dataSource(cluster, SHARE_USER, SHARE_PASSWORD);
        FoobarDataSource ds2 = dataSource(cluster, SHARE_USER, SHARE_PASSWORD);
        try {
            try (Connection c = ds1.getConnection()) {
                assertReadsOnReplicasWritesOnPrimary(cluster, c);
            }
            Map<Integer, UserStatistics> before = statistics(cluster, SHARE_USER);
            for (UserStatistics s : before.values()) {
                assertThat(s.totalConnections()).as("the first data source connected to every server").isPositive();
            }

            long t0 = System.nanoTime();
            Connection second = ds2.getConnection();
            long millis = (System.nanoTime() - t0) / 1_000_000;
            try (Connection c = second) {
                assertReadsOnReplicasWritesOnPrimary(cluster, c);
            }
            Map<Integer, UserStatistics> after = statistics(cluster, SHARE_USER);
            for (EmbeddedServer s : cluster.servers()) {
                UserStatistics d = after.get(s.serverId()).minus(before.get(s.serverId()));
                assertThat(d.totalConnections())
                        .as("new connections to server_id %d for the second data source (no probe, no new pool)",
                                s.serverId())
                        .isZero();
            }
            assertThat(millis).as("second getConnection took %d ms", millis).isLessThan(1_000);
        } finally {
            ds1.close();
            ds2.close();
        }
    }

    @Test
    void close_closesThePoolsWhenNothingElseUsesThem_andIsIdempotent(EmbeddedCluster cluster) throws Exception {
        FoobarDataSource ds1 = dataSource(cluster, CLOSE_USER, CLOSE_PASSWORD);
        FoobarDataSource ds2 = dataSource(cluster, CLOSE_USER, CLOSE_PASSWORD);
        try (Connection c = ds1.getConnection()) {
            assertReadsOnReplicasWritesOnPrimary(cluster, c);
        }
        try (Connection c = ds2.getConnection()) {
            assertReadsOnReplicasWritesOnPrimary(cluster, c);
        }
        for (EmbeddedServer s : cluster.servers()) {
            assertThat(sessions(s, CLOSE_USER)).as("pooled connections of %s on server_id %d", CLOSE_USER, s.serverId())
                    .isPositive();
        }

        // ds2 still uses the cluster: its pools stay open
        ds1.close();
        Map<Integer, UserStatistics> before = statistics(cluster, CLOSE_USER);
        Connection held = ds2.getConnection();
        assertReadsOnReplicasWritesOnPrimary(cluster, held);
        Map<Integer, UserStatistics> after = statistics(cluster, CLOSE_USER);
        for (EmbeddedServer s : cluster.servers()) {
            assertThat(after.get(s.serverId()).minus(before.get(s.serverId())).totalConnections())
                    .as("new connections to server_id %d after closing the other data source", s.serverId()).isZero();
        }
        SQLException closedFirst = catchThrowableOfType(SQLException.class, ds1::getConnection);
        assertThat((Throwable) closedFirst).as("getConnection on a closed data source").isNotNull();
        assertThat(closedFirst.getSQLState()).isEqualTo("08003");

        // the last user closes: every physical connection of the cluster is closed on the servers
        ds2.close();
        await("physical connections of " + CLOSE_USER + " closed on every server")
                .atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> {
                    for (EmbeddedServer s : cluster.servers()) {
                        assertThat(sessions(s, CLOSE_USER)).as("sessions of %s on server_id %d", CLOSE_USER, s.serverId())
                                .isZero();
                    }
                });
        SQLException closedSecond = catchThrowableOfType(SQLException.class, ds2::getConnection);
        assertThat((Throwable) closedSecond).as("getConnection on a closed data source").isNotNull();
        assertThat(closedSecond.getSQLState()).isEqualTo("08003");

        // a connection handed out before close fails afterwards
        assertThat((Throwable) catchThrowableOfType(SQLException.class, () -> readServerId(held, 1)))
                .as("a read on a connection of a closed data source").isNotNull();
        assertThatCode(held::close).doesNotThrowAnyException();

        // idempotent
        assertThatCode(ds2::close).doesNotThrowAnyException();
        assertThatCode(ds1::close).doesNotThrowAnyException();
        SQLException again = catchThrowableOfType(SQLException.class, ds2::getConnection);
        assertThat((Throwable) again).isNotNull();
        assertThat(again.getSQLState()).isEqualTo("08003");
    }

    @Test
    void toStringAndGetUrl_neverShowThePassword(EmbeddedCluster cluster) throws Exception {
        String secret = cluster.appPassword();
        String url = cluster.foobarUrl("user=" + cluster.appUser() + "&password=" + secret + "&connectTimeout=4000");
        try (FoobarDataSource ds = new FoobarDataSource()) {
            ds.setUrl(url);
            assertThat(ds.getUrl()).doesNotContain(secret).contains("password=").contains("connectTimeout=4000")
                    .startsWith(cluster.foobarUrl());
            assertThat(ds.toString()).doesNotContain(secret);
            try (Connection c = ds.getConnection()) {
                assertThat(c.toString()).doesNotContain(secret);
                assertThat(c.getMetaData().getURL()).doesNotContain(secret);
                assertReadsOnReplicasWritesOnPrimary(cluster, c);
            }
            assertThat(ds.getUrl()).doesNotContain(secret);
            assertThat(ds.toString()).doesNotContain(secret);
        }

        // the password first in the query, and one set through the setter
        String other = "Zq9-not-shown";
        try (FoobarDataSource ds = new FoobarDataSource()) {
            ds.setUrl(cluster.foobarUrl("password=" + other + "&user=x"));
            ds.setUser("someone");
            ds.setPassword(other);
            assertThat(ds.getUrl()).doesNotContain(other);
            assertThat(ds.toString()).doesNotContain(other);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Helpers

    /**
     * A data source whose cluster's health monitor is quiet: these tests count the connections each server
     * receives, and a monitor check that times out on a loaded machine reconnects.
     */
    private static FoobarDataSource dataSource(EmbeddedCluster cluster, String user, String password) {
        FoobarDataSource ds = new FoobarDataSource();
        ds.setUrl(cluster.foobarUrl(ServerProbe.QUIET_MONITOR));
        ds.setUser(user);
        ds.setPassword(password);
        return ds;
    }

    /** Four reads (both replicas, nothing else) and one write (the primary), each proven by @@server_id. */
    private static void assertReadsOnReplicasWritesOnPrimary(EmbeddedCluster cluster, Connection c) throws SQLException {
        Set<Integer> readServers = new HashSet<>();
        for (int i = 1; i <= 4; i++) {
            readServers.add(readServerId(c, i));
        }
        assertThat(readServers).as("servers that ran the reads").isEqualTo(replicaIds);
        long id = NEXT_ID.getAndIncrement();
        insertRow(c, id);
        assertThat(cluster.primary().queryLong("SELECT written_by FROM app." + ROWS + " WHERE id = " + id))
                .as("server that ran the INSERT").isEqualTo(primaryId);
    }

    private static int readServerId(Connection c, int key) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT @@server_id, v FROM " + TABLE + " WHERE id = ?")) {
            ps.setInt(1, key);
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).isTrue();
                return rs.getInt(1);
            }
        }
    }

    private static void insertRow(Connection c, long id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + ROWS + " (id, written_by) VALUES (?, @@server_id)")) {
            ps.setLong(1, id);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    private static Map<Integer, UserStatistics> statistics(EmbeddedCluster cluster, String user) {
        Map<Integer, UserStatistics> m = new TreeMap<>();
        for (EmbeddedServer s : cluster.servers()) {
            m.put(s.serverId(), s.userStatistics(user));
        }
        return m;
    }

    private static long sessions(EmbeddedServer server, String user) {
        return server.queryLong("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE USER = '" + user + "'");
    }
}
