package com.foobar.jdbc.config;

import com.foobar.jdbc.topology.HostSpec;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

/**
 * The resolved settings of one cluster: where its hosts are, which database and user, the driver's
 * own settings and the properties passed to Connector/J.
 *
 * <p>Two logical connections whose settings are equal share one cluster (pools, topology and monitor)
 * in the JVM, so every field takes part in {@code equals}. The passwords do too (two users must never
 * share a pool because one of them knew the other's user name), but never appear in {@link #toString()}.
 *
 * <p>Immutable and thread-safe.
 *
 * @param hosts                      the hosts in URL order, no duplicates, at least one
 * @param database                   the default database, or {@code ""} for none
 * @param user                       the user of every physical connection, or {@code null}
 * @param password                   that user's password, or {@code null}
 * @param driverProperties           the properties passed unchanged to Connector/J (sorted)
 * @param maxConnectionsPerHost      {@link FoobarProperty#MAX_CONNECTIONS_PER_HOST}
 * @param connectionAcquireTimeoutMs {@link FoobarProperty#CONNECTION_ACQUIRE_TIMEOUT_MS}, ms
 * @param connectTimeoutMs           {@link FoobarProperty#CONNECT_TIMEOUT_MS}, ms
 * @param healthCheckIntervalMs      {@link FoobarProperty#HEALTH_CHECK_INTERVAL_MS}, ms
 * @param healthCheckTimeoutMs       {@link FoobarProperty#HEALTH_CHECK_TIMEOUT_MS}, ms
 * @param failureThreshold           {@link FoobarProperty#FAILURE_THRESHOLD}
 * @param recoveryThreshold          {@link FoobarProperty#RECOVERY_THRESHOLD}
 * @param maxReplicationLagMs        {@link FoobarProperty#MAX_REPLICATION_LAG_MS}, ms, 0 for no check
 * @param metaSchema                 {@link FoobarProperty#META_SCHEMA}
 * @param adminUser                  {@link FoobarProperty#ADMIN_USER}, or {@code null} for the application user
 * @param adminPassword              {@link FoobarProperty#ADMIN_PASSWORD}, or {@code null}
 * @param loadBalance                {@link FoobarProperty#LOAD_BALANCE}
 * @param replicaWeights             {@link FoobarProperty#REPLICA_WEIGHTS}: weight per named host
 * @param readFallback               {@link FoobarProperty#READ_FALLBACK}
 * @param failover                   {@link FoobarProperty#FAILOVER}
 * @param failoverTimeoutMs          {@link FoobarProperty#FAILOVER_TIMEOUT_MS}, ms
 * @param rejoinOldPrimary           {@link FoobarProperty#REJOIN_OLD_PRIMARY}
 * @param replicationUser            {@link FoobarProperty#REPLICATION_USER}, or {@code null} for {@code adminUser}
 * @param replicationPassword        {@link FoobarProperty#REPLICATION_PASSWORD}, or {@code null}
 */
public record FoobarConfig(
        List<HostSpec> hosts,
        String database,
        String user,
        String password,
        Map<String, String> driverProperties,
        int maxConnectionsPerHost,
        long connectionAcquireTimeoutMs,
        long connectTimeoutMs,
        long healthCheckIntervalMs,
        long healthCheckTimeoutMs,
        int failureThreshold,
        int recoveryThreshold,
        long maxReplicationLagMs,
        String metaSchema,
        String adminUser,
        String adminPassword,
        LoadBalance loadBalance,
        Map<HostSpec, Integer> replicaWeights,
        ReadFallback readFallback,
        FailoverMode failover,
        long failoverTimeoutMs,
        boolean rejoinOldPrimary,
        String replicationUser,
        String replicationPassword) {

    /** Copies the collections so the record stays immutable. */
    public FoobarConfig {
        hosts = List.copyOf(hosts);
        Objects.requireNonNull(database, "database");
        driverProperties = java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(driverProperties));
        Objects.requireNonNull(loadBalance, "loadBalance");
        replicaWeights = Map.copyOf(replicaWeights);
        Objects.requireNonNull(readFallback, "readFallback");
        Objects.requireNonNull(failover, "failover");
    }

    /** @return the user of the monitor's connections: {@code adminUser}, else the application user */
    public String monitorUser() {
        return adminUser != null ? adminUser : user;
    }

    /**
     * @return Connector/J properties for one monitor connection: as {@link #connectorProperties()}, with the
     *         monitor's credentials
     */
    public Properties monitorProperties() {
        Properties p = connectorProperties();
        if (adminUser != null) {
            p.setProperty("user", adminUser);
            if (adminPassword != null) {
                p.setProperty("password", adminPassword);
            } else {
                p.remove("password");
            }
        }
        return p;
    }

    /**
     * Connector/J's {@code useLocalSessionState}: the driver sets it to {@code true} unless the application
     * gives it. Every session change on a physical connection goes through JDBC setters that Connector/J
     * tracks, so it need not ask the server for the read-only flag or the isolation level before
     * statements (without it, Connector/J sends {@code SELECT @@session.transaction_read_only} before every
     * batch and every non-SELECT {@code execute}).
     */
    public static final String USE_LOCAL_SESSION_STATE = "useLocalSessionState";

    /**
     * @return a new {@code Properties} for one Connector/J connection: the pass-through properties plus
     *         {@code user} and {@code password}, and {@link #USE_LOCAL_SESSION_STATE} {@code true} unless
     *         given; the caller may change it
     */
    public Properties connectorProperties() {
        Properties p = new Properties();
        p.setProperty(USE_LOCAL_SESSION_STATE, "true");
        for (Map.Entry<String, String> e : driverProperties.entrySet()) {
            if (e.getKey().equalsIgnoreCase(USE_LOCAL_SESSION_STATE)) {
                p.remove(USE_LOCAL_SESSION_STATE);
            }
            p.setProperty(e.getKey(), e.getValue());
        }
        if (user != null) {
            p.setProperty("user", user);
        }
        if (password != null) {
            p.setProperty("password", password);
        }
        return p;
    }

    /** @return a short name for logs and thread names: the host list, database and user */
    public String clusterName() {
        StringBuilder sb = new StringBuilder();
        for (HostSpec h : hosts) {
            sb.append(sb.length() == 0 ? "" : ",").append(h);
        }
        return sb.append('/').append(database).append(user == null ? "" : "?user=" + user).toString();
    }

    private Map<String, String> maskedDriverProperties() {
        Map<String, String> masked = new java.util.TreeMap<>(driverProperties);
        masked.replaceAll((k, v) -> FoobarUrl.isSecret(k) ? "****" : v);
        return masked;
    }

    /** @return every setting; the passwords and every other secret property show as {@code ****} */
    @Override
    public String toString() {
        return "FoobarConfig[hosts=" + hosts + ", database=" + database + ", user=" + user
                + ", password=" + (password == null ? "null" : "****")
                + ", driverProperties=" + maskedDriverProperties()
                + ", maxConnectionsPerHost=" + maxConnectionsPerHost
                + ", connectionAcquireTimeoutMs=" + connectionAcquireTimeoutMs
                + ", connectTimeoutMs=" + connectTimeoutMs
                + ", healthCheckIntervalMs=" + healthCheckIntervalMs
                + ", healthCheckTimeoutMs=" + healthCheckTimeoutMs
                + ", failureThreshold=" + failureThreshold
                + ", recoveryThreshold=" + recoveryThreshold
                + ", maxReplicationLagMs=" + maxReplicationLagMs
                + ", metaSchema=" + metaSchema
                + ", adminUser=" + adminUser
                + ", adminPassword=" + (adminPassword == null ? "null" : "****")
                + ", loadBalance=" + loadBalance.propertyValue()
                + ", replicaWeights=" + replicaWeights
                + ", readFallback=" + readFallback.propertyValue()
                + ", failover=" + failover.propertyValue()
                + ", failoverTimeoutMs=" + failoverTimeoutMs
                + ", rejoinOldPrimary=" + rejoinOldPrimary
                + ", replicationUser=" + replicationUser
                + ", replicationPassword=" + (replicationPassword == null ? "null" : "****") + "]";
    }
}
