package com.foobar.jdbc.config;

import com.foobar.jdbc.topology.HostSpec;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Pure parsing and validation of {@code jdbc:foobar:} URLs and properties (no database).
 */
class FoobarUrlTest {

    private static final String SECRET = "S3cr3t-Pw!x";

    private static FoobarConfig parse(String url) throws InvalidConfigurationException {
        return FoobarUrl.parse(url, null);
    }

    private static Properties props(String... keyValues) {
        Properties p = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            p.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return p;
    }

    private static InvalidConfigurationException rejected(String url, Properties info) {
        InvalidConfigurationException e = catchThrowableOfType(InvalidConfigurationException.class,
                () -> FoobarUrl.parse(url, info));
        assertThat((Throwable) e).as("parse(%s) must be rejected", FoobarUrl.redact(url)).isNotNull();
        assertThat(e.getSQLState()).isEqualTo("08001");
        return e;
    }

    // ------------------------------------------------------------------ hosts, ports, database

    @Nested
    class Hosts {

        @Test
        void defaultPortIs3306() throws Exception {
            FoobarConfig c = parse("jdbc:foobar://db1.example.com/app");
            assertThat(c.hosts()).containsExactly(new HostSpec("db1.example.com", 3306));
            assertThat(c.database()).isEqualTo("app");
        }

        @Test
        void severalHostsKeepUrlOrder() throws Exception {
            FoobarConfig c = parse("jdbc:foobar://h3:3308,h1,h2:3307/app");
            assertThat(c.hosts()).containsExactly(
                    new HostSpec("h3", 3308), new HostSpec("h1", 3306), new HostSpec("h2", 3307));
        }

        @Test
        void whitespaceAroundHostsIsIgnored() throws Exception {
            FoobarConfig c = parse("jdbc:foobar://h1:3306, h2:3307/app");
            assertThat(c.hosts()).containsExactly(new HostSpec("h1", 3306), new HostSpec("h2", 3307));
        }

        @Test
        void ipv6InBrackets() throws Exception {
            FoobarConfig c = parse("jdbc:foobar://[::1]:3307,[fe80::1]/app");
            assertThat(c.hosts()).containsExactly(new HostSpec("::1", 3307), new HostSpec("fe80::1", 3306));
            assertThat(c.hosts().get(0).toString()).isEqualTo("[::1]:3307");
        }

        @Test
        void hostNamesAreCaseInsensitive() throws Exception {
            assertThat(parse("jdbc:foobar://DB1.Example.COM:3306/app").hosts())
                    .containsExactly(new HostSpec("db1.example.com", 3306));
        }

        @Test
        void noDatabaseWithTrailingSlash() throws Exception {
            FoobarConfig c = parse("jdbc:foobar://h/");
            assertThat(c.hosts()).containsExactly(new HostSpec("h", 3306));
            assertThat(c.database()).isEmpty();
        }

        @Test
        void noDatabaseWithoutSlash() throws Exception {
            FoobarConfig c = parse("jdbc:foobar://h");
            assertThat(c.hosts()).containsExactly(new HostSpec("h", 3306));
            assertThat(c.database()).isEmpty();
        }

        @Test
        void noDatabaseWithoutSlashButWithQuery() throws Exception {
            FoobarConfig c = parse("jdbc:foobar://h:3307?user=app");
            assertThat(c.hosts()).containsExactly(new HostSpec("h", 3307));
            assertThat(c.database()).isEmpty();
            assertThat(c.user()).isEqualTo("app");
        }

        @Test
        void prefixIsCaseInsensitive() throws Exception {
            assertThat(parse("JDBC:Foobar://h/app").hosts()).containsExactly(new HostSpec("h", 3306));
        }
    }

    // ------------------------------------------------------------------ properties

    @Nested
    class PropertyParsing {

        @Test
        void valuesArePercentDecoded() throws Exception {
            FoobarConfig c = parse("jdbc:foobar://h/my%20db?user=a%40b&password=p%26w%3D%C3%A9"
                    + "&connectionAttributes=k%3Av%2Cx%3Ay");
            assertThat(c.database()).isEqualTo("my db");
            assertThat(c.user()).isEqualTo("a@b");
            assertThat(c.password()).isEqualTo("p&w=\u00e9");
            assertThat(c.driverProperties()).containsEntry("connectionAttributes", "k:v,x:y");
        }

        @Test
        void userAndPasswordFromUrl() throws Exception {
            FoobarConfig c = parse("jdbc:foobar://h/app?user=app&password=" + SECRET);
            assertThat(c.user()).isEqualTo("app");
            assertThat(c.password()).isEqualTo(SECRET);
            assertThat(c.driverProperties()).doesNotContainKeys("user", "password");
        }

        @Test
        void userAndPasswordFromProperties() throws Exception {
            FoobarConfig c = FoobarUrl.parse("jdbc:foobar://h/app", props("user", "app", "password", SECRET));
            assertThat(c.user()).isEqualTo("app");
            assertThat(c.password()).isEqualTo(SECRET);
            assertThat(c.driverProperties()).doesNotContainKeys("user", "password");
        }

        @Test
        void noUserNoPassword() throws Exception {
            FoobarConfig c = parse("jdbc:foobar://h/app");
            assertThat(c.user()).isNull();
            assertThat(c.password()).isNull();
            assertThat(c.connectorProperties()).doesNotContainKeys("user", "password");
        }

        @Test
        void urlWinsOverProperties() throws Exception {
            FoobarConfig c = FoobarUrl.parse("jdbc:foobar://h/app?user=fromUrl&password=urlPw&useSSL=false"
                            + "&maxConnectionsPerHost=3",
                    props("user", "fromProps", "password", "propsPw", "useSSL", "true",
                            "maxConnectionsPerHost", "7", "connectTimeout", "5000"));
            assertThat(c.user()).isEqualTo("fromUrl");
            assertThat(c.password()).isEqualTo("urlPw");
            assertThat(c.maxConnectionsPerHost()).isEqualTo(3);
            assertThat(c.driverProperties()).containsEntry("useSSL", "false").containsEntry("connectTimeout", "5000");
        }

        @Test
        void userFromPropertiesPasswordFromUrl() throws Exception {
            FoobarConfig c = FoobarUrl.parse("jdbc:foobar://h/app?password=urlPw", props("user", "fromProps"));
            assertThat(c.user()).isEqualTo("fromProps");
            assertThat(c.password()).isEqualTo("urlPw");
        }

        @Test
        void propertiesWithDefaultsAreRead() throws Exception {
            Properties defaults = props("user", "app", "maxConnectionsPerHost", "4");
            FoobarConfig c = FoobarUrl.parse("jdbc:foobar://h/app", new Properties(defaults));
            assertThat(c.user()).isEqualTo("app");
            assertThat(c.maxConnectionsPerHost()).isEqualTo(4);
        }

        @Test
        void callersPropertiesAreNotModified() throws Exception {
            Properties info = props("user", "app", "password", SECRET, "maxConnectionsPerHost", "5",
                    "loadBalance", "roundRobin", "useSSL", "false");
            Properties copy = new Properties();
            copy.putAll(info);
            FoobarConfig c = FoobarUrl.parse("jdbc:foobar://h/app?user=other&connectTimeout=100", info);
            assertThat(info).isEqualTo(copy);
            // nor does changing it afterwards change the config
            info.setProperty("useSSL", "true");
            info.setProperty("extra", "1");
            assertThat(c.driverProperties()).containsEntry("useSSL", "false").doesNotContainKey("extra");
        }

        @Test
        void ourPropertiesDefaults() throws Exception {
            FoobarConfig c = parse("jdbc:foobar://h/app");
            assertThat(c.maxConnectionsPerHost()).isEqualTo(10);
            assertThat(c.connectionAcquireTimeoutMs()).isEqualTo(30_000L);
            assertThat(c.healthCheckTimeoutMs()).isEqualTo(1_000L);
            assertThat(c.loadBalance()).isEqualTo(LoadBalance.ROUND_ROBIN);
            assertThat(c.driverProperties()).isEmpty();
        }

        @Test
        void ourPropertiesParsed() throws Exception {
            FoobarConfig c = parse("jdbc:foobar://h/app?maxConnectionsPerHost=25&connectionAcquireTimeoutMs=250"
                    + "&healthCheckTimeoutMs=1&loadBalance=leastConnections");
            assertThat(c.maxConnectionsPerHost()).isEqualTo(25);
            assertThat(c.connectionAcquireTimeoutMs()).isEqualTo(250L);
            assertThat(c.healthCheckTimeoutMs()).isEqualTo(1L);
            assertThat(c.loadBalance()).isEqualTo(LoadBalance.LEAST_CONNECTIONS);
        }

        @Test
        void ourPropertiesFromProperties() throws Exception {
            FoobarConfig c = FoobarUrl.parse("jdbc:foobar://h/app", props("maxConnectionsPerHost", "2",
                    "connectionAcquireTimeoutMs", "1500", "healthCheckTimeoutMs", "300", "loadBalance", "roundRobin"));
            assertThat(c.maxConnectionsPerHost()).isEqualTo(2);
            assertThat(c.connectionAcquireTimeoutMs()).isEqualTo(1500L);
            assertThat(c.healthCheckTimeoutMs()).isEqualTo(300L);
        }

        @ParameterizedTest
        @ValueSource(strings = {"roundRobin", "ROUNDROBIN", "roundrobin", "RoundRobin", "%20roundRobin%20"})
        void loadBalanceValueIsCaseInsensitive(String value) throws Exception {
            assertThat(parse("jdbc:foobar://h/app?loadBalance=" + value).loadBalance())
                    .isEqualTo(LoadBalance.ROUND_ROBIN);
        }

        @Test
        void otherPropertiesPassThroughUnchanged() throws Exception {
            FoobarConfig c = FoobarUrl.parse(
                    "jdbc:foobar://h/app?user=app&password=" + SECRET + "&useSSL=false&sslMode=DISABLED"
                            + "&connectTimeout=2000&rewriteBatchedStatements=true&emptyValue=&noEquals"
                            + "&maxConnectionsPerHost=4",
                    props("cachePrepStmts", "true", "socketTimeout", "  60000 ", "MaxConnectionsPerHost", "x"));
            Map<String, String> expected = Map.of(
                    "useSSL", "false",
                    "sslMode", "DISABLED",
                    "connectTimeout", "2000",
                    "rewriteBatchedStatements", "true",
                    "emptyValue", "",
                    "noEquals", "",
                    "cachePrepStmts", "true",
                    "socketTimeout", "  60000 ",
                    // property names are case-sensitive: this one is not ours and passes through
                    "MaxConnectionsPerHost", "x");
            assertThat(c.driverProperties()).isEqualTo(expected);

            Properties cj = c.connectorProperties();
            Properties expectedCj = new Properties();
            expectedCj.putAll(expected);
            expectedCj.setProperty("user", "app");
            expectedCj.setProperty("password", SECRET);
            expectedCj.setProperty(FoobarConfig.USE_LOCAL_SESSION_STATE, "true");
            assertThat(cj).isEqualTo(expectedCj);
            assertThat(cj).doesNotContainKeys("maxConnectionsPerHost", "connectionAcquireTimeoutMs",
                    "healthCheckTimeoutMs", "loadBalance");
        }

        @Test
        void useLocalSessionStateDefaultsToTrueButTheApplicationWins() throws Exception {
            assertThat(parse("jdbc:foobar://h/app").connectorProperties())
                    .containsEntry("useLocalSessionState", "true");
            Properties given = parse("jdbc:foobar://h/app?uselocalsessionstate=false").connectorProperties();
            assertThat(given).containsEntry("uselocalsessionstate", "false").doesNotContainKey("useLocalSessionState");
        }

        @Test
        void connectorPropertiesIsAFreshCopyEachTime() throws Exception {
            FoobarConfig c = parse("jdbc:foobar://h/app?user=app&useSSL=false");
            Properties first = c.connectorProperties();
            first.setProperty("useSSL", "true");
            first.setProperty("connectTimeout", "1");
            assertThat(c.connectorProperties()).containsEntry("useSSL", "false").doesNotContainKey("connectTimeout");
            assertThat(c.driverProperties()).containsEntry("useSSL", "false").doesNotContainKey("connectTimeout");
        }
    }

    // ------------------------------------------------------------------ rejections

    static Stream<Arguments> invalidUrls() {
        return Stream.of(
                // url, text the message must contain (the property or what was expected)
                Arguments.of("jdbc:mysql://h/app", "jdbc:foobar:"),
                Arguments.of("jdbc:foobar:h/app", "jdbc:foobar:"),
                Arguments.of("jdbc:foobar:/h/app", "jdbc:foobar:"),
                Arguments.of("jdbc:foobar://", "host"),
                Arguments.of("jdbc:foobar:///app", "host"),
                Arguments.of("jdbc:foobar://?user=app", "host"),
                Arguments.of("jdbc:foobar://h1,,h2/app", "host"),
                Arguments.of("jdbc:foobar://h1,/app", "host"),
                Arguments.of("jdbc:foobar://,h1/app", "host"),
                Arguments.of("jdbc:foobar://:3306/app", "host"),
                Arguments.of("jdbc:foobar://[::1/app", "host"),
                Arguments.of("jdbc:foobar://h:0/app", "port"),
                Arguments.of("jdbc:foobar://h:65536/app", "port"),
                Arguments.of("jdbc:foobar://h:abc/app", "port"),
                Arguments.of("jdbc:foobar://h:-1/app", "port"),
                Arguments.of("jdbc:foobar://h:/app", "port"),
                Arguments.of("jdbc:foobar://[::1]:0/app", "port"),
                Arguments.of("jdbc:foobar://h1:3306,h1:3306/app", "host"),
                Arguments.of("jdbc:foobar://h1,h1:3306/app", "host"),
                Arguments.of("jdbc:foobar://db1.example.com,DB1.Example.COM/app", "host"),
                Arguments.of("jdbc:foobar://h1:3307,H1:3307/app", "host"),
                Arguments.of("jdbc:foobar://[::1],[::1]:3306/app", "host"),
                Arguments.of("jdbc:foobar://h/app?loadBalance=random", "loadBalance"),
                Arguments.of("jdbc:foobar://h/app?loadBalance=", "loadBalance"),
                Arguments.of("jdbc:foobar://h/app?healthCheckTimeoutMs=-1", "healthCheckTimeoutMs"),
                Arguments.of("jdbc:foobar://h/app?healthCheckTimeoutMs=abc", "healthCheckTimeoutMs"),
                Arguments.of("jdbc:foobar://h/app?connectionAcquireTimeoutMs=-1", "connectionAcquireTimeoutMs"),
                Arguments.of("jdbc:foobar://h/app?connectionAcquireTimeoutMs=249", "connectionAcquireTimeoutMs"),
                Arguments.of("jdbc:foobar://h/app?connectionAcquireTimeoutMs=0", "connectionAcquireTimeoutMs"),
                Arguments.of("jdbc:foobar://h/app?maxConnectionsPerHost=0", "maxConnectionsPerHost"),
                Arguments.of("jdbc:foobar://h/app?maxConnectionsPerHost=-3", "maxConnectionsPerHost"),
                Arguments.of("jdbc:foobar://h/app?maxConnectionsPerHost=ten", "maxConnectionsPerHost"),
                Arguments.of("jdbc:foobar://h/app?maxConnectionsPerHost=2147483648", "maxConnectionsPerHost"),
                Arguments.of("jdbc:foobar://h/app?maxConnectionsPerHost=1.5", "maxConnectionsPerHost"));
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("invalidUrls")
    void invalidUrlIsRejectedWith08001NamingTheProperty(String url, String named) {
        InvalidConfigurationException e = rejected(url, null);
        assertThat(e.getMessage()).contains(named);
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("invalidUrls")
    void passwordNeverInRejectionMessage(String url) {
        String withPassword = url + (url.contains("?") ? "&" : "?") + "user=app&password=" + SECRET;
        InvalidConfigurationException fromUrl = rejected(withPassword, null);
        assertThat(fromUrl.getMessage()).doesNotContainIgnoringCase(SECRET);
        assertThat(String.valueOf(fromUrl)).doesNotContainIgnoringCase(SECRET);

        InvalidConfigurationException fromProps = rejected(url, props("user", "app", "password", SECRET));
        assertThat(fromProps.getMessage()).doesNotContainIgnoringCase(SECRET);
    }

    @Test
    void invalidValueInPropertiesIsRejectedToo() {
        InvalidConfigurationException e = rejected("jdbc:foobar://h/app", props("healthCheckTimeoutMs", "-5"));
        assertThat(e.getMessage()).contains("healthCheckTimeoutMs");
        e = rejected("jdbc:foobar://h/app", props("loadBalance", "leastConnection"));
        assertThat(e.getMessage()).contains("loadBalance").contains("roundRobin, leastConnections, weighted, fastest");
    }

    @Test
    void malformedPercentEncodingOfPasswordNamesThePropertyNotTheValue() {
        InvalidConfigurationException e = rejected("jdbc:foobar://h/app?password=" + SECRET + "%zz", null);
        assertThat(e.getMessage()).contains("password").doesNotContain(SECRET);
    }

    @Test
    void nullUrlIsRejected() {
        assertThatThrownBy(() -> FoobarUrl.parse(null, null))
                .isInstanceOf(InvalidConfigurationException.class)
                .extracting(e -> ((InvalidConfigurationException) e).getSQLState()).isEqualTo("08001");
    }

    // ------------------------------------------------------------------ secrets

    @Test
    void passwordNotInConfigToString() throws Exception {
        FoobarConfig c = FoobarUrl.parse("jdbc:foobar://h/app?user=app", props("password", SECRET));
        assertThat(c.toString()).doesNotContain(SECRET).contains("****").contains("app");
        assertThat(c.clusterName()).doesNotContain(SECRET);
        FoobarConfig fromUrl = parse("jdbc:foobar://h/app?user=app&password=" + SECRET);
        assertThat(fromUrl.toString()).doesNotContain(SECRET);
        assertThat(fromUrl.clusterName()).doesNotContain(SECRET);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "jdbc:foobar://h/app?password=" + SECRET,
            "jdbc:foobar://h/app?user=app&password=" + SECRET,
            "jdbc:foobar://h/app?user=app&password=" + SECRET + "&useSSL=false",
            "jdbc:foobar://h/app?user=app&PASSWORD=" + SECRET,
            "jdbc:foobar://h/app?user=app&Password=" + SECRET + "&password=" + SECRET,
            "jdbc:mysql://h/app?password=" + SECRET,
            "jdbc:foobar://h/app?user=app&password=S3cr3t-Pw%21x"})
    void redactHidesPassword(String url) {
        String redacted = FoobarUrl.redact(url);
        assertThat(redacted).doesNotContain(SECRET).doesNotContain("S3cr3t-Pw%21x").contains("****");
        assertThat(redacted).startsWith(url.substring(0, url.indexOf('?')));
    }

    @Test
    void redactKeepsOtherProperties() {
        assertThat(FoobarUrl.redact("jdbc:foobar://h/app?user=app&password=" + SECRET + "&useSSL=false"))
                .isEqualTo("jdbc:foobar://h/app?user=app&password=****&useSSL=false");
        assertThat(FoobarUrl.redact("jdbc:foobar://h/app?user=app")).isEqualTo("jdbc:foobar://h/app?user=app");
        assertThat(FoobarUrl.redact(null)).isNull();
    }

    /**
     * Connector/J accepts {@code user:password@host} in the authority. Foobar need not support it, but
     * whether it rejects or accepts such a URL the password must not end up in a message, toString or
     * cluster name (used in logs and thread names).
     */
    @ParameterizedTest
    @ValueSource(strings = {"jdbc:foobar://app:" + SECRET + "@h1/app", "jdbc:foobar://app:" + SECRET + "@h1:3306/app"})
    void passwordInUrlUserInfoNeverLeaks(String url) {
        try {
            FoobarConfig c = parse(url);
            assertThat(c.toString()).doesNotContainIgnoringCase(SECRET);
            assertThat(c.clusterName()).doesNotContainIgnoringCase(SECRET);
            assertThat(c.hosts().toString()).doesNotContainIgnoringCase(SECRET);
        } catch (InvalidConfigurationException e) {
            assertThat(e.getSQLState()).isEqualTo("08001");
            assertThat(e.getMessage()).doesNotContainIgnoringCase(SECRET);
        }
    }

    @Test
    void redactHidesPasswordInUrlUserInfo() {
        assertThat(FoobarUrl.redact("jdbc:foobar://app:" + SECRET + "@h1:3306/app")).doesNotContain(SECRET);
    }

    /**
     * Connector/J matches property names case-insensitively ({@code PASSWORD} in the properties is the
     * password), so a case-variant of {@code password} that passes through is still the password.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PASSWORD", "Password"})
    void caseVariantOfPasswordNotInConfigToString(String key) throws Exception {
        FoobarConfig fromProps = FoobarUrl.parse("jdbc:foobar://h/app?user=app", props(key, SECRET));
        assertThat(fromProps.toString()).doesNotContain(SECRET);
        FoobarConfig fromUrl = parse("jdbc:foobar://h/app?user=app&" + key + "=" + SECRET);
        assertThat(fromUrl.toString()).doesNotContain(SECRET);
    }

    /** Connector/J's other password properties (multi-factor authentication, key stores) are passwords too. */
    @ParameterizedTest
    @ValueSource(strings = {"password1", "password2", "password3", "trustCertificateKeyStorePassword",
            "clientCertificateKeyStorePassword"})
    void otherConnectorJPasswordsNotInToStringNorRedactedUrl(String key) throws Exception {
        FoobarConfig c = parse("jdbc:foobar://h/app?user=app&" + key + "=" + SECRET);
        assertThat(c.driverProperties()).containsEntry(key, SECRET); // still passed to Connector/J
        assertThat(c.toString()).doesNotContain(SECRET);
        assertThat(FoobarUrl.redact("jdbc:foobar://h/app?user=app&" + key + "=" + SECRET)).doesNotContain(SECRET);
    }

    // ------------------------------------------------------------------ accepts

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:foobar://h/app", "jdbc:foobar:", "JDBC:FOOBAR://h/app", "Jdbc:FooBar:x"})
    void acceptsOurPrefix(String url) {
        assertThat(FoobarUrl.accepts(url)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:mysql://h/app", "jdbc:mariadb://h/app", "jdbc:foobar", "jdbc:foobarx://h/app",
            " jdbc:foobar://h/app", "foobar://h/app", ""})
    void rejectsOtherPrefixes(String url) {
        assertThat(FoobarUrl.accepts(url)).isFalse();
    }

    @Test
    void rejectsNull() {
        assertThat(FoobarUrl.accepts(null)).isFalse();
    }

    // ------------------------------------------------------------------ equality (cluster sharing)

    @Test
    void equalSettingsGiveEqualConfigs() throws Exception {
        String url = "jdbc:foobar://h1:3306,h2:3307/app?user=app&password=" + SECRET + "&useSSL=false";
        FoobarConfig a = parse(url);
        FoobarConfig b = parse(url);
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);

        // the same settings written differently are the same cluster
        FoobarConfig c = FoobarUrl.parse("jdbc:foobar://H1,h2:3307/app?useSSL=false&maxConnectionsPerHost=10",
                props("user", "app", "password", SECRET, "loadBalance", "ROUNDROBIN"));
        assertThat(c).isEqualTo(a).hasSameHashCodeAs(a);
    }

    @Test
    void configsDifferWhenThePasswordDiffers() throws Exception {
        FoobarConfig a = FoobarUrl.parse("jdbc:foobar://h/app", props("user", "app", "password", SECRET));
        FoobarConfig b = FoobarUrl.parse("jdbc:foobar://h/app", props("user", "app", "password", SECRET + "2"));
        FoobarConfig none = FoobarUrl.parse("jdbc:foobar://h/app", props("user", "app"));
        assertThat(a).isNotEqualTo(b).isNotEqualTo(none);
        assertThat(a.toString()).isEqualTo(b.toString()); // yet toString cannot tell them apart
    }

    @Test
    void configsDifferInAnySetting() throws Exception {
        FoobarConfig base = parse("jdbc:foobar://h1,h2/app?user=app");
        for (String other : List.of(
                "jdbc:foobar://h2,h1/app?user=app",
                "jdbc:foobar://h1,h2/other?user=app",
                "jdbc:foobar://h1,h2/app?user=other",
                "jdbc:foobar://h1,h2/app?user=app&useSSL=false",
                "jdbc:foobar://h1,h2/app?user=app&maxConnectionsPerHost=11",
                "jdbc:foobar://h1,h2/app?user=app&connectionAcquireTimeoutMs=30001",
                "jdbc:foobar://h1,h2/app?user=app&healthCheckTimeoutMs=999")) {
            assertThat(parse(other)).as(other).isNotEqualTo(base);
        }
    }
}
