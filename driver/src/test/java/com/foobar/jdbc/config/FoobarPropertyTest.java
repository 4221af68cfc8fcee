package com.foobar.jdbc.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registry of the driver's own properties (no database).
 */
class FoobarPropertyTest {

    @ParameterizedTest
    @EnumSource(FoobarProperty.class)
    void byNameFindsEveryProperty(FoobarProperty p) {
        assertThat(FoobarProperty.byName(p.propertyName())).isSameAs(p);
    }

    @Test
    void byNameOfTheDocumentedNames() {
        assertThat(FoobarProperty.byName("maxConnectionsPerHost")).isSameAs(FoobarProperty.MAX_CONNECTIONS_PER_HOST);
        assertThat(FoobarProperty.byName("connectionAcquireTimeoutMs"))
                .isSameAs(FoobarProperty.CONNECTION_ACQUIRE_TIMEOUT_MS);
        assertThat(FoobarProperty.byName("healthCheckTimeoutMs")).isSameAs(FoobarProperty.HEALTH_CHECK_TIMEOUT_MS);
        assertThat(FoobarProperty.byName("loadBalance")).isSameAs(FoobarProperty.LOAD_BALANCE);
    }

    @ParameterizedTest
    @ValueSource(strings = {"user", "password", "useSSL", "connectTimeout", "MAXCONNECTIONSPERHOST",
            "maxconnectionsperhost", "loadbalance", "", "MAX_CONNECTIONS_PER_HOST"})
    void byNameOfOtherNamesIsNull(String name) {
        assertThat(FoobarProperty.byName(name)).isNull();
    }

    @Test
    void choicesNullForNonEnumeratedProperties() {
        assertThat(FoobarProperty.MAX_CONNECTIONS_PER_HOST.choices()).isNull();
        assertThat(FoobarProperty.CONNECTION_ACQUIRE_TIMEOUT_MS.choices()).isNull();
        assertThat(FoobarProperty.HEALTH_CHECK_TIMEOUT_MS.choices()).isNull();
    }

    @Test
    void loadBalanceChoicesAreTheLoadBalanceValues() {
        assertThat(FoobarProperty.LOAD_BALANCE.choices())
                .containsExactly(Arrays.stream(LoadBalance.values()).map(LoadBalance::propertyValue)
                        .toArray(String[]::new))
                .contains("roundRobin");
    }

    @Test
    void choicesIsADefensiveCopy() {
        String[] choices = FoobarProperty.LOAD_BALANCE.choices();
        choices[0] = "tampered";
        assertThat(FoobarProperty.LOAD_BALANCE.choices()).doesNotContain("tampered");
    }

    @ParameterizedTest
    @EnumSource(FoobarProperty.class)
    void everyPropertyHasNameDescriptionAndParsableDefault(FoobarProperty p) throws Exception {
        assertThat(p.propertyName()).isNotBlank();
        assertThat(p.description()).isNotBlank();
        if (!java.util.Set.of(FoobarProperty.ADMIN_USER, FoobarProperty.ADMIN_PASSWORD, FoobarProperty.REPLICA_WEIGHTS,
                FoobarProperty.REPLICATION_USER, FoobarProperty.REPLICATION_PASSWORD).contains(p)) {
            assertThat(p.defaultValue()).isNotBlank();
            assertThat(p.parse(p.defaultValue())).isNotNull();
        }
        if (p.choices() != null) {
            assertThat(p.choices()).contains(p.defaultValue());
        }
    }

    @Test
    void defaultsAreTheDocumentedOnes() throws Exception {
        assertThat(FoobarProperty.MAX_CONNECTIONS_PER_HOST.parse(FoobarProperty.MAX_CONNECTIONS_PER_HOST.defaultValue()))
                .isEqualTo(10);
        assertThat(FoobarProperty.CONNECTION_ACQUIRE_TIMEOUT_MS.parse(
                FoobarProperty.CONNECTION_ACQUIRE_TIMEOUT_MS.defaultValue())).isEqualTo(30_000L);
        assertThat(FoobarProperty.HEALTH_CHECK_TIMEOUT_MS.parse(FoobarProperty.HEALTH_CHECK_TIMEOUT_MS.defaultValue()))
                .isEqualTo(1_000L);
        assertThat(FoobarProperty.LOAD_BALANCE.parse(FoobarProperty.LOAD_BALANCE.defaultValue()))
                .isEqualTo(LoadBalance.ROUND_ROBIN);
    }

    @Test
    void defaultsPassFullValidation() throws Exception {
        // the defaults must also pass the checks FoobarUrl adds on top (connectionAcquireTimeoutMs >= 250)
        FoobarConfig c = FoobarUrl.parse("jdbc:foobar://h/db", null);
        assertThat(c.maxConnectionsPerHost()).isEqualTo(10);
        assertThat(c.connectionAcquireTimeoutMs()).isEqualTo(30_000L);
        assertThat(c.healthCheckTimeoutMs()).isEqualTo(1_000L);
        assertThat(c.loadBalance()).isEqualTo(LoadBalance.ROUND_ROBIN);
    }

    @Test
    void propertyNamesAreUniqueAndNotUserOrPassword() {
        assertThat(Arrays.stream(FoobarProperty.values()).map(FoobarProperty::propertyName))
                .doesNotHaveDuplicates()
                .doesNotContain("user", "password");
    }
}
