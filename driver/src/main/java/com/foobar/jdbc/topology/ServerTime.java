package com.foobar.jdbc.topology;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;

/**
 * Server clock values ({@code NOW(6)}, {@code DATETIME(6)}) as microseconds. Both sides of a lag
 * computation come from the primary's clock, so the time zone does not matter: values are read as local
 * date-times and converted as if UTC.
 *
 * <p>Stateless and thread-safe.
 */
public final class ServerTime {

    private static final DateTimeFormatter FORMAT = new DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss")
            .optionalStart().appendFraction(ChronoField.MICRO_OF_SECOND, 0, 6, true).optionalEnd()
            .toFormatter();

    private ServerTime() {
    }

    /**
     * @param text a server date-time such as {@code 2026-11-23 20:30:01.123456}, or {@code null}
     * @return microseconds since the epoch of that local date-time, or 0 for {@code null}
     */
    public static long micros(String text) {
        if (text == null) {
            return 0;
        }
        LocalDateTime t = LocalDateTime.parse(text, FORMAT);
        return t.toEpochSecond(ZoneOffset.UTC) * 1_000_000L + t.getNano() / 1_000;
    }
}
