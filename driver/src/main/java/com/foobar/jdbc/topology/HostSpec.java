package com.foobar.jdbc.topology;

import java.util.Locale;
import java.util.Objects;

/**
 * The identity of one database server: a host name (or address) and a TCP port.
 *
 * <p>Identity only: what the driver learns about a host (reachable, role, replication lag) lives in
 * {@link HostStatus}, never here, so a {@code HostSpec} can be a map key whose hash never changes.
 * Host names compare case-insensitively (DNS names are case-insensitive, RFC 4343).
 *
 * <p>Immutable and thread-safe.
 *
 * @param host host name or address as written in the URL (IPv6 addresses without brackets)
 * @param port TCP port, 1-65535
 */
public record HostSpec(String host, int port) {

    /** MySQL's default port, used when the URL names none. */
    public static final int DEFAULT_PORT = 3306;

    /**
     * @throws IllegalArgumentException if the host is empty or the port is outside 1-65535
     */
    public HostSpec {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty()) {
            throw new IllegalArgumentException("host must not be empty");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port " + port + " is not in 1-65535");
        }
        host = host.toLowerCase(Locale.ROOT);
    }

    /** @return {@code host:port}, with brackets around an IPv6 address */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
