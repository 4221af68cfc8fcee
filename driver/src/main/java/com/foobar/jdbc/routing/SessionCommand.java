package com.foobar.jdbc.routing;

import static com.foobar.jdbc.routing.SqlScanner.end;
import static com.foobar.jdbc.routing.SqlScanner.is;
import static com.foobar.jdbc.routing.SqlScanner.isChar;
import static com.foobar.jdbc.routing.SqlScanner.isStatementEnd;
import static com.foobar.jdbc.routing.SqlScanner.start;

import java.sql.SQLSyntaxErrorException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Parsers for the session commands found by {@link StatementClassifier}: the router records
 * {@link StatementType#SESSION_SET} assignments to replay them on other connections, applies
 * {@link StatementType#AUTOCOMMIT} and tracks the current database of {@link StatementType#USE}.
 *
 * <p>These statements are rare, so the parsers favour clarity over speed and allocate freely. The
 * rules follow the MySQL 8.4 manual, "SET Syntax for Variable Assignment", "SET CHARACTER SET
 * Statement", "SET NAMES Statement", "SET TRANSACTION Statement" and "USE Statement". Strings are
 * lexed with backslash escapes, as Connector/J does by default.
 *
 * <p>All methods are static and stateless, hence thread-safe.
 */
public final class SessionCommand {

    /** The key of {@code SET NAMES ...} and {@code SET CHARACTER SET ...}. */
    public static final String NAMES = "names";
    /** The key of {@code SET SESSION TRANSACTION ISOLATION LEVEL ...} and of the isolation variables. */
    public static final String TRANSACTION_ISOLATION = "transaction_isolation";
    /** The key of {@code SET SESSION TRANSACTION READ ONLY|READ WRITE} and of the read-only variables. */
    public static final String TRANSACTION_READ_ONLY = "transaction_read_only";
    /** The key of an {@code autocommit} assignment. */
    public static final String AUTOCOMMIT = "autocommit";

    private static final List<String> NAMES_VARIABLES = List.of(
            "character_set_client", "character_set_connection", "character_set_results", "collation_connection");

    private SessionCommand() {
    }

    /**
     * One session assignment of a SET statement.
     *
     * @param key the lower-case name of the variable without scope or {@code @@} prefixes
     *            ({@code sql_mode}, {@code time_zone}, {@code autocommit}); {@value #NAMES} for
     *            {@code SET NAMES} and {@code SET CHARACTER SET}/{@code CHARSET};
     *            {@value #TRANSACTION_ISOLATION} for {@code SET SESSION TRANSACTION ISOLATION
     *            LEVEL} and the variables {@code transaction_isolation}/{@code tx_isolation};
     *            {@value #TRANSACTION_READ_ONLY} for {@code SET SESSION TRANSACTION READ
     *            ONLY|WRITE} and the variables {@code transaction_read_only}/{@code tx_read_only}.
     *            A later assignment with the same key supersedes an earlier one. Keys overlap:
     *            {@value #NAMES} sets {@code character_set_client}, {@code
     *            character_set_connection}, {@code character_set_results} and {@code
     *            collation_connection}, which can also be assigned one by one.
     * @param sql a complete statement that re-applies just this assignment at session scope, such
     *            as {@code SET SESSION sql_mode = 'ANSI'}, {@code SET NAMES utf8mb4 COLLATE
     *            utf8mb4_bin} or {@code SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED}.
     *            A literal value of the transaction variables is given in the {@code SET SESSION
     *            TRANSACTION} form ({@code SET tx_isolation = 'READ-COMMITTED'} gives {@code SET
     *            SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED}, {@code SET
     *            transaction_read_only = 1} gives {@code SET SESSION TRANSACTION READ ONLY}), so it
     *            runs on servers that know only one of the variable names.
     */
    public record Assignment(String key, String sql) {

        /**
         * Creates an assignment.
         *
         * @param key the key, see {@link Assignment}
         * @param sql the statement that re-applies the assignment, see {@link Assignment}
         * @throws NullPointerException if {@code key} or {@code sql} is {@code null}
         */
        public Assignment {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(sql, "sql");
        }
    }

    /**
     * Splits a {@link StatementType#SESSION_SET} or {@link StatementType#AUTOCOMMIT} statement into
     * its assignments, in order. Values may contain strings, commas inside strings or parentheses,
     * function calls and comments; leading comments are dropped.
     *
     * @param sql a statement that {@link StatementClassifier#classify(String)} classifies as
     *            {@code SESSION_SET} or {@code AUTOCOMMIT}
     * @return one assignment per variable assignment (two for {@code SET SESSION TRANSACTION
     *         ISOLATION LEVEL ..., READ ONLY}); never empty
     * @throws NullPointerException     if {@code sql} is {@code null}
     * @throws IllegalArgumentException if {@code sql} is not such a statement
     */
    public static List<Assignment> parseSet(String sql) {
        Objects.requireNonNull(sql, "sql");
        StatementType type = StatementClassifier.classify(sql);
        if (type != StatementType.SESSION_SET && type != StatementType.AUTOCOMMIT) {
            throw new IllegalArgumentException("Not a session SET statement (" + type + "): " + sql);
        }
        List<Item> items = parseItems(sql);
        List<Assignment> assignments = new ArrayList<>(items.size());
        for (Item item : items) {
            assignments.add(item.assignment());
        }
        return List.copyOf(assignments);
    }

    /**
     * Returns the value of an {@link StatementType#AUTOCOMMIT} statement such as
     * {@code SET autocommit = 0} or {@code SET @@session.autocommit = ON}.
     *
     * @param sql a SET statement whose only assignment is the session variable {@code autocommit}
     * @return {@code true} for {@code 1}, {@code ON}, {@code TRUE} (or {@code 'ON'});
     *         {@code false} for {@code 0}, {@code OFF}, {@code FALSE} (or {@code 'OFF'})
     * @throws SQLSyntaxErrorException  with SQLState {@code 42000} naming the value if it is
     *                                  anything else ({@code @x}, {@code DEFAULT}, {@code 2}, an
     *                                  expression)
     * @throws NullPointerException     if {@code sql} is {@code null}
     * @throws IllegalArgumentException if {@code sql} is not a SET of just the session
     *                                  {@code autocommit} variable
     */
    public static boolean parseAutocommit(String sql) throws SQLSyntaxErrorException {
        Objects.requireNonNull(sql, "sql");
        List<Item> items = parseItems(sql);
        if (items.size() != 1 || !AUTOCOMMIT.equals(items.get(0).assignment().key())) {
            throw new IllegalArgumentException("Not a SET of autocommit alone: " + sql);
        }
        Item item = items.get(0);
        int value = item.valueTokens() == 1
                ? SqlScanner.booleanLiteral(sql, item.valueStart(), item.valueEnd()) : -1;
        if (value < 0) {
            throw new SQLSyntaxErrorException("Unsupported value for autocommit: "
                    + sql.substring(item.valueStart(), item.valueEnd())
                    + " (expected 0, 1, ON, OFF, TRUE or FALSE)", "42000");
        }
        return value == 1;
    }

    /**
     * Returns the database named by a {@link StatementType#USE} statement.
     *
     * @param sql {@code USE db}, {@code USE `db`} (or {@code USE "db"} under {@code ANSI_QUOTES})
     * @return the database name without quotes; doubled quote characters inside are undone
     * @throws NullPointerException     if {@code sql} is {@code null}
     * @throws IllegalArgumentException if {@code sql} is not a USE statement with one name
     */
    public static String parseUse(String sql) {
        Objects.requireNonNull(sql, "sql");
        long t = firstToken(sql);
        if (!is(sql, t, "USE")) {
            throw new IllegalArgumentException("Not a USE statement: " + sql);
        }
        long name = SqlScanner.next(sql, end(t), false);
        String database = identifier(sql, name);
        if (database == null || !isStatementEnd(sql, SqlScanner.next(sql, end(name), false))) {
            throw new IllegalArgumentException("Not a USE statement with one database name: " + sql);
        }
        return database;
    }

    /**
     * Returns the session variables whose current values must be captured to restore the state
     * set by assignments with {@code key}.
     *
     * @param key an {@link Assignment#key()}
     * @return {@code character_set_client}, {@code character_set_connection},
     *         {@code character_set_results} and {@code collation_connection} for {@value #NAMES};
     *         {@code transaction_isolation} for {@value #TRANSACTION_ISOLATION} (the modern name of
     *         {@code tx_isolation}); otherwise {@code key} itself
     * @throws NullPointerException if {@code key} is {@code null}
     */
    public static List<String> variablesOf(String key) {
        Objects.requireNonNull(key, "key");
        return NAMES.equals(key) ? NAMES_VARIABLES : List.of(key);
    }

    // ------------------------------------------------------------------ parsing

    /** A parsed assignment with the span of its value ({@code valueEnd} is the end of its last token). */
    private record Item(Assignment assignment, int valueStart, int valueEnd, int valueTokens) {
    }

    /** Parses the session assignments of a SET statement, without classifying it first. */
    private static List<Item> parseItems(String sql) {
        long t = firstToken(sql);
        if (!is(sql, t, "SET")) {
            throw new IllegalArgumentException("Not a SET statement: " + sql);
        }
        t = next(sql, t);
        long after = next(sql, t);
        if (isScope(sql, t) && is(sql, after, "TRANSACTION")) {
            if (!is(sql, t, "SESSION") && !is(sql, t, "LOCAL")) {
                throw new IllegalArgumentException("Not a session SET TRANSACTION: " + sql);
            }
            return transaction(sql, next(sql, after));
        }
        List<Item> items = new ArrayList<>();
        boolean globalScope = false;
        while (true) {
            Item item;
            if (is(sql, t, "NAMES") || is(sql, t, "CHARSET")) {
                item = namesItem(sql, is(sql, t, "NAMES") ? "SET NAMES " : "SET CHARACTER SET ", next(sql, t));
            } else if (is(sql, t, "CHARACTER") && is(sql, after, "SET")) {
                item = namesItem(sql, "SET CHARACTER SET ", next(sql, after));
            } else {
                if (isScope(sql, t)) {
                    globalScope = !is(sql, t, "SESSION") && !is(sql, t, "LOCAL");
                    t = next(sql, t);
                }
                StringBuilder name = new StringBuilder();
                t = variableName(sql, t, globalScope, name);
                long operator = next(sql, t);
                if (!SqlScanner.isAssignOperator(sql, operator)) {
                    throw new IllegalArgumentException("Expected = after " + name + ": " + sql);
                }
                String variable = name.toString().toLowerCase(Locale.ROOT);
                item = canonical(sql, valueItem(sql, next(sql, operator), keyOf(variable),
                        "SET SESSION " + quoteIfNeeded(variable) + " = "));
            }
            items.add(item);
            t = SqlScanner.next(sql, item.valueEnd(), false);
            if (!isChar(sql, t, ',')) {
                break;
            }
            t = next(sql, t);
            after = next(sql, t);
        }
        if (!isStatementEnd(sql, t)) {
            throw new IllegalArgumentException("Unexpected text at offset " + start(t) + ": " + sql);
        }
        return items;
    }

    /**
     * Reads the variable name starting at token {@code t} into {@code name} and returns its last
     * token. Accepts {@code name}, {@code `name`}, {@code a.b} and {@code @@[session.|local.]name}.
     */
    private static long variableName(String sql, long t, boolean globalScope, StringBuilder name) {
        int start = start(t);
        if (start >= sql.length()) {
            throw new IllegalArgumentException("Expected a variable name: " + sql);
        }
        if (sql.startsWith("@@", start)) {
            String text = sql.substring(start + 2, end(t));
            String lower = text.toLowerCase(Locale.ROOT);
            if (lower.startsWith("global.") || lower.startsWith("persist.") || lower.startsWith("persist_only.")) {
                throw new IllegalArgumentException("Not a session variable: " + sql);
            }
            if (lower.startsWith("session.") || lower.startsWith("local.")) {
                text = text.substring(text.indexOf('.') + 1);
            }
            if (text.isEmpty()) { // @@session.`name`
                t = next(sql, t);
                text = identifier(sql, t);
                if (text == null) {
                    throw new IllegalArgumentException("Expected a variable name: " + sql);
                }
            }
            name.append(text);
            return t;
        }
        if (globalScope) {
            throw new IllegalArgumentException("Not a session variable: " + sql);
        }
        while (true) {
            String part = identifier(sql, t);
            if (part == null || sql.charAt(start(t)) == '"') {
                throw new IllegalArgumentException("Not a session variable assignment: " + sql);
            }
            name.append(part);
            long dot = next(sql, t);
            if (!isChar(sql, dot, '.')) {
                return t;
            }
            name.append('.');
            t = next(sql, dot);
        }
    }

    private static Item namesItem(String sql, String prefix, long valueStart) {
        return valueItem(sql, valueStart, NAMES, prefix);
    }

    /** The value starting at {@code valueStart}, up to a comma outside parentheses or the end. */
    private static Item valueItem(String sql, long valueStart, String key, String prefix) {
        int depth = 0;
        int tokens = 0;
        int last = start(valueStart);
        long t = valueStart;
        while (!isStatementEnd(sql, t) && !(depth == 0 && isChar(sql, t, ','))) {
            if (isChar(sql, t, '(')) {
                depth++;
            } else if (isChar(sql, t, ')') && depth > 0) {
                depth--;
            }
            tokens++;
            last = end(t);
            t = next(sql, t);
        }
        if (tokens == 0) {
            throw new IllegalArgumentException("Missing value at offset " + start(t) + ": " + sql);
        }
        int first = start(valueStart);
        Assignment assignment = new Assignment(key, prefix + sql.substring(first, last));
        return new Item(assignment, first, last, tokens);
    }

    private static final List<String> ISOLATION_LEVELS =
            List.of("READ UNCOMMITTED", "READ COMMITTED", "REPEATABLE READ", "SERIALIZABLE");

    /**
     * Rewrites a literal assignment of the transaction variables as the equivalent {@code SET
     * SESSION TRANSACTION} statement, which every server version understands ({@code tx_isolation}
     * is gone from MySQL 8.0, {@code transaction_isolation} is missing before MariaDB 11.1):
     * {@code SET tx_isolation = 'READ-COMMITTED'} becomes {@code SET SESSION TRANSACTION ISOLATION
     * LEVEL READ COMMITTED} and {@code SET transaction_read_only = 1} becomes {@code SET SESSION
     * TRANSACTION READ ONLY}. Other values (expressions, {@code DEFAULT}) are kept as written.
     */
    private static Item canonical(String sql, Item item) {
        String key = item.assignment().key();
        if (item.valueTokens() != 1) {
            return item;
        }
        String rewritten = null;
        if (TRANSACTION_ISOLATION.equals(key)) {
            String value = sql.substring(item.valueStart(), item.valueEnd());
            if (value.length() >= 2 && (value.charAt(0) == '\'' || value.charAt(0) == '"')) {
                value = value.substring(1, value.length() - 1);
            }
            value = value.toUpperCase(Locale.ROOT).replace('-', ' ');
            int index = value.length() == 1 ? value.charAt(0) - '0' : ISOLATION_LEVELS.indexOf(value);
            if (index >= 0 && index < ISOLATION_LEVELS.size()) {
                rewritten = "SET SESSION TRANSACTION ISOLATION LEVEL " + ISOLATION_LEVELS.get(index);
            }
        } else if (TRANSACTION_READ_ONLY.equals(key)) {
            int value = SqlScanner.booleanLiteral(sql, item.valueStart(), item.valueEnd());
            if (value >= 0) {
                rewritten = "SET SESSION TRANSACTION " + (value == 1 ? "READ ONLY" : "READ WRITE");
            }
        }
        return rewritten == null ? item
                : new Item(new Assignment(key, rewritten), item.valueStart(), item.valueEnd(), item.valueTokens());
    }

    /** {@code SET SESSION TRANSACTION characteristic [, characteristic]}, from the first characteristic. */
    private static List<Item> transaction(String sql, long t) {
        List<Item> items = new ArrayList<>();
        while (true) {
            String key;
            if (is(sql, t, "ISOLATION")) {
                key = TRANSACTION_ISOLATION;
            } else if (is(sql, t, "READ")) {
                key = TRANSACTION_READ_ONLY;
            } else {
                throw new IllegalArgumentException("Unknown transaction characteristic at offset " + start(t) + ": " + sql);
            }
            int first = start(t);
            int last = first;
            StringBuilder text = new StringBuilder("SET SESSION TRANSACTION");
            while (!isStatementEnd(sql, t) && !isChar(sql, t, ',')) {
                text.append(' ').append(sql.substring(start(t), end(t)).toUpperCase(Locale.ROOT));
                last = end(t);
                t = next(sql, t);
            }
            items.add(new Item(new Assignment(key, text.toString()), first, last, 0));
            if (isStatementEnd(sql, t)) {
                return items;
            }
            t = next(sql, t);
        }
    }

    /** The first token, after comments and empty statements ({@code ;}). */
    private static long firstToken(String sql) {
        long t = SqlScanner.next(sql, 0, false);
        while (isChar(sql, t, ';')) {
            t = next(sql, t);
        }
        return t;
    }

    private static long next(String sql, long token) {
        return SqlScanner.next(sql, end(token), false);
    }

    private static boolean isScope(String sql, long t) {
        return is(sql, t, "SESSION") || is(sql, t, "LOCAL") || is(sql, t, "GLOBAL")
                || is(sql, t, "PERSIST") || is(sql, t, "PERSIST_ONLY");
    }

    /** The key of a variable: its lower-case name, with the old transaction variable names mapped to the new. */
    private static String keyOf(String variable) {
        switch (variable) {
            case "tx_isolation":
                return TRANSACTION_ISOLATION;
            case "tx_read_only":
                return TRANSACTION_READ_ONLY;
            default:
                return variable;
        }
    }

    /**
     * The text of an identifier token: a word as is; {@code `x`} and {@code "x"} without their
     * quotes and with doubled quotes undone; {@code null} for anything else.
     */
    private static String identifier(String sql, long token) {
        int start = start(token);
        int end = end(token);
        if (start >= sql.length()) {
            return null;
        }
        char c = sql.charAt(start);
        if (SqlScanner.isWordChar(c)) {
            return sql.substring(start, end);
        }
        if (SqlScanner.isQuotedIdentifier(sql, token)) {
            String quote = String.valueOf(c);
            return sql.substring(start + 1, end - 1).replace(quote + quote, quote);
        }
        return null;
    }

    private static String quoteIfNeeded(String variable) {
        for (int i = 0; i < variable.length(); i++) {
            char c = variable.charAt(i);
            if (!SqlScanner.isWordChar(c) && c != '.') {
                return '`' + variable.replace("`", "``") + '`';
            }
        }
        return variable;
    }
}
