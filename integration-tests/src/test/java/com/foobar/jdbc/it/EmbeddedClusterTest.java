package com.foobar.jdbc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.foobar.jdbc.it.support.SharedCluster;
import com.foobar.testcluster.EmbeddedCluster;
import com.foobar.testcluster.EmbeddedClusterException;
import com.foobar.testcluster.EmbeddedServer;
import com.foobar.testcluster.UserStatistics;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Proves the embedded test cluster with plain Connector/J ({@code jdbc:mysql://}), not with our driver.
 * Most tests use the {@link SharedCluster}; the ones that kill, freeze or reconfigure servers start
 * their own cluster.
 */
@ExtendWith(SharedCluster.class)
class EmbeddedClusterTest {

    private static final Duration AWAIT = Duration.ofSeconds(20);
    private static final AtomicLong UNIQUE = new AtomicLong(System.nanoTime() % 1_000_000);

    private final EmbeddedCluster cluster;

    EmbeddedClusterTest(EmbeddedCluster cluster) {
        this.cluster = cluster;
    }

    private static Connection connect(EmbeddedServer server, String user, String password) throws SQLException {
        return DriverManager.getConnection("jdbc:mysql://" + server.hostAndPort() + "/app?sslMode=DISABLED", user, password);
    }

    private Connection app(EmbeddedServer server) throws SQLException {
        return connect(server, cluster.appUser(), cluster.appPassword());
    }

    private static long count(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String uniqueName(String prefix) {
        return prefix + "_" + UNIQUE.incrementAndGet();
    }

    // ------------------------------------------------------------------------------------------------
    // Shared cluster

    @Test
    void topologyAccessorsAndUrls() {
        List<EmbeddedServer> servers = cluster.servers();
        assertThat(servers).hasSize(3);
        assertThat(servers.get(0)).isSameAs(cluster.primary());
        assertThat(servers.subList(1, 3)).isEqualTo(cluster.replicas());
        assertThat(servers).extracting(EmbeddedServer::serverId).containsExactly(1, 2, 3);
        assertThat(servers).extracting(EmbeddedServer::port).doesNotHaveDuplicates();
        assertThat(servers).allSatisfy(s -> {
            assertThat(s.hostAndPort()).isEqualTo("127.0.0.1:" + s.port());
            assertThat(s.isRunning()).isTrue();
            assertThat(s.isSuspended()).isFalse();
            assertThat(s.pid()).isPositive();
            assertThat(s.pidFile()).exists();
        });

        String hostList = servers.stream().map(EmbeddedServer::hostAndPort).collect(Collectors.joining(","));
        assertThat(cluster.hostList()).isEqualTo(hostList);
        assertThat(cluster.database()).isEqualTo("app");
        assertThat(cluster.foobarUrl()).isEqualTo("jdbc:foobar://" + hostList + "/app");
        assertThat(cluster.foobarUrl("a=1&b=2")).isEqualTo("jdbc:foobar://" + hostList + "/app?a=1&b=2");
        assertThat(cluster.foobarUrl("")).isEqualTo(cluster.foobarUrl());
        assertThat(cluster.foobarUrl(null)).isEqualTo(cluster.foobarUrl());
    }

    @Test
    void serverIdsDifferAndMatchTheAccessor() {
        Set<Long> ids = cluster.servers().stream().map(s -> s.queryLong("SELECT @@server_id")).collect(Collectors.toSet());
        assertThat(ids).containsExactlyInAnyOrder(1L, 2L, 3L);
        for (EmbeddedServer server : cluster.servers()) {
            assertThat(server.queryLong("SELECT @@server_id")).isEqualTo(server.serverId());
            assertThat(server.queryLong("SELECT @@port")).isEqualTo(server.port());
        }
    }

    @Test
    void replicationIsGtidBasedAndRunning() throws SQLException {
        assertThat(cluster.primary().replicaStatus()).isEmpty();
        assertThat(cluster.primary().isReplicaRunning()).isFalse();
        for (EmbeddedServer replica : cluster.replicas()) {
            assertThat(replica.isReplicaRunning()).isTrue();
            assertThat(replica.replicaStatus())
                    .containsEntry("Using_Gtid", "Slave_Pos")
                    .containsEntry("Master_Port", Integer.toString(cluster.primary().port()))
                    .containsEntry("Master_User", "repl");
            assertThat(replica.queryLong("SELECT @@gtid_strict_mode")).isEqualTo(1);
            assertThat(replica.queryString("SELECT @@binlog_format")).isEqualTo("ROW");
            assertThat(replica.queryLong("SELECT @@log_slave_updates")).isEqualTo(1);
        }
        // --report-host/--report-port: the primary knows its replicas.
        List<String> reported = new ArrayList<>();
        try (Connection c = cluster.primary().adminConnection(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW SLAVE HOSTS")) {
            while (rs.next()) {
                reported.add(rs.getString("Host") + ":" + rs.getInt("Port"));
            }
        }
        assertThat(reported).containsExactlyInAnyOrderElementsOf(
                cluster.replicas().stream().map(EmbeddedServer::hostAndPort).toList());
    }

    @Test
    void rowWrittenOnPrimaryAppearsOnBothReplicas() throws SQLException {
        String table = uniqueName("it_rows");
        try (Connection primary = app(cluster.primary()); Statement s = primary.createStatement()) {
            s.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY, v VARCHAR(20))");
            s.executeUpdate("INSERT INTO " + table + " VALUES (1, 'hello')");
        }
        for (EmbeddedServer replica : cluster.replicas()) {
            await().atMost(AWAIT).pollInterval(Duration.ofMillis(20)).ignoreExceptions().untilAsserted(() -> {
                try (Connection c = app(replica); Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT v FROM " + table + " WHERE id = 1")) {
                    assertThat(rs.next()).isTrue();
                    assertThat(rs.getString(1)).isEqualTo("hello");
                }
            });
        }
    }

    @Test
    void awaitReplicationCaughtUpWaitsForTheLatestWrite() throws SQLException {
        String table = uniqueName("it_catchup");
        try (Connection primary = app(cluster.primary()); Statement s = primary.createStatement()) {
            s.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY)");
            for (int i = 1; i <= 50; i++) {
                s.executeUpdate("INSERT INTO " + table + " VALUES (" + i + ")");
            }
        }
        cluster.awaitReplicationCaughtUp(AWAIT);
        for (EmbeddedServer replica : cluster.replicas()) {
            try (Connection c = app(replica)) {
                assertThat(count(c, "SELECT COUNT(*) FROM " + table)).isEqualTo(50);
            }
            assertThat(replica.queryString("SELECT @@gtid_slave_pos"))
                    .isEqualTo(cluster.primary().queryString("SELECT @@gtid_binlog_pos"));
        }
    }

    @Test
    void replicasAreReadOnlyAndThePrimaryIsNot() throws SQLException {
        try (Connection c = app(cluster.primary())) {
            assertThat(count(c, "SELECT @@read_only")).isZero();
        }
        for (EmbeddedServer replica : cluster.replicas()) {
            try (Connection c = app(replica)) {
                assertThat(count(c, "SELECT @@read_only")).isEqualTo(1);
            }
        }
    }

    @Test
    void appUserGetsError1290WhenWritingOnAReplica() throws SQLException {
        String table = uniqueName("it_ro");
        try (Connection primary = app(cluster.primary()); Statement s = primary.createStatement()) {
            s.execute("CREATE TABLE " + table + " (id INT PRIMARY KEY)");
        }
        cluster.awaitReplicationCaughtUp(AWAIT);
        for (EmbeddedServer replica : cluster.replicas()) {
            try (Connection c = app(replica); Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.executeUpdate("INSERT INTO " + table + " VALUES (1)"))
                        .isInstanceOfSatisfying(SQLException.class, e -> {
                            assertThat(e.getErrorCode()).isEqualTo(1290);
                            assertThat(e.getSQLState()).isEqualTo("HY000");
                            assertThat(e.getMessage()).contains("--read-only");
                        });
                assertThat(count(c, "SELECT COUNT(*) FROM " + table)).isZero();
            }
        }
    }

    @Test
    void appUserHasNoGlobalPrivileges() throws SQLException {
        EmbeddedServer replica = cluster.replicas().get(0);
        try (Connection c = app(replica); Statement s = c.createStatement()) {
            List<String> grants = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SHOW GRANTS")) {
                while (rs.next()) {
                    grants.add(rs.getString(1));
                }
            }
            assertThat(grants).containsExactlyInAnyOrder(
                    "GRANT USAGE ON *.* TO `app`@`%` IDENTIFIED BY PASSWORD '"
                            + cluster.primary().queryString("SELECT authentication_string FROM mysql.user WHERE user = 'app'") + "'",
                    "GRANT ALL PRIVILEGES ON `app`.* TO `app`@`%`");

            // What MariaDB 11.4 really answers: access denied, needs SUPER or SLAVE MONITOR.
            assertThatThrownBy(() -> s.executeQuery("SHOW SLAVE STATUS"))
                    .isInstanceOfSatisfying(SQLException.class, e -> {
                        assertThat(e.getErrorCode()).isEqualTo(1227);
                        assertThat(e.getSQLState()).isEqualTo("42000");
                        assertThat(e.getMessage()).contains("SLAVE MONITOR");
                    });
            assertThatThrownBy(() -> s.executeQuery("SELECT COUNT(*) FROM mysql.user"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1142));
        }
    }

    @Test
    void adminUserCanMonitorReplicationAndWriteAnywhere() throws SQLException {
        EmbeddedServer replica = cluster.replicas().get(0);
        try (Connection c = connect(replica, cluster.adminUser(), cluster.adminPassword());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW SLAVE STATUS")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString("Slave_IO_Running")).isEqualTo("Yes");
            assertThat(rs.getString("Slave_SQL_Running")).isEqualTo("Yes");
        }
        try (Connection c = connect(cluster.primary(), cluster.adminUser(), cluster.adminPassword());
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW GRANTS")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).startsWith("GRANT ALL PRIVILEGES ON *.* TO `foobar_admin`@`%`")
                    .endsWith("WITH GRANT OPTION");
        }
    }

    @Test
    void securityIsOnEverywhere() throws SQLException {
        for (EmbeddedServer server : cluster.servers()) {
            assertThat(server.queryLong("SELECT COUNT(*) FROM mysql.user WHERE user = ''")).isZero();
            assertThat(server.queryLong("SELECT COUNT(*) FROM mysql.user WHERE user IN ('app', 'foobar_admin', 'repl', 'foobar_root')"))
                    .isEqualTo(4);
            assertThat(server.queryLong("SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = 'app'"))
                    .isEqualTo(1);
            assertThatThrownBy(() -> connect(server, "app", "wrong-password").close())
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1045));
            assertThatThrownBy(() -> connect(server, "root", "").close())
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1045));
            assertThatThrownBy(() -> connect(server, "nobody", "").close())
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getErrorCode()).isEqualTo(1045));
            try (Connection root = connect(server, "root", cluster.superPassword())) {
                assertThat(count(root, "SELECT 1")).isEqualTo(1);
            }
        }
        try (Connection c = cluster.primary().adminConnection()) {
            assertThat(count(c, "SELECT @@skip_grant_tables")).isZero();
            assertThat(count(c, "SELECT @@userstat")).isEqualTo(1);
        }
    }

    @Test
    void comSelectRisesAfterASelect() throws SQLException {
        EmbeddedServer replica = cluster.replicas().get(1);
        try (Connection c = app(replica)) {
            long before = replica.statusCounter("Com_select");
            assertThat(count(c, "SELECT 42")).isEqualTo(42);
            assertThat(replica.statusCounter("Com_select")).isGreaterThan(before);
        }
        assertThatThrownBy(() -> replica.statusCounter("No_such_counter")).isInstanceOf(EmbeddedClusterException.class);
    }

    @Test
    void createdUserReplicatesAndHasItsOwnStatistics() throws SQLException {
        String user = uniqueName("it_user");
        cluster.createUser(user, "it'secret", "GRANT SELECT ON app.* TO {user}");
        for (EmbeddedServer server : cluster.servers()) {
            assertThat(server.queryLong("SELECT COUNT(*) FROM mysql.user WHERE user = '" + user + "'")).isEqualTo(1);
        }
        EmbeddedServer replica = cluster.replicas().get(0);
        assertThat(replica.userStatistics(user).present()).isFalse();
        try (Connection c = connect(replica, user, "it'secret")) {
            UserStatistics afterConnect = replica.userStatistics(user);
            assertThat(afterConnect.present()).isTrue();
            assertThat(afterConnect.totalConnections()).isEqualTo(1);
            for (int i = 0; i < 3; i++) {
                count(c, "SELECT 1");
            }
            UserStatistics delta = replica.userStatistics(user).minus(afterConnect);
            assertThat(delta.selectCommands()).isEqualTo(3);
            assertThat(delta.updateCommands()).isZero();
            try (Statement s = c.createStatement()) {
                assertThatThrownBy(() -> s.execute("CREATE TABLE " + user + " (id INT)"))
                        .isInstanceOf(SQLException.class);
            }
        }
        assertThat(cluster.primary().userStatistics(user).selectCommands()).isZero();
    }

    // ------------------------------------------------------------------------------------------------
    // Own clusters: these kill, freeze and reconfigure servers, so they never touch the shared one.

    @Test
    void killedReplicaAndPrimaryRestartAndCatchUp() throws Exception {
        Path directory;
        List<Long> pids = new ArrayList<>();
        try (EmbeddedCluster own = EmbeddedCluster.builder().replicas(1).database("app").start()) {
            directory = own.directory();
            EmbeddedServer primary = own.primary();
            EmbeddedServer replica = own.replicas().get(0);
            try (Connection c = app(primary); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id INT PRIMARY KEY)");
                s.executeUpdate("INSERT INTO t VALUES (1)");
            }
            own.awaitReplicationCaughtUp(AWAIT);

            long pid = replica.pid();
            int port = replica.port();
            replica.kill9();
            assertThat(replica.isRunning()).isFalse();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThatThrownBy(() -> {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                }
            }).isInstanceOf(ConnectException.class);
            own.awaitReplicationCaughtUp(AWAIT); // a dead replica is skipped

            try (Connection c = app(primary); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO t VALUES (2), (3)");
            }
            replica.restart();
            assertThat(replica.isRunning()).isTrue();
            assertThat(replica.port()).isEqualTo(port);
            assertThat(replica.pid()).isNotEqualTo(pid);
            assertThat(replica.queryLong("SELECT @@server_id")).isEqualTo(2);
            assertThat(replica.queryLong("SELECT @@read_only")).isEqualTo(1);
            await().atMost(AWAIT).pollInterval(Duration.ofMillis(20)).ignoreExceptions().untilAsserted(() -> {
                try (Connection c = app(replica)) {
                    assertThat(count(c, "SELECT COUNT(*) FROM t")).isEqualTo(3);
                }
            });
            await().atMost(AWAIT).pollInterval(Duration.ofMillis(20)).until(replica::isReplicaRunning);

            // The primary crashes and comes back: the replica reconnects by itself (MASTER_CONNECT_RETRY=1).
            pids.add(primary.pid());
            primary.kill9();
            primary.restart();
            assertThat(primary.queryLong("SELECT @@read_only")).isZero();
            try (Connection c = app(primary); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO t VALUES (4)");
            }
            own.awaitReplicationCaughtUp(AWAIT);
            try (Connection c = app(replica)) {
                assertThat(count(c, "SELECT COUNT(*) FROM t")).isEqualTo(4);
            }
            own.servers().forEach(s -> pids.add(s.pid()));
        }
        assertThat(directory).doesNotExist();
        for (long pid : pids) {
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).as("pid %d", pid).isFalse();
        }
    }

    @Test
    void semiSyncSuspendedServersAndStoppedSqlThread() throws Exception {
        EmbeddedCluster own = EmbeddedCluster.builder().replicas(1).semiSync(true).start();
        try (own) {
            EmbeddedServer primary = own.primary();
            EmbeddedServer replica = own.replicas().get(0);
            assertThat(primary.queryString("SELECT VARIABLE_VALUE FROM information_schema.GLOBAL_STATUS "
                    + "WHERE VARIABLE_NAME = 'RPL_SEMI_SYNC_MASTER_STATUS'")).isEqualTo("ON");
            assertThat(primary.statusCounter("Rpl_semi_sync_master_clients")).isEqualTo(1);
            assertThat(primary.queryString("SELECT @@rpl_semi_sync_master_wait_point")).isEqualTo("AFTER_SYNC");
            assertThat(replica.queryLong("SELECT @@rpl_semi_sync_slave_enabled")).isEqualTo(1);
            try (Connection c = app(primary); Statement s = c.createStatement()) {
                s.execute("CREATE TABLE t (id INT PRIMARY KEY)");
                s.executeUpdate("INSERT INTO t VALUES (1)");
            }
            assertThat(primary.statusCounter("Rpl_semi_sync_master_yes_tx")).isGreaterThanOrEqualTo(2);

            // A stopped SQL thread: not caught up until it runs again.
            replica.stopReplicaSqlThread();
            assertThat(replica.isReplicaRunning()).isFalse();
            try (Connection c = app(primary); Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO t VALUES (2)");
            }
            assertThatThrownBy(() -> own.awaitReplicationCaughtUp(Duration.ofMillis(300)))
                    .isInstanceOf(EmbeddedClusterException.class)
                    .hasMessageContaining("has not caught up");
            replica.startReplicaSqlThread();
            own.awaitReplicationCaughtUp(AWAIT);
            assertThat(replica.isReplicaRunning()).isTrue();

            // SIGSTOP / SIGCONT
            replica.sigstop();
            assertThat(replica.isSuspended()).isTrue();
            assertThat(replica.isRunning()).isTrue();
            assertThat(ProcessHandle.of(replica.pid()).flatMap(h -> h.info().command())).isPresent();
            assertThat(Files.readString(Path.of("/proc", Long.toString(replica.pid()), "stat"))).contains(") T ");
            replica.sigcont();
            assertThat(replica.isSuspended()).isFalse();
            assertThat(replica.queryLong("SELECT 1")).isEqualTo(1);

            // close() must also handle a frozen server
            replica.sigstop();
        }
        assertThat(own.isClosed()).isTrue();
        assertThat(own.servers()).noneMatch(EmbeddedServer::isRunning);
        own.close(); // idempotent
    }
}
