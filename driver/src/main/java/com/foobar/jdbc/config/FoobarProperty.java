package com.foobar.jdbc.config;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every property the driver itself understands: name, default, one-line description and allowed
 * values. Parsing, validation and {@link java.sql.Driver#getPropertyInfo} all come from this one
 * registry. Any property that is not listed here (and is not {@code user} or {@code password}) is
 * passed unchanged to MySQL Connector/J for every physical connection.
 *
 * <p>Immutable and thread-safe.
 */
public enum FoobarProperty {

    /** Size of the driver's own pool of physical connections to each host. */
    MAX_CONNECTIONS_PER_HOST("maxConnectionsPerHost", "10", Kind.POSITIVE_INT,
            "Most physical connections the driver keeps open to each host (one pool per host, shared by every connection to the cluster)."),

    /** How long a statement waits for a free physical connection. */
    CONNECTION_ACQUIRE_TIMEOUT_MS("connectionAcquireTimeoutMs", "30000", Kind.DURATION_MS,
            "Milliseconds a statement waits for a free physical connection to its host before failing with SQLState 08001 (at least 250)."),

    /** Connect and read timeout of the topology probes. */
    HEALTH_CHECK_TIMEOUT_MS("healthCheckTimeoutMs", "1000", Kind.DURATION_MS,
            "Milliseconds a topology probe may take to connect to one host and read its role before the host counts as unreachable."),

    /** The replica balancing strategy. */
    LOAD_BALANCE("loadBalance", LoadBalance.ROUND_ROBIN.propertyValue(), Kind.LOAD_BALANCE,
            "How reads are spread over the eligible replicas: " + Kind.LOAD_BALANCE.choices() + ".");

    /** The kinds of value, each with its own parsing rule. */
    enum Kind {
        POSITIVE_INT(null),
        DURATION_MS(null),
        LOAD_BALANCE(Arrays.stream(LoadBalance.values()).map(LoadBalance::propertyValue).toList());

        private final List<String> choices;

        Kind(List<String> choices) {
            this.choices = choices;
        }

        String choices() {
            return String.join(", ", choices);
        }

        List<String> choiceList() {
            return choices;
        }
    }

    private static final Map<String, FoobarProperty> BY_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(FoobarProperty::propertyName, Function.identity()));

    private final String propertyName;
    private final String defaultValue;
    private final Kind kind;
    private final String description;

    FoobarProperty(String propertyName, String defaultValue, Kind kind, String description) {
        this.propertyName = propertyName;
        this.defaultValue = defaultValue;
        this.kind = kind;
        this.description = description;
    }

    /** @return the name as written in a URL or {@code Properties}, e.g. {@code maxConnectionsPerHost} */
    public String propertyName() {
        return propertyName;
    }

    /** @return the default value, as text */
    public String defaultValue() {
        return defaultValue;
    }

    /** @return a one-line description */
    public String description() {
        return description;
    }

    /** @return the accepted values for an enumerated property, or {@code null} for a free value */
    public String[] choices() {
        List<String> c = kind.choiceList();
        return c == null ? null : c.toArray(String[]::new);
    }

    Kind kind() {
        return kind;
    }

    /**
     * @param name a property name, case-sensitive as Connector/J's are
     * @return the property of ours with that name, or {@code null} if it is not ours
     */
    public static FoobarProperty byName(String name) {
        return BY_NAME.get(name);
    }

    /**
     * Parses and validates one value of this property.
     *
     * @param text the value as written
     * @return an {@link Integer}, a {@link Long} (milliseconds) or a {@link LoadBalance}
     * @throws InvalidConfigurationException (08001) naming the property, the value and what is accepted
     */
    Object parse(String text) throws InvalidConfigurationException {
        String value = text.trim();
        switch (kind) {
            case POSITIVE_INT: {
                long n = parseLong(value, "a whole number from 1 to " + Integer.MAX_VALUE);
                if (n < 1 || n > Integer.MAX_VALUE) {
                    throw invalid(value, "a whole number from 1 to " + Integer.MAX_VALUE);
                }
                return (int) n;
            }
            case DURATION_MS: {
                long n = parseLong(value, "a duration in milliseconds, 0 or more");
                if (n < 0) {
                    throw invalid(value, "a duration in milliseconds, 0 or more");
                }
                return n;
            }
            case LOAD_BALANCE:
                for (LoadBalance lb : LoadBalance.values()) {
                    if (lb.propertyValue().equalsIgnoreCase(value)) {
                        return lb;
                    }
                }
                throw invalid(value, "one of " + kind.choices());
            default:
                throw new AssertionError(kind);
        }
    }

    private long parseLong(String value, String accepted) throws InvalidConfigurationException {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw invalid(value, accepted);
        }
    }

    private InvalidConfigurationException invalid(String value, String accepted) {
        return new InvalidConfigurationException("Invalid value '" + value + "' for property '" + propertyName
                + "': expected " + accepted + ".");
    }
}
