package com.foobar.bench.e2e;

import com.foobar.testcluster.EmbeddedServer;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Each server's own global status counters ({@code Questions} and every {@code Com_*}), read through one
 * long-lived superuser connection per server (opened once, so that reading costs no connection set-up
 * statements). What a reading itself adds (its one {@code SHOW GLOBAL STATUS} per server) is measured at
 * idle by {@link #calibrate()} and subtracted from every difference, so that a difference counts what the
 * application's side sent, and nothing of the measuring.
 *
 * <p>{@code Questions} counts the statements clients send, not those a replica's SQL thread applies; the
 * {@code Com_*} counters of a replica count both (see {@link CaseResult#statementMix()}).
 */
final class ServerCounters implements AutoCloseable {

    static final String QUESTIONS = "Questions";
    static final String COM_SELECT = "Com_select";

    private static final String QUERY = "SHOW GLOBAL STATUS WHERE Variable_name = 'Questions' OR Variable_name LIKE 'Com\\_%'";

    private final List<EmbeddedServer> servers;
    private final List<Connection> connections = new ArrayList<>();
    private List<Map<String, Long>> probeCost;

    ServerCounters(List<EmbeddedServer> servers) throws SQLException {
        this.servers = List.copyOf(servers);
        try {
            for (EmbeddedServer s : servers) {
                connections.add(s.adminConnection());
            }
        } catch (SQLException e) {
            close();
            throw e;
        }
    }

    /** Reads every server's counters, in server order. */
    List<Map<String, Long>> read() throws SQLException {
        List<Map<String, Long>> values = new ArrayList<>();
        for (Connection c : connections) {
            Map<String, Long> server = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(QUERY)) {
                while (rs.next()) {
                    try {
                        server.put(rs.getString(1), Long.parseLong(rs.getString(2).trim()));
                    } catch (NumberFormatException e) {
                        // not a counter
                    }
                }
            }
            values.add(server);
        }
        return values;
    }

    /**
     * Measures what one {@link #read()} adds to each counter, on idle servers: several readings in a row
     * must differ by the same amounts.
     *
     * @throws SQLException if the servers are not idle enough to measure it
     */
    void calibrate() throws SQLException {
        for (int attempt = 0; attempt < 20; attempt++) {
            List<Map<String, Long>> a = read();
            List<Map<String, Long>> b = read();
            List<Map<String, Long>> c = read();
            List<Map<String, Long>> d1 = minus(b, a);
            if (d1.equals(minus(c, b))) {
                probeCost = d1;
                return;
            }
        }
        throw new SQLException("cannot calibrate the status counters: the servers are not idle");
    }

    /** after - before - the cost of the one reading between them ({@code after} itself). */
    List<Map<String, Long>> applicationDelta(List<Map<String, Long>> before, List<Map<String, Long>> after) {
        List<Map<String, Long>> d = minus(after, before);
        for (int s = 0; s < d.size(); s++) {
            Map<String, Long> server = d.get(s);
            probeCost.get(s).forEach((k, v) -> server.merge(k, -v, Long::sum));
            server.values().removeIf(v -> v == 0);
        }
        return d;
    }

    private static List<Map<String, Long>> minus(List<Map<String, Long>> x, List<Map<String, Long>> y) {
        List<Map<String, Long>> d = new ArrayList<>();
        for (int s = 0; s < x.size(); s++) {
            Map<String, Long> server = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            Map<String, Long> ys = y.get(s);
            x.get(s).forEach((k, v) -> {
                long diff = v - ys.getOrDefault(k, 0L);
                if (diff != 0) {
                    server.put(k, diff);
                }
            });
            d.add(server);
        }
        return d;
    }

    String describeProbeCost() {
        List<String> parts = new ArrayList<>();
        for (int s = 0; s < servers.size(); s++) {
            List<String> nonZero = new ArrayList<>();
            probeCost.get(s).forEach((k, v) -> nonZero.add(k + " +" + v));
            parts.add(servers.get(s).name() + ": " + (nonZero.isEmpty() ? "nothing" : String.join(", ", nonZero)));
        }
        return String.join("; ", parts);
    }

    @Override
    public void close() {
        for (Connection c : connections) {
            try {
                c.close();
            } catch (SQLException e) {
                // the cluster is going down anyway
            }
        }
        connections.clear();
    }
}
