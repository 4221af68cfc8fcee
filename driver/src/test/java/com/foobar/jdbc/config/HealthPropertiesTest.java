package com.foobar.jdbc.config;

import com.foobar.jdbc.FoobarDriver;
import com.foobar.jdbc.topology.HostSpec;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.DriverPropertyInfo;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Parsing and validation of the health-check and balancing properties (no database): healthCheckIntervalMs,
 * healthCheckTimeoutMs, failureThreshold, recoveryThreshold, maxReplicationLagMs, metaSchema, adminUser,
 * adminPassword, connectTimeoutMs, loadBalance, replicaWeights, readFallback.
 */
class HealthPropertiesTest {

    private static final String HOSTS = "jdbc:foobar://p:3306,r1:3307,r2:3308/app";
    private static final String ADMIN_SECRET = "Adm1n-S3cr3t-xyz";

    private static FoobarConfig parse(String query) throws InvalidConfigurationException {
        return FoobarUrl.parse(HOSTS + (query.isEmpty() ? "" : "?" + query), null);
    }

    private static Properties props(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    /** Asserts that the query is rejected with 08001 naming the property; returns the exception. */
    private static InvalidConfigurationException rejected(String query, String property) {
        InvalidConfigurationException e = catchThrowableOfType(InvalidConfigurationException.class,
                () -> parse(query));
        assertThat((Throwable) e).as("'%s' must be rejected", query).isNotNull();
        assertThat(e.getSQLState()).isEqualTo("08001");
        assertThat(e.getMessage()).as("the message names the property").contains("'" + property + "'");
        return e;
    }

    // ------------------------------------------------------------------------------------------------

    @Nested
    class Defaults {

        @Test
        void everyNewPropertyHasItsDocumentedDefault() throws Exception {
            FoobarConfig c = FoobarUrl.parse(HOSTS, props("user", "app", "password", "pw"));
            assertThat(c.healthCheckIntervalMs()).isEqualTo(500);
            assertThat(c.healthCheckTimeoutMs()).isEqualTo(1000);
            assertThat(c.failureThreshold()).isEqualTo(2);
            assertThat(c.recoveryThreshold()).isEqualTo(2);
            assertThat(c.maxReplicationLagMs()).isEqualTo(1000);
            assertThat(c.metaSchema()).isEqualTo("foobar_meta");
            assertThat(c.adminUser()).isNull();
            assertThat(c.adminPassword()).isNull();
            assertThat(c.connectTimeoutMs()).isEqualTo(3000);
            assertThat(c.loadBalance()).isEqualTo(LoadBalance.ROUND_ROBIN);
            assertThat(c.replicaWeights()).isEmpty();
            assertThat(c.readFallback()).isEqualTo(ReadFallback.PRIMARY);
        }

        @Test
        void registryDefaultsMatch() {
            assertThat(FoobarProperty.byName("healthCheckIntervalMs").defaultValue()).isEqualTo("500");
            assertThat(FoobarProperty.byName("healthCheckTimeoutMs").defaultValue()).isEqualTo("1000");
            assertThat(FoobarProperty.byName("failureThreshold").defaultValue()).isEqualTo("2");
            assertThat(FoobarProperty.byName("recoveryThreshold").defaultValue()).isEqualTo("2");
            assertThat(FoobarProperty.byName("maxReplicationLagMs").defaultValue()).isEqualTo("1000");
            assertThat(FoobarProperty.byName("metaSchema").defaultValue()).isEqualTo("foobar_meta");
            assertThat(FoobarProperty.byName("adminUser").defaultValue()).isNull();
            assertThat(FoobarProperty.byName("adminPassword").defaultValue()).isNull();
            assertThat(FoobarProperty.byName("connectTimeoutMs").defaultValue()).isEqualTo("3000");
            assertThat(FoobarProperty.byName("loadBalance").defaultValue()).isEqualTo("roundRobin");
            assertThat(FoobarProperty.byName("readFallback").defaultValue()).isEqualTo("primary");
            assertThat(FoobarProperty.byName("replicaWeights")).isNotNull();
        }

        @Test
        void monitorUserDefaultsToTheApplicationUser() throws Exception {
            FoobarConfig c = FoobarUrl.parse(HOSTS, props("user", "app", "password", "app-pw"));
            assertThat(c.monitorUser()).isEqualTo("app");
            Properties p = c.monitorProperties();
            assertThat(p.getProperty("user")).isEqualTo("app");
            assertThat(p.getProperty("password")).isEqualTo("app-pw");
        }

        @Test
        void newPropertiesAreNotPassedToConnectorJ() throws Exception {
            FoobarConfig c = parse("healthCheckIntervalMs=200&healthCheckTimeoutMs=300&failureThreshold=3"
                    + "&recoveryThreshold=4&maxReplicationLagMs=0&metaSchema=m&adminUser=a&adminPassword=" + ADMIN_SECRET
                    + "&connectTimeoutMs=700&loadBalance=weighted&replicaWeights=r1:3307=2&readFallback=fail"
                    + "&useSSL=false");
            assertThat(c.driverProperties()).containsOnlyKeys("useSSL");
            assertThat(c.connectorProperties().stringPropertyNames())
                    .doesNotContain("healthCheckIntervalMs", "adminUser", "adminPassword", "metaSchema",
                            "replicaWeights", "readFallback", "failureThreshold", "maxReplicationLagMs");
        }
    }

    // ------------------------------------------------------------------------------------------------

    @Nested
    class Values {

        @Test
        void explicitValuesAreParsed() throws Exception {
            FoobarConfig c = parse("healthCheckIntervalMs=200&healthCheckTimeoutMs=500&failureThreshold=3"
                    + "&recoveryThreshold=5&maxReplicationLagMs=250&metaSchema=ops_meta&connectTimeoutMs=1500");
            assertThat(c.healthCheckIntervalMs()).isEqualTo(200);
            assertThat(c.healthCheckTimeoutMs()).isEqualTo(500);
            assertThat(c.failureThreshold()).isEqualTo(3);
            assertThat(c.recoveryThreshold()).isEqualTo(5);
            assertThat(c.maxReplicationLagMs()).isEqualTo(250);
            assertThat(c.metaSchema()).isEqualTo("ops_meta");
            assertThat(c.connectTimeoutMs()).isEqualTo(1500);
        }

        @Test
        void valuesFromPropertiesAndUrlWins() throws Exception {
            Properties info = props("healthCheckIntervalMs", "700", "failureThreshold", "4", "readFallback", "fail");
            FoobarConfig c = FoobarUrl.parse(HOSTS + "?failureThreshold=6", info);
            assertThat(c.healthCheckIntervalMs()).isEqualTo(700);
            assertThat(c.failureThreshold()).isEqualTo(6);
            assertThat(c.readFallback()).isEqualTo(ReadFallback.FAIL);
        }

        @Test
        void maxReplicationLagZeroMeansNoCheck() throws Exception {
            assertThat(parse("maxReplicationLagMs=0").maxReplicationLagMs()).isZero();
        }

        @Test
        void smallestAcceptedValues() throws Exception {
            FoobarConfig c = parse("healthCheckIntervalMs=10&healthCheckTimeoutMs=1&failureThreshold=1"
                    + "&recoveryThreshold=1&connectTimeoutMs=1");
            assertThat(c.healthCheckIntervalMs()).isEqualTo(10);
            assertThat(c.healthCheckTimeoutMs()).isEqualTo(1);
            assertThat(c.failureThreshold()).isEqualTo(1);
            assertThat(c.recoveryThreshold()).isEqualTo(1);
            assertThat(c.connectTimeoutMs()).isEqualTo(1);
        }

        @ParameterizedTest
        @CsvSource({
                "healthCheckIntervalMs, 9",
                "healthCheckIntervalMs, 0",
                "healthCheckIntervalMs, -1",
                "healthCheckIntervalMs, soon",
                "healthCheckTimeoutMs, 0",
                "healthCheckTimeoutMs, -5",
                "healthCheckTimeoutMs, 1.5",
                "failureThreshold, 0",
                "failureThreshold, -1",
                "failureThreshold, two",
                "failureThreshold, 3000000000",
                "recoveryThreshold, 0",
                "recoveryThreshold, x",
                "maxReplicationLagMs, -1",
                "maxReplicationLagMs, 1s",
                "connectTimeoutMs, 0",
                "connectTimeoutMs, -100",
                "connectTimeoutMs, ''"})
        void badNumbersAreRejectedNamingTheProperty(String property, String value) {
            InvalidConfigurationException e = rejected(property + "=" + value, property);
            assertThat(e.getMessage()).contains("expected");
        }

        @ParameterizedTest
        @CsvSource({
                "roundRobin, ROUND_ROBIN",
                "leastConnections, LEAST_CONNECTIONS",
                "weighted, WEIGHTED",
                "fastest, FASTEST",
                "FASTEST, FASTEST",
                "LeastConnections, LEAST_CONNECTIONS"})
        void loadBalanceValues(String value, LoadBalance expected) throws Exception {
            assertThat(parse("loadBalance=" + value).loadBalance()).isEqualTo(expected);
        }

        @Test
        void unknownLoadBalanceListsTheChoices() {
            InvalidConfigurationException e = rejected("loadBalance=random", "loadBalance");
            assertThat(e.getMessage()).contains("roundRobin", "leastConnections", "weighted", "fastest");
        }

        @ParameterizedTest
        @CsvSource({"primary, PRIMARY", "fail, FAIL", "FAIL, FAIL", "Primary, PRIMARY", "' fail ', FAIL"})
        void readFallbackValues(String value, ReadFallback expected) throws Exception {
            assertThat(parse("readFallback=" + value).readFallback()).isEqualTo(expected);
        }

        @ParameterizedTest
        @ValueSource(strings = {"replica", "none", "error", "", "primary,fail"})
        void badReadFallbackIsRejectedListingTheChoices(String value) {
            InvalidConfigurationException e = rejected("readFallback=" + value, "readFallback");
            assertThat(e.getMessage()).contains("primary", "fail");
        }

        @Test
        void readFallbackChoicesInTheRegistry() {
            assertThat(FoobarProperty.READ_FALLBACK.choices()).containsExactlyInAnyOrder("primary", "fail");
        }
    }

    // ------------------------------------------------------------------------------------------------

    @Nested
    class MetaSchema {

        @ParameterizedTest
        @ValueSource(strings = {"foobar_meta", "m", "Meta_2", "a$b", "123", "_"})
        void identifiersAreAccepted(String name) throws Exception {
            assertThat(parse("metaSchema=" + name).metaSchema()).isEqualTo(name);
        }

        @Test
        void sixtyFourCharactersAreAccepted() throws Exception {
            String name = "m".repeat(64);
            assertThat(parse("metaSchema=" + name).metaSchema()).isEqualTo(name);
        }

        @ParameterizedTest
        @ValueSource(strings = {"foo-bar", "a%20b", "x%60y", "meta;DROP", "a.b", "%27m%27", "", "%C3%A9t%C3%A9"})
        void nonIdentifiersAreRejected(String name) {
            rejected("metaSchema=" + name, "metaSchema");
        }

        @Test
        void sixtyFiveCharactersAreRejected() {
            rejected("metaSchema=" + "m".repeat(65), "metaSchema");
        }
    }

    // ------------------------------------------------------------------------------------------------

    @Nested
    class ReplicaWeights {

        @Test
        void weightsPerHost() throws Exception {
            FoobarConfig c = parse("loadBalance=weighted&replicaWeights=r1:3307=3,r2:3308=1");
            assertThat(c.replicaWeights()).containsExactlyInAnyOrderEntriesOf(
                    Map.of(new HostSpec("r1", 3307), 3, new HostSpec("r2", 3308), 1));
        }

        @Test
        void hostNamesCompareWithoutCaseAndSpacesAreIgnored() throws Exception {
            FoobarConfig c = parse("replicaWeights=R1:3307%20=%205%20,%20r2:3308=1000");
            assertThat(c.replicaWeights()).containsEntry(new HostSpec("r1", 3307), 5)
                    .containsEntry(new HostSpec("r2", 3308), 1000);
        }

        @Test
        void defaultPortWhenTheUrlUsesIt() throws Exception {
            FoobarConfig c = FoobarUrl.parse("jdbc:foobar://p,r1,r2/app?replicaWeights=r1=4", null);
            assertThat(c.replicaWeights()).containsExactly(Map.entry(new HostSpec("r1", 3306), 4));
        }

        @Test
        void emptyMeansNoWeights() throws Exception {
            assertThat(parse("replicaWeights=").replicaWeights()).isEmpty();
        }

        @Test
        void weightsAreImmutable() throws Exception {
            Map<HostSpec, Integer> w = parse("replicaWeights=r1:3307=2").replicaWeights();
            assertThat(catchThrowableOfType(UnsupportedOperationException.class,
                    () -> w.put(new HostSpec("r2", 3308), 1))).isNotNull();
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "other:3307=3",          // host not in the URL
                "r1:9999=3",             // port not in the URL
                "r1=3",                  // r1:3306 is not in the URL
                "r1:3307=3,nohost:1=1"})
        void unknownHostIsRejected(String weights) {
            InvalidConfigurationException e = rejected("replicaWeights=" + weights, "replicaWeights");
            assertThat(e.getMessage()).contains("host:port=weight");
        }

        @ParameterizedTest
        @ValueSource(strings = {
                "r1:3307=0", "r1:3307=-1", "r1:3307=abc", "r1:3307=", "r1:3307=1001", "r1:3307=2.5",
                "r1:3307", "r1:3307=3,r2:3308", "=3", "r1:3307=3,,r2:3308=1", "r1:70000=3"})
        void badWeightIsRejected(String weights) {
            rejected("replicaWeights=" + weights, "replicaWeights");
        }
    }

    // ------------------------------------------------------------------------------------------------

    @Nested
    class AdminCredentials {

        private static final String URL_WITH_ADMIN = HOSTS + "?adminUser=foobar_admin&adminPassword=" + ADMIN_SECRET;

        @Test
        void adminCredentialsAreUsedForTheMonitor() throws Exception {
            FoobarConfig c = FoobarUrl.parse(URL_WITH_ADMIN, props("user", "app", "password", "app-pw"));
            assertThat(c.adminUser()).isEqualTo("foobar_admin");
            assertThat(c.adminPassword()).isEqualTo(ADMIN_SECRET);
            assertThat(c.monitorUser()).isEqualTo("foobar_admin");
            Properties p = c.monitorProperties();
            assertThat(p.getProperty("user")).isEqualTo("foobar_admin");
            assertThat(p.getProperty("password")).isEqualTo(ADMIN_SECRET);
            // the application's own connections keep the application user
            Properties app = c.connectorProperties();
            assertThat(app.getProperty("user")).isEqualTo("app");
            assertThat(app.getProperty("password")).isEqualTo("app-pw");
        }

        @Test
        void adminUserWithoutPasswordDoesNotReuseTheApplicationPassword() throws Exception {
            FoobarConfig c = FoobarUrl.parse(HOSTS + "?adminUser=monitor", props("user", "app", "password", "app-pw"));
            Properties p = c.monitorProperties();
            assertThat(p.getProperty("user")).isEqualTo("monitor");
            assertThat(p.getProperty("password")).isNull();
        }

        @Test
        void adminPasswordNeverInToString() throws Exception {
            FoobarConfig c = FoobarUrl.parse(URL_WITH_ADMIN, props("user", "app", "password", "app-pw"));
            assertThat(c.toString()).doesNotContain(ADMIN_SECRET).doesNotContain("app-pw")
                    .contains("adminUser=foobar_admin").contains("adminPassword=****");
        }

        @Test
        void adminPasswordGivenAsPropertyNeverInToString() throws Exception {
            FoobarConfig c = FoobarUrl.parse(HOSTS, props("adminUser", "a", "adminPassword", ADMIN_SECRET));
            assertThat(c.toString()).doesNotContain(ADMIN_SECRET);
            assertThat(c.driverProperties()).doesNotContainKey("adminPassword");
        }

        @ParameterizedTest
        @ValueSource(strings = {"readFallback=nope", "replicaWeights=zz:1=1", "metaSchema=a-b", "failureThreshold=0",
                "loadBalance=x", "healthCheckIntervalMs=1", "connectTimeoutMs=-1"})
        void adminPasswordNeverInErrorMessages(String bad) {
            String query = "adminUser=foobar_admin&adminPassword=" + ADMIN_SECRET + "&" + bad;
            InvalidConfigurationException e = catchThrowableOfType(InvalidConfigurationException.class,
                    () -> parse(query));
            assertThat((Throwable) e).isNotNull();
            assertThat(e.getMessage()).doesNotContain(ADMIN_SECRET);
            assertThat(e.toString()).doesNotContain(ADMIN_SECRET);
        }

        @Test
        void adminPasswordNeverInMalformedUrlMessage() {
            String url = "jdbc:foobar:/p:3306/app?adminUser=a&adminPassword=" + ADMIN_SECRET;
            InvalidConfigurationException e = catchThrowableOfType(InvalidConfigurationException.class,
                    () -> FoobarUrl.parse(url, null));
            assertThat((Throwable) e).isNotNull();
            assertThat(e.getMessage()).doesNotContain(ADMIN_SECRET);
        }

        @Test
        void adminPasswordRedactedFromUrls() {
            assertThat(FoobarUrl.redact(URL_WITH_ADMIN)).doesNotContain(ADMIN_SECRET).contains("adminPassword=****");
            assertThat(FoobarUrl.isSecret("adminPassword")).isTrue();
            assertThat(FoobarUrl.isSecret("adminUser")).isFalse();
        }

        @Test
        void adminPasswordNotShownByGetPropertyInfo() throws Exception {
            DriverPropertyInfo[] info = new FoobarDriver().getPropertyInfo(URL_WITH_ADMIN, props("adminPassword", ADMIN_SECRET));
            assertThat(Arrays.stream(info).map(i -> i.name)).contains("adminUser", "adminPassword", "metaSchema",
                    "healthCheckIntervalMs", "failureThreshold", "recoveryThreshold", "maxReplicationLagMs",
                    "connectTimeoutMs", "replicaWeights", "readFallback");
            for (DriverPropertyInfo i : info) {
                assertThat(i.value).as(i.name).isNotEqualTo(ADMIN_SECRET);
                assertThat(i.description == null ? "" : i.description).doesNotContain(ADMIN_SECRET);
            }
        }
    }
}
