package com.foobar.jdbc.topology;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A MariaDB GTID position ({@code @@gtid_current_pos}, {@code Gtid_IO_Pos}): per replication domain, the
 * sequence number of the last transaction, e.g. {@code 0-1-42,1-3-7} (MariaDB Knowledge Base, "Global
 * Transaction ID").
 *
 * <p>Replicas of one primary hold prefixes of the same history, so "more advanced" is a total order on
 * them: {@link #compareTo} compares the sum of sequence numbers, which agrees with inclusion for prefixes
 * and is the same for every observer (every driver instance computes the same candidate).
 *
 * <p>Immutable and thread-safe.
 *
 * @param seqByDomain sequence number per domain id
 * @param text        the position as the server wrote it (with server ids), for {@code MASTER_GTID_WAIT}
 */
public record GtidPosition(Map<Long, Long> seqByDomain, String text) implements Comparable<GtidPosition> {

    /** The empty position. */
    public static final GtidPosition EMPTY = new GtidPosition(Map.of(), "");

    /** Copies the map, sorted by domain. */
    public GtidPosition {
        seqByDomain = Collections.unmodifiableMap(new TreeMap<>(seqByDomain));
        text = text == null ? "" : text.trim();
    }

    /**
     * @param text a position such as {@code 0-1-42,1-3-7}, or empty/{@code null}
     * @return the position
     * @throws IllegalArgumentException if the text is not a GTID position
     */
    public static GtidPosition parse(String text) {
        Map<Long, Long> seq = new TreeMap<>();
        if (text == null || text.isBlank()) {
            return EMPTY;
        }
        for (String gtid : text.trim().split("\\s*,\\s*")) {
            String[] parts = gtid.split("-");
            if (parts.length != 3) {
                throw new IllegalArgumentException("Not a MariaDB GTID: '" + gtid + "'");
            }
            seq.merge(Long.parseLong(parts[0]), Long.parseLong(parts[2]), Math::max);
        }
        return new GtidPosition(seq, text);
    }

    /** @return the sum of the sequence numbers of every domain */
    public long total() {
        long t = 0;
        for (long s : seqByDomain.values()) {
            t += s;
        }
        return t;
    }

    /**
     * @param other another position
     * @return whether every transaction of {@code other} is in this one (per domain, a sequence at least as high)
     */
    public boolean includes(GtidPosition other) {
        for (Map.Entry<Long, Long> e : other.seqByDomain.entrySet()) {
            Long mine = seqByDomain.get(e.getKey());
            if (mine == null || mine < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int compareTo(GtidPosition o) {
        return Long.compare(total(), o.total());
    }

    /** Positions are equal when they hold the same transactions, whatever server ids their text names. */
    @Override
    public boolean equals(Object o) {
        return o instanceof GtidPosition g && seqByDomain.equals(g.seqByDomain);
    }

    @Override
    public int hashCode() {
        return seqByDomain.hashCode();
    }

    @Override
    public String toString() {
        return text.isEmpty() ? "(empty)" : text;
    }
}
