package com.foobar.jdbc.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.foobar.jdbc.FoobarDriver;
import com.foobar.jdbc.it.support.SharedCluster;
import com.foobar.testcluster.EmbeddedCluster;
import com.foobar.testcluster.EmbeddedServer;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.slf4j.LoggerFactory;

/**
 * Configuration errors through {@code DriverManager}: each is an SQLException with SQLState 08001 whose
 * message names the property, and the password never appears in a message or a log line. Plus the
 * {@link Driver} contract ({@code getDriver}, {@code acceptsURL}, {@code connect} of a foreign URL,
 * {@code getPropertyInfo}) and pass-through Connector/J properties (against the shared cluster).
 *
 * <p>No server is needed for the bad inputs: every one of them is rejected before any host is contacted
 * (the hosts named, 127.0.0.1:3306 and localhost:3306, are never connected to).
 */
class BadInputTest {

    private static final String SECRET = "s3cr3t-Pa55";

    private ListAppender<ILoggingEvent> logs;
    private Logger foobarLogger;

    @BeforeEach
    void captureLogs() {
        foobarLogger = (Logger) LoggerFactory.getLogger("com.foobar");
        logs = new ListAppender<>();
        logs.setName("it-badinput-" + System.nanoTime());
        logs.start();
        foobarLogger.addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        foobarLogger.detachAppender(logs);
        logs.stop();
    }

    static Stream<Arguments> badUrls() {
        return Stream.of(
                Arguments.of("no host", "jdbc:foobar:///app", "host"),
                Arguments.of("port 0", "jdbc:foobar://127.0.0.1:0/app", "port"),
                Arguments.of("port 70000", "jdbc:foobar://127.0.0.1:70000/app", "port"),
                Arguments.of("port abc", "jdbc:foobar://127.0.0.1:abc/app", "port"),
                Arguments.of("port 0 on a second host", "jdbc:foobar://127.0.0.1:3306,127.0.0.2:0/app", "port"),
                Arguments.of("unknown loadBalance", "jdbc:foobar://127.0.0.1:3306/app?loadBalance=fastestt", "loadBalance"),
                Arguments.of("negative connectionAcquireTimeoutMs",
                        "jdbc:foobar://127.0.0.1:3306/app?connectionAcquireTimeoutMs=-5", "connectionAcquireTimeoutMs"),
                Arguments.of("connectionAcquireTimeoutMs below 250",
                        "jdbc:foobar://127.0.0.1:3306/app?connectionAcquireTimeoutMs=100", "connectionAcquireTimeoutMs"),
                Arguments.of("negative healthCheckTimeoutMs",
                        "jdbc:foobar://127.0.0.1:3306/app?healthCheckTimeoutMs=-1", "healthCheckTimeoutMs"),
                Arguments.of("maxConnectionsPerHost 0", "jdbc:foobar://127.0.0.1:3306/app?maxConnectionsPerHost=0",
                        "maxConnectionsPerHost"),
                Arguments.of("maxConnectionsPerHost not a number",
                        "jdbc:foobar://127.0.0.1:3306/app?maxConnectionsPerHost=ten", "maxConnectionsPerHost"),
                Arguments.of("duplicate host", "jdbc:foobar://127.0.0.1:3306,127.0.0.1:3306/app", "host"),
                Arguments.of("duplicate host differing by case", "jdbc:foobar://LOCALHOST:3306,localhost:3306/app", "host"),
                Arguments.of("duplicate host, default port implied", "jdbc:foobar://localhost,localhost:3306/app", "host"));
    }

    /** The password is in the URL's query string. */
    @ParameterizedTest(name = "{0} (password in the URL)")
    @MethodSource("badUrls")
    void badInput_passwordInUrl_rejected08001NamingTheProperty(String what, String url, String property) {
        String withPassword = url + (url.contains("?") ? "&" : "?") + "user=app&password=" + SECRET;
        SQLException e = catchThrowableOfType(SQLException.class, () -> DriverManager.getConnection(withPassword));
        assertRejected(what, e, property);
    }

    /** The password is in the Properties. */
    @ParameterizedTest(name = "{0} (password in Properties)")
    @MethodSource("badUrls")
    void badInput_passwordInProperties_rejected08001NamingTheProperty(String what, String url, String property) {
        Properties info = new Properties();
        info.setProperty("user", "app");
        info.setProperty("password", SECRET);
        SQLException e = catchThrowableOfType(SQLException.class, () -> DriverManager.getConnection(url, info));
        assertRejected(what, e, property);
        assertThat(info).as("the caller's Properties is not modified").hasSize(2).containsEntry("password", SECRET);
    }

    /** Our properties given in Properties rather than in the URL are validated the same way. */
    @Test
    void badPropertyValuesInProperties_rejected08001NamingTheProperty() {
        Map<String, String> bad = Map.of(
                "loadBalance", "fastestt",
                "connectionAcquireTimeoutMs", "-5",
                "maxConnectionsPerHost", "0");
        for (Map.Entry<String, String> entry : bad.entrySet()) {
            Properties info = new Properties();
            info.setProperty("user", "app");
            info.setProperty("password", SECRET);
            info.setProperty(entry.getKey(), entry.getValue());
            SQLException e = catchThrowableOfType(SQLException.class,
                    () -> DriverManager.getConnection("jdbc:foobar://127.0.0.1:3306/app", info));
            assertRejected(entry.getKey() + "=" + entry.getValue() + " in Properties", e, entry.getKey());
        }
    }

    /** A malformed percent-escape in the password itself: the message names the property, not the value. */
    @Test
    void malformedPercentEncodingInThePassword_neverShowsIt() {
        String url = "jdbc:foobar://127.0.0.1:3306/app?user=app&password=" + SECRET + "%zz";
        SQLException e = catchThrowableOfType(SQLException.class, () -> DriverManager.getConnection(url));
        assertRejected("bad percent-escape in the password", e, "password");
    }

    private void assertRejected(String what, SQLException e, String property) {
        assertThat((Throwable) e).as("%s: SQLException expected", what).isNotNull();
        assertThat(e.getSQLState()).as("%s: SQLState of %s", what, e).isEqualTo("08001");
        assertThat(e.getMessage()).as("%s: message names the property '%s'", what, property).contains(property);
        assertThat(fullText(e)).as("%s: the password in the exception (message, causes, stack trace)", what)
                .doesNotContain(SECRET);
        String logged = logs.list.stream().map(ev -> ev.getFormattedMessage()
                        + (ev.getThrowableProxy() == null ? "" : " " + ev.getThrowableProxy().getMessage()))
                .collect(Collectors.joining("\n"));
        assertThat(logged).as("%s: the password in the driver's logs", what).doesNotContain(SECRET);
    }

    private static String fullText(Throwable t) {
        StringWriter w = new StringWriter();
        t.printStackTrace(new PrintWriter(w));
        StringBuilder sb = new StringBuilder(w.toString());
        if (t instanceof SQLException sql) {
            for (SQLException next = sql.getNextException(); next != null; next = next.getNextException()) {
                sb.append(next);
            }
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------------------------------------
    // The Driver contract

    @Test
    void driverManagerFindsTheDriver_andForeignUrlsAreNotOurs() throws SQLException {
        Driver driver = DriverManager.getDriver("jdbc:foobar://x/y");
        assertThat(driver).isInstanceOf(FoobarDriver.class);
        assertThat(driver.acceptsURL("jdbc:foobar://x:3306,y:3306/db")).isTrue();
        assertThat(driver.acceptsURL("jdbc:mysql://127.0.0.1:3306/app")).isFalse();
        assertThat(driver.acceptsURL("jdbc:mariadb://127.0.0.1:3306/app")).isFalse();
        assertThat(driver.acceptsURL(null)).isFalse();
        Properties info = new Properties();
        info.setProperty("user", "app");
        info.setProperty("password", SECRET);
        assertThat(driver.connect("jdbc:mysql://127.0.0.1:3306/app", info)).as("connect of a non-foobar URL").isNull();
        assertThat(new FoobarDriver().connect("jdbc:postgresql://localhost/app", info)).isNull();
    }

    @Test
    void getPropertyInfo_listsOurPropertiesWithDefaultsDescriptionsAndChoices() throws SQLException {
        Driver driver = DriverManager.getDriver("jdbc:foobar://x/y");
        Map<String, DriverPropertyInfo> byName = byName(driver.getPropertyInfo("jdbc:foobar://x/y", new Properties()));
        assertThat(byName).containsKeys("maxConnectionsPerHost", "connectionAcquireTimeoutMs", "healthCheckTimeoutMs",
                "loadBalance");
        assertThat(byName.get("maxConnectionsPerHost").value).isEqualTo("10");
        assertThat(byName.get("connectionAcquireTimeoutMs").value).isEqualTo("30000");
        assertThat(byName.get("healthCheckTimeoutMs").value).isEqualTo("1000");
        assertThat(byName.get("loadBalance").value).isEqualTo("roundRobin");
        for (String name : Set.of("maxConnectionsPerHost", "connectionAcquireTimeoutMs", "healthCheckTimeoutMs", "loadBalance")) {
            assertThat(byName.get(name).description).as("description of %s", name).isNotBlank();
        }
        assertThat(byName.get("loadBalance").choices).as("choices of loadBalance").isNotNull().contains("roundRobin");

        // values given in the URL and in Properties are reported; the password value never is
        Properties info = new Properties();
        info.setProperty("loadBalance", "roundRobin");
        info.setProperty("password", SECRET);
        Map<String, DriverPropertyInfo> given = byName(driver.getPropertyInfo(
                "jdbc:foobar://x/y?maxConnectionsPerHost=4&password=" + SECRET, info));
        assertThat(given.get("maxConnectionsPerHost").value).isEqualTo("4");
        assertThat(given.get("connectionAcquireTimeoutMs").value).isEqualTo("30000");
        for (DriverPropertyInfo p : given.values()) {
            assertThat(p.value).as("value of %s", p.name).isNotEqualTo(SECRET);
        }
    }

    private static Map<String, DriverPropertyInfo> byName(DriverPropertyInfo[] infos) {
        return Arrays.stream(infos).collect(Collectors.toMap(p -> p.name, Function.identity(), (a, b) -> a, TreeMap::new));
    }

    // ------------------------------------------------------------------------------------------------
    // Pass-through Connector/J properties (the shared cluster)

    @Nested
    @ExtendWith(SharedCluster.class)
    class PassThrough {

        @Test
        void connectorJProperties_areAcceptedAndInEffect(EmbeddedCluster cluster) throws Exception {
            EmbeddedServer primary = cluster.primary();
            primary.execute("CREATE OR REPLACE TABLE app.badinput_pt (id INT PRIMARY KEY, v VARCHAR(10))");
            primary.execute("INSERT INTO app.badinput_pt VALUES (1, 'a'), (2, 'b')");
            cluster.awaitReplicationCaughtUp(Duration.ofSeconds(30));
            Set<Integer> replicaIds = cluster.replicas().stream().map(EmbeddedServer::serverId).collect(Collectors.toSet());

            // sessionVariables: Connector/J sets it on every physical connection it opens (observable anywhere)
            String url = cluster.foobarUrl("connectTimeout=2000&useServerPrepStmts=true"
                    + "&sessionVariables=group_concat_max_len=54321");
            Map<Integer, Long> prepareBefore = counters(cluster, "Com_stmt_prepare");
            Map<Integer, Integer> reads = new TreeMap<>();
            try (Connection c = DriverManager.getConnection(url, cluster.appUser(), cluster.appPassword())) {
                for (int i = 0; i < 6; i++) {
                    try (PreparedStatement ps = c.prepareStatement(
                            "SELECT @@server_id, @@session.group_concat_max_len FROM badinput_pt WHERE id = ?")) {
                        ps.setInt(1, 1 + i % 2);
                        try (ResultSet rs = ps.executeQuery()) {
                            assertThat(rs.next()).isTrue();
                            reads.merge(rs.getInt(1), 1, Integer::sum);
                            assertThat(rs.getLong(2)).as("sessionVariables on server_id %d", rs.getInt(1)).isEqualTo(54321);
                        }
                    }
                }
            }
            Map<Integer, Long> prepareDelta = delta(counters(cluster, "Com_stmt_prepare"), prepareBefore);
            assertThat(reads.keySet()).as("servers that ran the reads").isEqualTo(replicaIds);
            for (int server : replicaIds) {
                assertThat(prepareDelta.get(server))
                        .as("server-side prepares on replica server_id %d with useServerPrepStmts=true (reads %s)",
                                server, reads)
                        .isGreaterThanOrEqualTo(reads.get(server));
            }

            // without it, Connector/J prepares on the client: no server-side prepare at all
            Map<Integer, Long> before = counters(cluster, "Com_stmt_prepare");
            try (Connection c = DriverManager.getConnection(cluster.foobarUrl("connectTimeout=2000"), cluster.appUser(),
                    cluster.appPassword())) {
                for (int i = 0; i < 4; i++) {
                    try (PreparedStatement ps = c.prepareStatement("SELECT @@server_id FROM badinput_pt WHERE id = ?")) {
                        ps.setInt(1, 1);
                        try (ResultSet rs = ps.executeQuery()) {
                            assertThat(rs.next()).isTrue();
                            assertThat(replicaIds).contains(rs.getInt(1));
                        }
                    }
                }
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT @@session.group_concat_max_len")) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("sessionVariables of another cluster's connections").isNotEqualTo(54321);
                }
            }
            Map<Integer, Long> plainDelta = delta(counters(cluster, "Com_stmt_prepare"), before);
            assertThat(plainDelta.values()).as("server-side prepares without useServerPrepStmts: %s", plainDelta)
                    .allMatch(d -> d == 0);
        }

        private Map<Integer, Long> counters(EmbeddedCluster cluster, String name) {
            Map<Integer, Long> values = new TreeMap<>();
            for (EmbeddedServer s : cluster.servers()) {
                values.put(s.serverId(), s.statusCounter(name));
            }
            return values;
        }

        private Map<Integer, Long> delta(Map<Integer, Long> after, Map<Integer, Long> before) {
            Map<Integer, Long> d = new TreeMap<>();
            after.forEach((k, v) -> d.put(k, v - before.getOrDefault(k, 0L)));
            return d;
        }
    }
}
