package com.foobar.jdbc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.foobar.jdbc.FoobarDataSource;
import com.foobar.jdbc.it.support.SharedCluster;
import com.foobar.testcluster.EmbeddedCluster;
import com.foobar.testcluster.EmbeddedServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * Topology discovery on first use: unreachable hosts, a URL without a primary, and a least-privileged
 * user that may not read the replicas' replication status. Logs are captured with a logback
 * {@link ListAppender} on the {@code com.foobar} logger; where statements ran is read from the servers
 * ({@code @@server_id}).
 */
class DiscoveryTest {

    private static final AtomicLong NEXT_ID = new AtomicLong(1);

    private ListAppender<ILoggingEvent> logs;
    private Logger foobarLogger;

    @BeforeEach
    void captureLogs() {
        foobarLogger = (Logger) LoggerFactory.getLogger("com.foobar");
        logs = new ListAppender<>();
        logs.setName("it-discovery-" + System.nanoTime());
        logs.start();
        foobarLogger.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        foobarLogger.detachAppender(logs);
        logs.stop();
    }

    private List<ILoggingEvent> warnings() {
        synchronized (logs.list) {
            return logs.list.stream().filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN)).toList();
        }
    }

    private List<ILoggingEvent> grantWarnings() {
        return warnings().stream().filter(e -> e.getFormattedMessage().contains("SHOW SLAVE STATUS")
                || e.getFormattedMessage().contains("REPLICA MONITOR")).toList();
    }

    private static String describe(List<ILoggingEvent> events) {
        return events.stream().map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage())
                .collect(Collectors.joining("\n"));
    }

    // ------------------------------------------------------------------------------------------------
    // A replica dead before the first connection (own cluster: a server is killed)

    @Test
    void replicaKilledBeforeFirstConnection_connectsReadsFromTheLiveReplica_warnsAboutTheDeadOne() throws Exception {
        try (EmbeddedCluster cluster = EmbeddedCluster.builder().replicas(2).database("app").start()) {
            EmbeddedServer primary = cluster.primary();
            EmbeddedServer live = cluster.replicas().get(0);
            EmbeddedServer dead = cluster.replicas().get(1);
            primary.execute("CREATE TABLE app.disc_dead (id INT PRIMARY KEY, written_by INT NOT NULL)");
            primary.execute("INSERT INTO app.disc_dead VALUES (1, 0)");
            cluster.awaitReplicationCaughtUp(Duration.ofSeconds(30));
            dead.kill9();

            try (FoobarDataSource ds = new FoobarDataSource()) {
                ds.setUrl(cluster.foobarUrl());
                ds.setUser(cluster.appUser());
                ds.setPassword(cluster.appPassword());
                try (Connection c = ds.getConnection()) {
                    Set<Integer> readServers = new HashSet<>();
                    for (int i = 0; i < 10; i++) {
                        try (PreparedStatement ps = c.prepareStatement("SELECT @@server_id FROM disc_dead WHERE id = ?")) {
                            ps.setInt(1, 1);
                            try (ResultSet rs = ps.executeQuery()) {
                                assertThat(rs.next()).isTrue();
                                readServers.add(rs.getInt(1));
                            }
                        }
                    }
                    assertThat(readServers).as("servers that ran the reads").containsExactly(live.serverId());
                    try (PreparedStatement ps = c.prepareStatement("INSERT INTO disc_dead VALUES (?, @@server_id)")) {
                        ps.setInt(1, 2);
                        assertThat(ps.executeUpdate()).isEqualTo(1);
                    }
                }
            }
            assertThat(primary.queryLong("SELECT written_by FROM app.disc_dead WHERE id = 2"))
                    .as("server that ran the INSERT").isEqualTo(primary.serverId());

            // (every line of this cluster names all its hosts in the cluster name: look for the host's own report)
            List<ILoggingEvent> aboutDead = warnings().stream()
                    .filter(e -> e.getFormattedMessage().contains(dead.hostAndPort() + " unreachable")).toList();
            assertThat(aboutDead).as("WARN reporting the dead host %s unreachable; all WARNs:%n%s", dead.hostAndPort(),
                    describe(warnings())).hasSize(1);
            assertThat(warnings()).as("a WARN wrongly naming the live replica or the primary:%n%s", describe(warnings()))
                    .noneMatch(e -> e.getFormattedMessage().contains(live.hostAndPort() + " ")
                            && e.getFormattedMessage().contains("left out"))
                    .noneMatch(e -> e.getFormattedMessage().contains(primary.hostAndPort() + " ")
                            && e.getFormattedMessage().contains("left out"));
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Topology problems that need no broken server: the shared cluster

    @Nested
    @ExtendWith(SharedCluster.class)
    class OnTheSharedCluster {

        private int primaryId;
        private Set<Integer> replicaIds;

        @BeforeEach
        void table(EmbeddedCluster cluster) {
            cluster.primary().execute("CREATE TABLE IF NOT EXISTS app.disc_shared (id BIGINT PRIMARY KEY, written_by INT NOT NULL)");
            cluster.primary().execute("INSERT IGNORE INTO app.disc_shared VALUES (0, 0)");
            cluster.awaitReplicationCaughtUp(Duration.ofSeconds(30));
            primaryId = cluster.primary().serverId();
            replicaIds = cluster.replicas().stream().map(EmbeddedServer::serverId).collect(Collectors.toSet());
        }

        @Test
        void urlWithOnlyReplicas_fails08001_namingEveryHostAndItsState(EmbeddedCluster cluster) {
            EmbeddedServer r1 = cluster.replicas().get(0);
            EmbeddedServer r2 = cluster.replicas().get(1);
            String url = "jdbc:foobar://" + r1.hostAndPort() + "," + r2.hostAndPort() + "/app";
            for (String user : List.of(cluster.appUser(), cluster.adminUser())) {
                String password = user.equals(cluster.appUser()) ? cluster.appPassword() : cluster.adminPassword();
                SQLException e = catchThrowableOfType(SQLException.class,
                        () -> DriverManager.getConnection(url, user, password).close());
                assertThat((Throwable) e).as("connecting as %s to a URL without a writable host", user).isNotNull();
                assertThat(e.getSQLState()).as(e.toString()).isEqualTo("08001");
                assertThat(e.getMessage())
                        .as("message for user %s", user)
                        .contains(r1.hostAndPort(), r2.hostAndPort())
                        .contains("read-only")
                        .contains("replicating")
                        .doesNotContain(password);
                // both hosts described, each with its state
                for (EmbeddedServer r : List.of(r1, r2)) {
                    assertThat(e.getMessage()).as("state of %s", r.hostAndPort())
                            .contains(r.hostAndPort() + " read-only, replicating");
                }
            }
        }

        @Test
        void urlWithAHostWhereNothingListens_connects_reportsAndLeavesOutThatHost(EmbeddedCluster cluster) throws Exception {
            int deadPort = freePort();
            String deadHost = "127.0.0.1:" + deadPort;
            String url = "jdbc:foobar://" + cluster.hostList() + "," + deadHost + "/app";
            try (Connection c = DriverManager.getConnection(url, cluster.appUser(), cluster.appPassword())) {
                assertReadsOnReplicasWritesOnPrimary(cluster, c);
            }
            // (every line of this cluster names all its hosts in the cluster name: look for the host's own report)
            List<ILoggingEvent> aboutDead = warnings().stream()
                    .filter(e -> e.getFormattedMessage().contains(deadHost + " unreachable")).toList();
            assertThat(aboutDead).as("WARN reporting %s unreachable; all WARNs:%n%s", deadHost, describe(warnings()))
                    .hasSize(1);
            assertThat(describe(logs.list)).doesNotContain(cluster.appPassword());
        }

        @Test
        void leastPrivilegedUser_oneWarnNamingTheGrant_routingStillWorks(EmbeddedCluster cluster) throws Exception {
            // A query parameter of its own makes a fresh cluster (settings are part of a cluster's identity),
            // so its discovery runs now, under the log capture.
            String url = cluster.foobarUrl("connectTimeout=7301");
            for (int i = 0; i < 3; i++) {
                try (Connection c = DriverManager.getConnection(url, cluster.appUser(), cluster.appPassword())) {
                    assertReadsOnReplicasWritesOnPrimary(cluster, c);
                }
            }
            List<ILoggingEvent> grant = grantWarnings();
            assertThat(grant).as("WARNs about the missing grant (3 hosts probed, 3 connections):%n%s", describe(warnings()))
                    .hasSize(1);
            String message = grant.get(0).getFormattedMessage();
            assertThat(message).contains("REPLICA MONITOR").contains("REPLICATION CLIENT").contains(cluster.appUser());
            assertThat(grant.get(0).getLevel()).isEqualTo(Level.WARN);
            assertThat(message).doesNotContain(cluster.appPassword());
        }

        @Test
        void adminUser_noGrantWarning(EmbeddedCluster cluster) throws Exception {
            String url = cluster.foobarUrl("connectTimeout=7302");
            for (int i = 0; i < 2; i++) {
                try (Connection c = DriverManager.getConnection(url, cluster.adminUser(), cluster.adminPassword())) {
                    assertReadsOnReplicasWritesOnPrimary(cluster, c);
                }
            }
            assertThat(logs.list).as("discovery ran under the capture")
                    .anyMatch(e -> e.getFormattedMessage().contains("topology discovered"));
            assertThat(grantWarnings()).as("grant WARNs for the admin user:%n%s", describe(warnings())).isEmpty();
            // every line about a cluster names it, with its user
            assertThat(warnings()).as("WARNs for a healthy cluster seen by the admin user:%n%s", describe(warnings()))
                    .noneMatch(e -> e.getFormattedMessage().contains("user=" + cluster.adminUser()));
        }

        private void assertReadsOnReplicasWritesOnPrimary(EmbeddedCluster cluster, Connection c) throws SQLException {
            Set<Integer> readServers = new HashSet<>();
            for (int i = 0; i < 6; i++) {
                try (PreparedStatement ps = c.prepareStatement("SELECT @@server_id FROM disc_shared WHERE id = ?")) {
                    ps.setLong(1, 0);
                    try (ResultSet rs = ps.executeQuery()) {
                        assertThat(rs.next()).isTrue();
                        readServers.add(rs.getInt(1));
                    }
                }
            }
            assertThat(readServers).as("servers that ran the reads").isEqualTo(replicaIds);
            long id = NEXT_ID.getAndIncrement();
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO disc_shared VALUES (?, @@server_id)")) {
                ps.setLong(1, id);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            assertThat(cluster.primary().queryLong("SELECT written_by FROM app.disc_shared WHERE id = " + id))
                    .as("server that ran the INSERT").isEqualTo(primaryId);
        }
    }

    /** A loopback port nothing listens on (bound once, then released). */
    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
