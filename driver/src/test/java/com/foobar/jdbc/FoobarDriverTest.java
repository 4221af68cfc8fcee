package com.foobar.jdbc;

import com.foobar.jdbc.config.FoobarProperty;
import com.foobar.jdbc.config.FoobarUrl;
import com.foobar.jdbc.config.InvalidConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The {@link java.sql.Driver} surface that needs no database.
 */
class FoobarDriverTest {

    private static final String SECRET = "S3cr3t-Pw!x";

    private final FoobarDriver driver = new FoobarDriver();

    private static Map<String, DriverPropertyInfo> byName(DriverPropertyInfo[] infos) {
        return Arrays.stream(infos).collect(Collectors.toMap(i -> i.name, Function.identity()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:foobar://h/db", "jdbc:foobar://h1:3306,h2:3307/db?user=app", "JDBC:FOOBAR://h/db",
            "jdbc:foobar:"})
    void acceptsOurUrls(String url) throws SQLException {
        assertThat(driver.acceptsURL(url)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:mysql://h/db", "jdbc:mariadb://h/db", "jdbc:foobar", "jdbc:foobarx://h/db", ""})
    void rejectsForeignUrls(String url) throws SQLException {
        assertThat(driver.acceptsURL(url)).isFalse();
    }

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:mysql://h/db", "jdbc:mariadb://h/db", "jdbc:postgresql://h/db", "jdbc:foobarx://h/db"})
    void connectReturnsNullForForeignUrls(String url) throws SQLException {
        assertThat(driver.connect(url, new Properties())).isNull();
        assertThat(driver.connect(url, null)).isNull();
        // even with settings that would be invalid for us
        Properties bad = new Properties();
        bad.setProperty("maxConnectionsPerHost", "0");
        assertThat(driver.connect(url, bad)).isNull();
    }

    /** JDBC 4.3 {@code Driver.connect}: "SQLException - if ... the url is null". */
    @Test
    void connectWithNullUrlThrowsSqlException() {
        assertThatThrownBy(() -> driver.connect(null, new Properties())).isInstanceOf(SQLException.class);
    }

    @Test
    void connectWithInvalidSettingsFails08001WithoutNetwork() {
        Properties info = new Properties();
        info.setProperty("password", SECRET);
        InvalidConfigurationException e = catchThrowableOfType(InvalidConfigurationException.class,
                () -> driver.connect("jdbc:foobar://h:0/db?user=app&password=" + SECRET, info));
        assertThat((Throwable) e).isNotNull();
        assertThat(e.getSQLState()).isEqualTo("08001");
        assertThat(e.getMessage()).contains("port").doesNotContain(SECRET);

        e = catchThrowableOfType(InvalidConfigurationException.class,
                () -> driver.connect("jdbc:foobar://h/db?loadBalance=random", info));
        assertThat((Throwable) e).isNotNull();
        assertThat(e.getSQLState()).isEqualTo("08001");
        assertThat(e.getMessage()).contains("loadBalance").doesNotContain(SECRET);
    }

    @Test
    void propertyInfoListsEveryPropertyWithDefaultDescriptionAndChoices() throws SQLException {
        DriverPropertyInfo[] infos = driver.getPropertyInfo("jdbc:foobar://h/db", new Properties());
        Map<String, DriverPropertyInfo> byName = byName(infos);
        assertThat(infos).hasSize(FoobarProperty.values().length + 2);
        assertThat(byName).containsKeys("user", "password");
        for (FoobarProperty p : FoobarProperty.values()) {
            DriverPropertyInfo pi = byName.get(p.propertyName());
            assertThat(pi).as(p.propertyName()).isNotNull();
            assertThat(pi.value).as(p.propertyName()).isEqualTo(FoobarUrl.isSecret(p.propertyName()) ? null : p.defaultValue());
            assertThat(pi.description).as(p.propertyName()).contains(p.description());
            assertThat(pi.choices).as(p.propertyName()).isEqualTo(p.choices());
            assertThat(pi.required).as(p.propertyName()).isFalse();
        }
        assertThat(byName.get("loadBalance").choices).containsExactly("roundRobin", "leastConnections", "weighted",
                "fastest");
        assertThat(byName.get("readFallback").choices).containsExactly("primary", "fail");
        assertThat(byName.get("loadBalance").value).isEqualTo("roundRobin");
        assertThat(byName.get("maxConnectionsPerHost").value).isEqualTo("10");
        assertThat(byName.get("connectionAcquireTimeoutMs").value).isEqualTo("30000");
        assertThat(byName.get("healthCheckTimeoutMs").value).isEqualTo("1000");
        assertThat(byName.get("maxConnectionsPerHost").choices).isNull();
        assertThat(byName.get("user").description).isNotBlank();
        assertThat(byName.get("password").description).isNotBlank();
        assertThat(byName.get("user").value).isNull();
    }

    @Test
    void propertyInfoWithNullUrlAndInfo() throws SQLException {
        Map<String, DriverPropertyInfo> byName = byName(driver.getPropertyInfo(null, null));
        assertThat(byName.get("maxConnectionsPerHost").value).isEqualTo("10");
    }

    @Test
    void propertyInfoReflectsGivenValuesAndNeverEchoesThePassword() throws SQLException {
        Properties info = new Properties();
        info.setProperty("user", "fromProps");
        info.setProperty("password", SECRET);
        info.setProperty("healthCheckTimeoutMs", "500");
        info.setProperty("maxConnectionsPerHost", "3");
        DriverPropertyInfo[] infos = driver.getPropertyInfo(
                "jdbc:foobar://h/db?user=app&password=" + SECRET + "&maxConnectionsPerHost=5&loadBalance=ROUNDROBIN",
                info);
        Map<String, DriverPropertyInfo> byName = byName(infos);
        assertThat(byName.get("user").value).isEqualTo("app");                  // URL wins
        assertThat(byName.get("maxConnectionsPerHost").value).isEqualTo("5");   // URL wins
        assertThat(byName.get("healthCheckTimeoutMs").value).isEqualTo("500");  // from Properties
        assertThat(byName.get("connectionAcquireTimeoutMs").value).isEqualTo("30000");
        assertThat(byName.get("loadBalance").value).isEqualToIgnoringCase("roundRobin");
        for (DriverPropertyInfo pi : infos) {
            assertThat(pi.value).as(pi.name).isNotEqualTo(SECRET);
            assertThat(String.valueOf(pi.value)).as(pi.name).doesNotContain(SECRET);
            assertThat(String.valueOf(pi.description)).as(pi.name).doesNotContain(SECRET);
        }
        assertThat(byName.get("password").value).isNull();
        // the caller's Properties is not modified
        assertThat(info).hasSize(4).containsEntry("user", "fromProps").containsEntry("maxConnectionsPerHost", "3");
    }

    /** The values shown are the ones the driver will use: the URL's values are percent-decoded. */
    @Test
    void propertyInfoShowsPercentDecodedUrlValues() throws SQLException {
        Map<String, DriverPropertyInfo> byName = byName(
                driver.getPropertyInfo("jdbc:foobar://h/db?user=a%40b&maxConnectionsPerHost=%37", null));
        assertThat(byName.get("user").value).isEqualTo("a@b");
        assertThat(byName.get("maxConnectionsPerHost").value).isEqualTo("7");
    }

    @Test
    void registeredThroughServiceLoader() {
        assertThat(StreamSupport.stream(ServiceLoader.load(Driver.class).spliterator(), false))
                .anyMatch(d -> d instanceof FoobarDriver);
    }

    @Test
    void serviceFileNamesTheDriver() {
        assertThat(ServiceLoader.load(Driver.class).stream().map(ServiceLoader.Provider::type))
                .contains(FoobarDriver.class);
    }

    @Test
    void driverManagerFindsTheDriver() throws SQLException {
        assertThat(DriverManager.getDriver("jdbc:foobar://h/db")).isInstanceOf(FoobarDriver.class);
        assertThat(DriverManager.getDriver("jdbc:foobar://h1:3306,h2:3306/db?user=app"))
                .isInstanceOf(FoobarDriver.class);
    }

    @Test
    void driverManagerDoesNotGiveOurDriverForForeignUrls() throws SQLException {
        assertThat(DriverManager.drivers()).anyMatch(d -> d instanceof FoobarDriver);
        try {
            assertThat(DriverManager.getDriver("jdbc:mysql://h/db")).isNotInstanceOf(FoobarDriver.class);
        } catch (SQLException noSuitableDriver) {
            // acceptable: Connector/J not registered in this JVM
        }
    }

    @Test
    void notJdbcCompliant() {
        assertThat(driver.jdbcCompliant()).isFalse();
    }

    @Test
    void versions() {
        assertThat(driver.getMajorVersion()).isEqualTo(0);
        assertThat(driver.getMinorVersion()).isEqualTo(1);
        assertThat(FoobarDriver.VERSION).isEqualTo(driver.getMajorVersion() + "." + driver.getMinorVersion());
    }
}
