package com.foobar.jdbc.config;

import com.foobar.jdbc.topology.HostSpec;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * Parses {@code jdbc:foobar://host[:port][,host[:port]...]/[database][?key=value&...]} plus the
 * caller's {@code Properties} into a {@link FoobarConfig}.
 *
 * <p>Rules: the default port is 3306; an IPv6 address is written in brackets ({@code [::1]:3306});
 * query values are percent-decoded (UTF-8); a property in the URL wins over the same property in the
 * {@code Properties} (as in Connector/J); the caller's {@code Properties} is never modified.
 *
 * <p>Stateless and thread-safe.
 */
public final class FoobarUrl {

    /** The URL prefix this driver accepts. */
    public static final String PREFIX = "jdbc:foobar:";

    private static final String FULL_PREFIX = PREFIX + "//";

    private FoobarUrl() {
    }

    /**
     * @param url any JDBC URL, or {@code null}
     * @return whether the URL is one of ours (it starts with {@code jdbc:foobar:})
     */
    public static boolean accepts(String url) {
        return url != null && url.regionMatches(true, 0, PREFIX, 0, PREFIX.length());
    }

    /**
     * Parses and validates a URL and its properties.
     *
     * @param url  a {@code jdbc:foobar:} URL
     * @param info more properties (may be {@code null}); not modified
     * @return the resolved configuration
     * @throws InvalidConfigurationException (08001) for a malformed URL, no host, a bad port, a duplicate
     *                                       host, or a bad value of one of our properties; the message
     *                                       names the property and what is accepted, never the password
     */
    public static FoobarConfig parse(String url, Properties info) throws InvalidConfigurationException {
        if (!accepts(url) || !url.regionMatches(true, 0, FULL_PREFIX, 0, FULL_PREFIX.length())) {
            throw new InvalidConfigurationException("Malformed URL '" + redact(url)
                    + "': expected jdbc:foobar://host[:port][,host[:port]...]/[database][?key=value&...].");
        }
        String rest = url.substring(FULL_PREFIX.length());
        String query = "";
        int q = rest.indexOf('?');
        if (q >= 0) {
            query = rest.substring(q + 1);
            rest = rest.substring(0, q);
        }
        String hostPart = rest;
        String database = "";
        int slash = rest.indexOf('/');
        if (slash >= 0) {
            hostPart = rest.substring(0, slash);
            database = decode(rest.substring(slash + 1), "database");
        }

        Map<String, String> all = new TreeMap<>();
        if (info != null) {
            for (String name : info.stringPropertyNames()) {
                all.put(name, info.getProperty(name));
            }
        }
        all.putAll(parseQuery(query));

        List<HostSpec> hosts = parseHosts(hostPart);
        String user = removeIgnoringCase(all, "user");
        String password = removeIgnoringCase(all, "password");
        Map<FoobarProperty, Object> ours = new EnumMap<>(FoobarProperty.class);
        for (FoobarProperty p : FoobarProperty.values()) {
            String text = all.remove(p.propertyName());
            Object value = p.parse(text == null ? p.defaultValue() : text);
            if (value != null) {
                ours.put(p, value);
            }
        }
        long acquireTimeout = (Long) ours.get(FoobarProperty.CONNECTION_ACQUIRE_TIMEOUT_MS);
        atLeast(FoobarProperty.CONNECTION_ACQUIRE_TIMEOUT_MS, acquireTimeout, 250);
        long interval = (Long) ours.get(FoobarProperty.HEALTH_CHECK_INTERVAL_MS);
        atLeast(FoobarProperty.HEALTH_CHECK_INTERVAL_MS, interval, 10);
        long checkTimeout = (Long) ours.get(FoobarProperty.HEALTH_CHECK_TIMEOUT_MS);
        atLeast(FoobarProperty.HEALTH_CHECK_TIMEOUT_MS, checkTimeout, 1);
        long connectTimeout = (Long) ours.get(FoobarProperty.CONNECT_TIMEOUT_MS);
        atLeast(FoobarProperty.CONNECT_TIMEOUT_MS, connectTimeout, 1);
        return new FoobarConfig(hosts, database, user, password, all,
                (Integer) ours.get(FoobarProperty.MAX_CONNECTIONS_PER_HOST),
                acquireTimeout,
                connectTimeout,
                interval,
                checkTimeout,
                (Integer) ours.get(FoobarProperty.FAILURE_THRESHOLD),
                (Integer) ours.get(FoobarProperty.RECOVERY_THRESHOLD),
                (Long) ours.get(FoobarProperty.MAX_REPLICATION_LAG_MS),
                (String) ours.get(FoobarProperty.META_SCHEMA),
                (String) ours.get(FoobarProperty.ADMIN_USER),
                (String) ours.get(FoobarProperty.ADMIN_PASSWORD),
                (LoadBalance) ours.get(FoobarProperty.LOAD_BALANCE),
                parseWeights((String) ours.get(FoobarProperty.REPLICA_WEIGHTS), hosts),
                (ReadFallback) ours.get(FoobarProperty.READ_FALLBACK),
                (FailoverMode) ours.get(FoobarProperty.FAILOVER),
                (Long) ours.get(FoobarProperty.FAILOVER_TIMEOUT_MS),
                (Boolean) ours.get(FoobarProperty.REJOIN_OLD_PRIMARY),
                (String) ours.get(FoobarProperty.REPLICATION_USER),
                (String) ours.get(FoobarProperty.REPLICATION_PASSWORD));
    }

    private static void atLeast(FoobarProperty p, long value, long min) throws InvalidConfigurationException {
        if (value < min) {
            throw p.invalid(Long.toString(value), "a duration in milliseconds, " + min + " or more");
        }
    }

    /** Parses {@code host:port=weight,...}; every host must be one of the URL's. */
    private static Map<HostSpec, Integer> parseWeights(String text, List<HostSpec> hosts)
            throws InvalidConfigurationException {
        Map<HostSpec, Integer> weights = new java.util.HashMap<>();
        if (text == null || text.isBlank()) {
            return weights;
        }
        String accepted = "host:port=weight,... with each host from the URL and each weight a whole number from 1 to 1000";
        for (String item : text.split(",")) {
            int eq = item.lastIndexOf('=');
            if (eq < 0) {
                throw FoobarProperty.REPLICA_WEIGHTS.invalid(text, accepted);
            }
            HostSpec host;
            int weight;
            try {
                host = parseHost(item.substring(0, eq).trim());
                weight = Integer.parseInt(item.substring(eq + 1).trim());
            } catch (InvalidConfigurationException | NumberFormatException e) {
                throw FoobarProperty.REPLICA_WEIGHTS.invalid(text, accepted);
            }
            if (!hosts.contains(host) || weight < 1 || weight > 1000) {
                throw FoobarProperty.REPLICA_WEIGHTS.invalid(text, accepted);
            }
            weights.put(host, weight);
        }
        return weights;
    }

    /** Connector/J matches property names without regard to case; so do we for the credentials. */
    private static String removeIgnoringCase(Map<String, String> props, String name) {
        String value = null;
        for (java.util.Iterator<Map.Entry<String, String>> it = props.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, String> e = it.next();
            if (e.getKey().equalsIgnoreCase(name)) {
                value = e.getValue();
                it.remove();
            }
        }
        return value;
    }

    private static List<HostSpec> parseHosts(String hostPart) throws InvalidConfigurationException {
        if (hostPart.indexOf('@') >= 0) {
            throw new InvalidConfigurationException("The URL's host list contains '@' (property 'host'): credentials "
                    + "in the host part are not supported; give 'user' and 'password' as properties instead.");
        }
        if (hostPart.isBlank()) {
            throw new InvalidConfigurationException(
                    "No host in the URL: expected jdbc:foobar://host[:port][,host[:port]...]/database (property 'host').");
        }
        List<HostSpec> hosts = new ArrayList<>();
        Set<HostSpec> seen = new HashSet<>();
        for (String item : hostPart.split(",", -1)) {
            HostSpec spec = parseHost(item.trim());
            if (!seen.add(spec)) {
                throw new InvalidConfigurationException("Duplicate host '" + spec
                        + "' in the URL (property 'host'): list each host:port once.");
            }
            hosts.add(spec);
        }
        return hosts;
    }

    private static HostSpec parseHost(String item) throws InvalidConfigurationException {
        if (item.isEmpty()) {
            throw new InvalidConfigurationException(
                    "Empty host in the URL's host list (property 'host'): expected host[:port] separated by commas.");
        }
        String host;
        String port = null;
        if (item.startsWith("[")) {
            int close = item.indexOf(']');
            if (close < 0) {
                throw new InvalidConfigurationException("Malformed IPv6 host '" + item
                        + "' (property 'host'): expected [address]:port.");
            }
            host = item.substring(1, close);
            String after = item.substring(close + 1);
            if (!after.isEmpty()) {
                if (!after.startsWith(":")) {
                    throw new InvalidConfigurationException("Malformed host '" + item
                            + "' (property 'host'): expected [address]:port.");
                }
                port = after.substring(1);
            }
        } else {
            int colon = item.lastIndexOf(':');
            if (colon >= 0 && item.indexOf(':') != colon) {
                throw new InvalidConfigurationException("Malformed host '" + item
                        + "' (property 'host'): write an IPv6 address in brackets, [address]:port.");
            }
            host = colon < 0 ? item : item.substring(0, colon);
            port = colon < 0 ? null : item.substring(colon + 1);
        }
        if (host.isEmpty()) {
            throw new InvalidConfigurationException("Host '" + item + "' has no name (property 'host').");
        }
        int portNumber = HostSpec.DEFAULT_PORT;
        if (port != null) {
            try {
                portNumber = Integer.parseInt(port);
            } catch (NumberFormatException e) {
                portNumber = -1;
            }
            if (portNumber < 1 || portNumber > 65535) {
                throw new InvalidConfigurationException("Invalid port '" + port + "' for host '" + host
                        + "' (property 'port'): expected a number from 1 to 65535.");
            }
        }
        return new HostSpec(host, portNumber);
    }

    private static Map<String, String> parseQuery(String query) throws InvalidConfigurationException {
        Map<String, String> props = new TreeMap<>();
        if (query.isEmpty()) {
            return props;
        }
        for (String pair : query.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq), "query");
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1), key);
            if (key.isEmpty()) {
                throw new InvalidConfigurationException("A URL property has no name (in the query string).");
            }
            props.put(key, value);
        }
        return props;
    }

    private static String decode(String text, String property) throws InvalidConfigurationException {
        try {
            return URLDecoder.decode(text, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException("Malformed percent-encoding in URL property '"
                    + ("password".equals(property) ? "password" : property) + "'.");
        }
    }

    /**
     * @param name a property name
     * @return whether its value is a secret that must never be shown: any name containing "password"
     *         (Connector/J's {@code password1..3}, {@code trustCertificateKeyStorePassword}, ...)
     */
    public static boolean isSecret(String name) {
        return name.toLowerCase(java.util.Locale.ROOT).contains("password");
    }

    /**
     * @param url a URL that may carry secrets in its query string or credentials before the host
     * @return the URL with every secret property value and any {@code user:password@} part replaced by
     *         {@code ****}, for messages and logs
     */
    public static String redact(String url) {
        if (url == null) {
            return null;
        }
        return url.replaceAll("(?i)([?&][^=&]*password[^=&]*=)[^&]*", "$1****")
                .replaceAll("(//)[^/?]*@", "$1****@");
    }
}
