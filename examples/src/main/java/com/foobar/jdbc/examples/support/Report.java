package com.foobar.jdbc.examples.support;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What an example did and where each statement ran, as the servers said: every server id comes from
 * {@code @@server_id} evaluated by the server that ran the statement (or stored by a write). The primary is the
 * server that answers a statement with the {@code /* foobar:primary *}{@code /} hint; every other server is a
 * replica.
 */
public final class Report {

    /** Where a step should run. */
    public enum Expect {
        /** writes, read-write transactions, locks */
        PRIMARY,
        /** plain reads, read-only transactions */
        REPLICA,
        /** refused by the driver, sent nowhere */
        NOWHERE
    }

    private record Row(String what, Expect expect, List<Long> serverIds, String note) {
    }

    private final long primaryId;
    private final List<Row> rows = new ArrayList<>();

    private Report(long primaryId) {
        this.primaryId = primaryId;
    }

    /** Learns the primary's {@code @@server_id} through a logical connection of the driver. */
    public static Report learnPrimary(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("/* foobar:primary */ SELECT @@server_id")) {
            rs.next();
            return new Report(rs.getLong(1));
        }
    }

    /** @return the primary's {@code @@server_id} */
    public long primaryId() {
        return primaryId;
    }

    /** Records a step and the {@code @@server_id}s of the servers that ran it. */
    public void add(String what, Expect expect, List<Long> serverIds) {
        rows.add(new Row(what, expect, List.copyOf(serverIds), null));
    }

    /** Records a step the driver refused without sending it anywhere. */
    public void refused(String what, SQLException e) {
        rows.add(new Row(what, Expect.NOWHERE, List.of(), "refused, not sent (SQLState " + e.getSQLState() + ")"));
    }

    /** Records a step with a note instead of servers. */
    public void note(String what, String note) {
        rows.add(new Row(what, Expect.NOWHERE, List.of(), note));
    }

    /** @return {@code server_id N (primary)} or {@code server_id N (replica)} */
    public String label(long serverId) {
        return "server_id " + serverId + (serverId == primaryId ? " (primary)" : " (replica)");
    }

    /** @return whether every step ran where it should: writes on the primary, reads on replicas, refusals nowhere */
    public boolean allAsExpected() {
        for (Row r : rows) {
            boolean ok = switch (r.expect) {
                case PRIMARY -> !r.serverIds.isEmpty() && r.serverIds.stream().allMatch(id -> id == primaryId);
                case REPLICA -> !r.serverIds.isEmpty() && r.serverIds.stream().noneMatch(id -> id == primaryId);
                case NOWHERE -> r.serverIds.isEmpty();
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** @return the servers that ran the steps expected on replicas */
    public Set<Long> replicaServers() {
        Set<Long> ids = new LinkedHashSet<>();
        rows.stream().filter(r -> r.expect == Expect.REPLICA).forEach(r -> ids.addAll(r.serverIds));
        return ids;
    }

    /** Prints the table and a one-line verdict. */
    public void print(PrintStream out) {
        int width = Math.max(40, rows.stream().mapToInt(r -> r.what.length()).max().orElse(0) + 2);
        out.println();
        out.printf("%-" + width + "s %s%n", "what the application did", "where it ran (@@server_id, said by the server)");
        for (Row r : rows) {
            String where;
            if (r.note != null) {
                where = r.note;
            } else {
                Set<Long> distinct = new LinkedHashSet<>(r.serverIds);
                if (distinct.size() == 1) {
                    long id = r.serverIds.get(0);
                    where = label(id) + (r.serverIds.size() > 1 ? ", all " + r.serverIds.size() + " statements" : "");
                } else {
                    where = r.serverIds.stream().map(String::valueOf).collect(Collectors.joining(", ")) + "  ("
                            + distinct.stream().map(this::label).collect(Collectors.joining(", ")) + ")";
                }
            }
            out.printf("%-" + width + "s %s%n", r.what, where);
        }
        out.println();
        out.println(allAsExpected()
                ? "Every write and read-write transaction ran on the primary; every read and read-only transaction on a "
                        + "replica (" + replicaServers().stream().map(this::label).collect(Collectors.joining(", ")) + ")."
                : "UNEXPECTED: some step did not run where the routing contract says (see above).");
    }
}
