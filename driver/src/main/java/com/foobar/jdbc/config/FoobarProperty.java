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
            "Milliseconds a statement waits for a free physical connection to the primary before failing with SQLState 08001 (at least 250)."),

    /** Connect timeout of the driver's physical connections. */
    CONNECT_TIMEOUT_MS("connectTimeoutMs", "3000", Kind.DURATION_MS,
            "Milliseconds a new physical connection may take to connect and complete the handshake (unless Connector/J's connectTimeout is given); also how long a read waits for a replica connection before trying another replica."),

    /** How often the monitor checks each host. */
    HEALTH_CHECK_INTERVAL_MS("healthCheckIntervalMs", "500", Kind.DURATION_MS,
            "Milliseconds between two health checks of each host by the cluster's monitor (at least 10)."),

    /** Connect and read timeout of one health check. */
    HEALTH_CHECK_TIMEOUT_MS("healthCheckTimeoutMs", "1000", Kind.DURATION_MS,
            "Milliseconds one health check may take to connect to a host and read its state before the check counts as failed."),

    /** Failed checks before a host leaves the rotation. */
    FAILURE_THRESHOLD("failureThreshold", "2", Kind.POSITIVE_INT,
            "Consecutive failed health checks after which a host counts as down and leaves the read rotation."),

    /** Good checks before a host returns. */
    RECOVERY_THRESHOLD("recoveryThreshold", "2", Kind.POSITIVE_INT,
            "Consecutive good health checks after which an excluded replica returns to the read rotation."),

    /** Lag bound of the read rotation. */
    MAX_REPLICATION_LAG_MS("maxReplicationLagMs", "1000", Kind.DURATION_MS,
            "A replica lagging more than this many milliseconds behind the primary leaves the read rotation; 0 means lag is not checked."),

    /** Where the monitor keeps its heartbeat. */
    META_SCHEMA("metaSchema", "foobar_meta", Kind.IDENTIFIER,
            "Schema of the monitor's heartbeat table on the primary (created if missing, when the monitor's user may)."),

    /** The monitor's own user. */
    ADMIN_USER("adminUser", null, Kind.TEXT,
            "User of the monitor's own connections (heartbeat writes, replication status); default: the application user."),

    /** That user's password. */
    ADMIN_PASSWORD("adminPassword", null, Kind.TEXT,
            "Password of adminUser."),

    /** The replica balancing strategy. */
    LOAD_BALANCE("loadBalance", LoadBalance.ROUND_ROBIN.propertyValue(), Kind.enumerated(LoadBalance.values()),
            "How reads are spread over the eligible replicas: " + choicesOf(LoadBalance.values()) + "."),

    /** Weights of the weighted balancer. */
    REPLICA_WEIGHTS("replicaWeights", "", Kind.WEIGHTS,
            "Weights for loadBalance=weighted, as host:port=weight,...; hosts not named weigh 1."),

    /** What happens when the primary fails. */
    FAILOVER("failover", FailoverMode.NONE.propertyValue(), Kind.enumerated(FailoverMode.values()),
            "When the primary fails: promote (the driver promotes the most up-to-date replica), follow (an external tool promotes; the driver adopts the new primary) or none (writes fail until the primary returns)."),

    /** How long a statement waits for a new primary. */
    FAILOVER_TIMEOUT_MS("failoverTimeoutMs", "30000", Kind.DURATION_MS,
            "Milliseconds a statement that needs the primary waits for a failover to finish before failing with 08001; also the bound of a promotion's steps."),

    /** Whether a fenced old primary becomes a replica. */
    REJOIN_OLD_PRIMARY("rejoinOldPrimary", "false", Kind.BOOLEAN,
            "Whether an old primary that comes back after a failover is re-pointed as a replica of the new one (when its GTID history is not ahead of it); otherwise it stays fenced."),

    /** Replication credentials for a rejoining old primary. */
    REPLICATION_USER("replicationUser", null, Kind.TEXT,
            "User with REPLICATION SLAVE with which a rejoining old primary replicates from the new one; default: adminUser."),

    /** That user's password. */
    REPLICATION_PASSWORD("replicationPassword", null, Kind.TEXT,
            "Password of replicationUser."),

    /** What a read does when no replica is eligible. */
    READ_FALLBACK("readFallback", ReadFallback.PRIMARY.propertyValue(), Kind.enumerated(ReadFallback.values()),
            "When no replica is eligible: primary (reads go to the primary) or fail (reads fail with 08001).");

    /** The kinds of value, each with its own parsing rule. */
    static final class Kind {
        static final Kind POSITIVE_INT = new Kind("positive", null);
        static final Kind DURATION_MS = new Kind("duration", null);
        static final Kind IDENTIFIER = new Kind("identifier", null);
        static final Kind TEXT = new Kind("text", null);
        static final Kind WEIGHTS = new Kind("weights", null);
        static final Kind BOOLEAN = new Kind("boolean", null);

        final String name;
        final PropertyChoice[] choices;

        private Kind(String name, PropertyChoice[] choices) {
            this.name = name;
            this.choices = choices;
        }

        static Kind enumerated(PropertyChoice[] choices) {
            return new Kind("enum", choices);
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

    private static String choicesOf(PropertyChoice[] choices) {
        return Arrays.stream(choices).map(PropertyChoice::propertyValue).collect(Collectors.joining(", "));
    }

    /** @return the name as written in a URL or {@code Properties}, e.g. {@code maxConnectionsPerHost} */
    public String propertyName() {
        return propertyName;
    }

    /** @return the default value, as text, or {@code null} when there is none */
    public String defaultValue() {
        return defaultValue;
    }

    /** @return a one-line description */
    public String description() {
        return description;
    }

    /** @return the accepted values for an enumerated property, or {@code null} for a free value */
    public String[] choices() {
        return kind.choices == null ? null
                : Arrays.stream(kind.choices).map(PropertyChoice::propertyValue).toArray(String[]::new);
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
     * @param text the value as written, or {@code null} for a property with no default that was not given
     * @return an {@link Integer}, a {@link Long} (milliseconds), a {@link String}, a {@link Boolean}, a
     *         {@link PropertyChoice}, the weight text, or {@code null}
     * @throws InvalidConfigurationException (08001) naming the property, the value and what is accepted
     */
    Object parse(String text) throws InvalidConfigurationException {
        if (text == null) {
            return null;
        }
        String value = text.trim();
        if (kind == Kind.POSITIVE_INT) {
            long n = parseLong(value, "a whole number from 1 to " + Integer.MAX_VALUE);
            if (n < 1 || n > Integer.MAX_VALUE) {
                throw invalid(value, "a whole number from 1 to " + Integer.MAX_VALUE);
            }
            return (int) n;
        }
        if (kind == Kind.DURATION_MS) {
            long n = parseLong(value, "a duration in milliseconds, 0 or more");
            if (n < 0) {
                throw invalid(value, "a duration in milliseconds, 0 or more");
            }
            return n;
        }
        if (kind == Kind.IDENTIFIER) {
            if (!value.matches("[A-Za-z0-9_$]{1,64}")) {
                throw invalid(value, "a schema name of 1 to 64 letters, digits, '_' or '$'");
            }
            return value;
        }
        if (kind == Kind.TEXT || kind == Kind.WEIGHTS) {
            return text;
        }
        if (kind == Kind.BOOLEAN) {
            if ("true".equalsIgnoreCase(value) || "false".equalsIgnoreCase(value)) {
                return Boolean.valueOf(value.toLowerCase(java.util.Locale.ROOT));
            }
            throw invalid(value, "true or false");
        }
        for (PropertyChoice c : kind.choices) {
            if (c.propertyValue().equalsIgnoreCase(value)) {
                return c;
            }
        }
        throw invalid(value, "one of " + choicesOf(kind.choices));
    }

    private long parseLong(String value, String accepted) throws InvalidConfigurationException {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw invalid(value, accepted);
        }
    }

    InvalidConfigurationException invalid(String value, String accepted) {
        return new InvalidConfigurationException("Invalid value '" + (FoobarUrl.isSecret(propertyName) ? "****" : value)
                + "' for property '" + propertyName + "': expected " + accepted + ".");
    }
}
