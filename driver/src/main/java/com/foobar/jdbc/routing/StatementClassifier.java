package com.foobar.jdbc.routing;

import static com.foobar.jdbc.routing.SqlScanner.end;
import static com.foobar.jdbc.routing.SqlScanner.is;
import static com.foobar.jdbc.routing.SqlScanner.isChar;
import static com.foobar.jdbc.routing.SqlScanner.isStatementEnd;
import static com.foobar.jdbc.routing.SqlScanner.next;
import static com.foobar.jdbc.routing.SqlScanner.start;

import java.util.Objects;

/**
 * Decides where a SQL string must run: on a replica ({@link StatementType#READ}), on the primary
 * ({@link StatementType#WRITE}, {@link StatementType#SESSION_READ}), on the primary with the
 * logical connection pinned to it ({@link StatementType#PIN}), or whether it is a session command
 * the router tracks itself ({@link StatementType#SESSION_SET}, {@link StatementType#AUTOCOMMIT},
 * {@link StatementType#USE}, {@link StatementType#BEGIN}, {@link StatementType#COMMIT},
 * {@link StatementType#ROLLBACK}).
 *
 * <h2>Rules</h2>
 * <ul>
 *   <li>Keywords are case-insensitive. Strings ({@code '...'}, {@code "..."}), quoted identifiers
 *       ({@code `...`}) and comments are never mistaken for keywords or operators.</li>
 *   <li>The routing hint <code>/* foobar:primary *&#47;</code> among the comments before a statement
 *       turns a {@code READ} into a {@code WRITE}; other types are kept.</li>
 *   <li>A SQL string containing a MySQL/MariaDB executable comment (<code>/*! ... *&#47;</code>,
 *       <code>/*M! ... *&#47;</code>) is classified with the comment's text treated as code, then a
 *       {@code READ} becomes {@code WRITE} and a session command becomes {@code PIN}: the server
 *       version decides whether the text runs, so the primary answers it.</li>
 *   <li>Reads: MySQL 8.4 manual "Locking Reads" ({@code FOR UPDATE}, {@code FOR SHARE},
 *       {@code LOCK IN SHARE MODE} make a read a {@code WRITE}), "SELECT ... INTO Statement"
 *       ({@code INTO @var} is {@code PIN}, {@code INTO OUTFILE/DUMPFILE} and {@code INTO var} are
 *       {@code WRITE}), "Locking Functions" ({@code GET_LOCK}, {@code RELEASE_LOCK},
 *       {@code RELEASE_ALL_LOCKS}, {@code IS_FREE_LOCK}, {@code IS_USED_LOCK}: {@code PIN}),
 *       "Information Functions" ({@code LAST_INSERT_ID}, {@code FOUND_ROWS}, {@code ROW_COUNT},
 *       {@code CONNECTION_ID}: {@code SESSION_READ}); MariaDB "Sequences" ({@code NEXTVAL},
 *       {@code SETVAL}, {@code LASTVAL}, {@code NEXT VALUE FOR}, {@code PREVIOUS VALUE FOR}:
 *       {@code WRITE}). A function is recognised by its name followed by {@code (}.</li>
 *   <li>SET: MySQL 8.4 manual "SET Syntax for Variable Assignment" (a scope keyword applies to the
 *       following assignments until the next one; an {@code @@scope.} prefix only to its own
 *       variable; {@code :=} is an assignment operator in SET) and "SET TRANSACTION Statement"
 *       (without a scope it affects only the next transaction); MariaDB "SET STATEMENT"
 *       ({@code SET STATEMENT ... FOR stmt} has the type of {@code stmt}).</li>
 *   <li>Multi-statement strings ({@code ;}-separated; empty statements are ignored): {@code READ}
 *       only if every statement is; {@code PIN} if any statement is {@code PIN} or a session
 *       command; else {@code WRITE} if any statement is; else {@code SESSION_READ}. The same order
 *       (PIN, WRITE, SESSION_READ, READ) applies within a read: {@code SELECT NEXTVAL(s),
 *       LAST_INSERT_ID()} is a {@code WRITE}. A write is never reported as {@code SESSION_READ}.</li>
 *   <li>Backslash escapes in strings are honoured as Connector/J does by default; if the server
 *       runs with {@code NO_BACKSLASH_ESCAPES} a string may end elsewhere, so a SQL string
 *       containing a backslash is classified both ways and the two answers are combined like
 *       the statements of a multi-statement string (when they differ).</li>
 *   <li>Empty or comment-only SQL is {@code WRITE}: the primary reports the error.</li>
 * </ul>
 *
 * <p>Classification is one pass over the characters, without regular expressions, case-folded
 * copies or substrings; on the common paths it allocates nothing. All methods are static and
 * stateless, hence thread-safe.
 */
public final class StatementClassifier {

    private static final StatementType[] TYPES = StatementType.values();

    /** Flags collected by {@link #walk}: the statement pins the connection. */
    private static final int F_PIN = 1;
    /** Reads the state of the connection (information functions, SQL_CALC_FOUND_ROWS). */
    private static final int F_SESSION = 2;
    /** Makes a read a write (locking clause, INTO, sequence, DML after WITH). */
    private static final int F_WRITE = 4;
    /** Mentions a user variable. */
    private static final int F_USER_VARIABLE = 8;

    /** {@link #walk} stops at the end of the statement. */
    private static final int STOP_AT_END = 0;
    /** {@link #walk} also stops at a comma outside parentheses. */
    private static final int STOP_AT_COMMA = 1;
    /** {@link #walk} also stops at the keyword FOR outside parentheses. */
    private static final int STOP_AT_FOR = 2;

    /** SET assignment kinds. */
    private static final int K_SESSION = 1;
    private static final int K_GLOBAL = 2;
    private static final int K_AUTOCOMMIT = 4;
    private static final int K_USER = 8;

    private StatementClassifier() {
    }

    /**
     * Classifies a SQL string (one statement or several separated by {@code ;}).
     *
     * @param sql the SQL text as the application passed it; must not be {@code null}
     * @return how to route it; never {@code null}
     * @throws NullPointerException if {@code sql} is {@code null}
     */
    public static StatementType classify(String sql) {
        Objects.requireNonNull(sql, "sql");
        StatementType type = classify(sql, false);
        if (sql.indexOf('\\') >= 0) {
            StatementType other = classify(sql, true);
            if (other != type) {
                type = combine(type, other);
            }
        }
        return type;
    }

    private static StatementType classify(String sql, boolean noBackslashEscapes) {
        if (SqlScanner.mayHaveExecutableComment(sql)) {
            String unwrapped = SqlScanner.unwrapExecutableComments(sql, noBackslashEscapes);
            if (unwrapped != null) {
                return executable(classifyStatements(unwrapped, noBackslashEscapes));
            }
        }
        return classifyStatements(sql, noBackslashEscapes);
    }

    private static StatementType classifyStatements(String sql, boolean nbe) {
        int length = sql.length();
        int pos = 0;
        StatementType result = null;
        int count = 0;
        while (true) {
            long first = next(sql, pos, nbe);
            int start = start(first);
            if (start >= length) {
                break;
            }
            if (isChar(sql, first, ';')) {
                pos = start + 1;
                continue;
            }
            long r = dispatch(sql, first, nbe);
            StatementType type = typeOf(r);
            if (type == StatementType.READ && start > pos && SqlScanner.hasPrimaryHint(sql, pos, start)) {
                type = StatementType.WRITE;
            }
            result = count++ == 0 ? type : combine(result, type);
            pos = endOf(r) + 1;
        }
        return result == null ? StatementType.WRITE : result;
    }

    /**
     * Combines the types of two statements of one multi-statement string: PIN, then WRITE (a write
     * must never be hidden behind SESSION_READ, which a read-only connection may send to a
     * replica), then SESSION_READ, then READ.
     */
    private static StatementType combine(StatementType a, StatementType b) {
        if (isPinning(a) || isPinning(b)) {
            return StatementType.PIN;
        }
        if (a == StatementType.WRITE || b == StatementType.WRITE) {
            return StatementType.WRITE;
        }
        return a == StatementType.SESSION_READ || b == StatementType.SESSION_READ
                ? StatementType.SESSION_READ : StatementType.READ;
    }

    /** PIN itself and the session commands, which pin when they are not alone. */
    private static boolean isPinning(StatementType type) {
        return type != StatementType.READ && type != StatementType.WRITE && type != StatementType.SESSION_READ;
    }

    /** The type of SQL that contains an executable comment. */
    private static StatementType executable(StatementType type) {
        if (type == StatementType.READ) {
            return StatementType.WRITE;
        }
        return isPinning(type) ? StatementType.PIN : type;
    }

    // ------------------------------------------------------------------ one statement

    /** Packs the type of a statement with the offset of its end (its ';' or the input length). */
    private static long result(StatementType type, int end) {
        return ((long) end << 8) | type.ordinal();
    }

    private static StatementType typeOf(long result) {
        return TYPES[(int) (result & 0xFF)];
    }

    private static int endOf(long result) {
        return (int) (result >>> 8);
    }

    /** Classifies the statement whose first token is {@code first}. */
    private static long dispatch(String sql, long first, boolean nbe) {
        int start = start(first);
        char c = sql.charAt(start);
        if (c == '(') {
            return isReadHead(sql, first, nbe) ? read(sql, first, nbe) : other(sql, first, nbe, StatementType.WRITE);
        }
        switch (SqlScanner.lower(c)) {
            case 'a':
                if (is(sql, first, "ANALYZE")) {
                    return analyze(sql, first, nbe);
                }
                break;
            case 'b':
                if (is(sql, first, "BEGIN")) {
                    return begin(sql, first, nbe);
                }
                if (is(sql, first, "BACKUP")) {
                    return other(sql, first, nbe, StatementType.PIN);
                }
                break;
            case 'c':
                if (is(sql, first, "CALL")) {
                    // CALL p(@out) may assign the user variable through an OUT or INOUT parameter
                    long w = walk(sql, first, nbe, STOP_AT_END);
                    boolean pin = (flags(w) & (F_PIN | F_USER_VARIABLE)) != 0;
                    return result(pin ? StatementType.PIN : StatementType.WRITE, walkEnd(w));
                }
                if (is(sql, first, "COMMIT")) {
                    return endTransaction(sql, first, nbe, StatementType.COMMIT);
                }
                if (is(sql, first, "CREATE")) {
                    long t = next(sql, end(first), nbe);
                    if (is(sql, t, "OR")) {
                        t = next(sql, end(next(sql, end(t), nbe)), nbe); // OR REPLACE
                    }
                    return other(sql, first, nbe, is(sql, t, "TEMPORARY") ? StatementType.PIN : StatementType.WRITE);
                }
                break;
            case 'd':
                if (is(sql, first, "DESC") || is(sql, first, "DESCRIBE")) {
                    return explain(sql, first, nbe);
                }
                if (is(sql, first, "DROP")) {
                    long t = next(sql, end(first), nbe);
                    boolean pin = is(sql, t, "TEMPORARY") || is(sql, t, "PREPARE");
                    return other(sql, first, nbe, pin ? StatementType.PIN : StatementType.WRITE);
                }
                if (is(sql, first, "DEALLOCATE")) {
                    return other(sql, first, nbe, StatementType.PIN);
                }
                break;
            case 'e':
                if (is(sql, first, "EXPLAIN")) {
                    return explain(sql, first, nbe);
                }
                if (is(sql, first, "EXECUTE")) {
                    return other(sql, first, nbe, StatementType.PIN);
                }
                break;
            case 'f':
                if (is(sql, first, "FLUSH")) {
                    return flush(sql, first, nbe);
                }
                break;
            case 'g':
                if (is(sql, first, "GET")) {
                    // GET DIAGNOSTICS reads this connection's diagnostics area into user variables
                    long t = next(sql, end(first), nbe);
                    if (is(sql, t, "CURRENT") || is(sql, t, "STACKED")) {
                        t = next(sql, end(t), nbe);
                    }
                    return other(sql, first, nbe, is(sql, t, "DIAGNOSTICS") ? StatementType.PIN : StatementType.WRITE);
                }
                break;
            case 'h':
                if (is(sql, first, "HANDLER")) {
                    return other(sql, first, nbe, StatementType.PIN);
                }
                break;
            case 'l':
                if (is(sql, first, "LOCK")) {
                    return other(sql, first, nbe, StatementType.PIN);
                }
                break;
            case 'p':
                if (is(sql, first, "PREPARE")) {
                    return other(sql, first, nbe, StatementType.PIN);
                }
                break;
            case 'r':
                if (is(sql, first, "ROLLBACK")) {
                    return endTransaction(sql, first, nbe, StatementType.ROLLBACK);
                }
                if (is(sql, first, "RELEASE")) {
                    return other(sql, first, nbe, StatementType.PIN);
                }
                break;
            case 's':
                if (is(sql, first, "SELECT")) {
                    return read(sql, first, nbe);
                }
                if (is(sql, first, "SET")) {
                    return set(sql, first, nbe);
                }
                if (is(sql, first, "SHOW")) {
                    return show(sql, first, nbe);
                }
                if (is(sql, first, "START")) {
                    long t = next(sql, end(first), nbe);
                    return other(sql, first, nbe, is(sql, t, "TRANSACTION") ? StatementType.BEGIN : StatementType.WRITE);
                }
                if (is(sql, first, "SAVEPOINT")) {
                    return other(sql, first, nbe, StatementType.PIN);
                }
                break;
            case 't':
                if (is(sql, first, "TABLE")) {
                    return read(sql, first, nbe);
                }
                break;
            case 'u':
                if (is(sql, first, "USE")) {
                    return use(sql, first, nbe);
                }
                if (is(sql, first, "UNLOCK")) {
                    return other(sql, first, nbe, StatementType.PIN);
                }
                break;
            case 'v':
                if (is(sql, first, "VALUES")) {
                    return read(sql, first, nbe);
                }
                break;
            case 'w':
                if (is(sql, first, "WITH")) {
                    return read(sql, first, nbe);
                }
                break;
            case 'x':
                if (is(sql, first, "XA")) {
                    return other(sql, first, nbe, StatementType.PIN);
                }
                break;
            default:
                break;
        }
        return other(sql, first, nbe, StatementType.WRITE);
    }

    /** A statement of a fixed type, unless something in it pins the connection. */
    private static long other(String sql, long first, boolean nbe, StatementType type) {
        long w = walk(sql, first, nbe, STOP_AT_END);
        return result((flags(w) & F_PIN) != 0 ? StatementType.PIN : type, walkEnd(w));
    }

    /** Whether {@code t}, after any opening parentheses, starts a read: SELECT, WITH, VALUES or TABLE. */
    private static boolean isReadHead(String sql, long t, boolean nbe) {
        while (isChar(sql, t, '(')) {
            t = next(sql, end(t), nbe);
        }
        return is(sql, t, "SELECT") || is(sql, t, "WITH") || is(sql, t, "VALUES") || is(sql, t, "TABLE");
    }

    /** SELECT, WITH, VALUES, TABLE, starting at {@code first}. */
    private static long read(String sql, long first, boolean nbe) {
        long w = walk(sql, first, nbe, STOP_AT_END);
        int flags = flags(w);
        StatementType type;
        if ((flags & F_PIN) != 0) {
            type = StatementType.PIN;
        } else if ((flags & F_WRITE) != 0) {
            type = StatementType.WRITE;
        } else if ((flags & F_SESSION) != 0) {
            type = StatementType.SESSION_READ;
        } else {
            type = StatementType.READ;
        }
        return result(type, walkEnd(w));
    }

    /** SHOW: a read, except the statements that show the state of this connection. */
    private static long show(String sql, long first, boolean nbe) {
        long t = next(sql, end(first), nbe);
        if (is(sql, t, "SESSION") || is(sql, t, "LOCAL")) {
            t = next(sql, end(t), nbe);
        }
        boolean session = is(sql, t, "WARNINGS") || is(sql, t, "ERRORS") || is(sql, t, "COUNT")
                || is(sql, t, "PROFILE") || is(sql, t, "PROFILES") || is(sql, t, "STATUS");
        return other(sql, first, nbe, session ? StatementType.SESSION_READ : StatementType.READ);
    }

    /**
     * EXPLAIN / DESCRIBE / DESC: a table description is a read; EXPLAIN [ANALYZE] of a read has the
     * type of the read; anything else (UPDATE, DELETE, INSERT, REPLACE, FOR CONNECTION) is a write.
     */
    private static long explain(String sql, long first, boolean nbe) {
        long t = next(sql, end(first), nbe);
        boolean analyze = false;
        while (true) {
            if (is(sql, t, "ANALYZE")) {
                analyze = true;
            } else if (is(sql, t, "FORMAT")) {
                t = skipOptionValue(sql, t, nbe);
            } else if (is(sql, t, "INTO")) {
                return other(sql, first, nbe, StatementType.PIN); // EXPLAIN ... INTO @var
            } else if (!is(sql, t, "EXTENDED") && !is(sql, t, "PARTITIONS")) {
                break;
            }
            t = next(sql, end(t), nbe);
        }
        if (isReadHead(sql, t, nbe)) {
            return read(sql, t, nbe);
        }
        boolean table = !analyze && (SqlScanner.isWord(sql, t) || sql.startsWith("`", start(t)))
                && !is(sql, t, "FOR") && !is(sql, t, "UPDATE") && !is(sql, t, "DELETE")
                && !is(sql, t, "INSERT") && !is(sql, t, "REPLACE");
        return other(sql, first, nbe, table ? StatementType.READ : StatementType.WRITE);
    }

    /** MariaDB ANALYZE [FORMAT=JSON] SELECT ... runs the read; ANALYZE TABLE and the rest write. */
    private static long analyze(String sql, long first, boolean nbe) {
        long t = next(sql, end(first), nbe);
        if (is(sql, t, "FORMAT")) {
            t = next(sql, end(skipOptionValue(sql, t, nbe)), nbe);
        }
        boolean read = isReadHead(sql, t, nbe) && !is(sql, t, "TABLE"); // ANALYZE TABLE t updates statistics
        return read ? read(sql, t, nbe) : other(sql, first, nbe, StatementType.WRITE);
    }

    /** Given the token FORMAT, returns the token holding its value ({@code FORMAT = JSON}). */
    private static long skipOptionValue(String sql, long format, boolean nbe) {
        long t = next(sql, end(format), nbe);
        return isChar(sql, t, '=') ? next(sql, end(t), nbe) : t;
    }

    /** BEGIN [WORK] starts a transaction; other BEGINs (MariaDB BEGIN NOT ATOMIC) are writes. */
    private static long begin(String sql, long first, boolean nbe) {
        long t = next(sql, end(first), nbe);
        if (is(sql, t, "WORK")) {
            t = next(sql, end(t), nbe);
        }
        return isStatementEnd(sql, t) ? result(StatementType.BEGIN, start(t)) : other(sql, first, nbe, StatementType.WRITE);
    }

    /**
     * {@code COMMIT|ROLLBACK [WORK] [AND [NO] CHAIN] [[NO] RELEASE]} and
     * {@code ROLLBACK [WORK] TO [SAVEPOINT] name}.
     */
    private static long endTransaction(String sql, long first, boolean nbe, StatementType type) {
        long t = next(sql, end(first), nbe);
        if (is(sql, t, "WORK")) {
            t = next(sql, end(t), nbe);
        }
        boolean no = false;
        while (!isStatementEnd(sql, t)) {
            if (is(sql, t, "CHAIN") || is(sql, t, "RELEASE")) {
                if (!no) {
                    return other(sql, first, nbe, StatementType.PIN);
                }
                no = false;
            } else if (is(sql, t, "NO")) {
                no = true;
            } else if (is(sql, t, "TO")) {
                return other(sql, first, nbe, type == StatementType.ROLLBACK ? StatementType.PIN : StatementType.WRITE);
            } else if (!is(sql, t, "AND")) {
                return other(sql, first, nbe, StatementType.WRITE);
            }
            t = next(sql, end(t), nbe);
        }
        return result(type, start(t));
    }

    /** USE db: a single identifier; anything else is a syntax error the primary reports. */
    private static long use(String sql, long first, boolean nbe) {
        long name = next(sql, end(first), nbe);
        boolean identifier = SqlScanner.isWord(sql, name) || SqlScanner.isQuotedIdentifier(sql, name);
        long after = next(sql, end(name), nbe);
        if (identifier && isStatementEnd(sql, after)) {
            return result(StatementType.USE, start(after));
        }
        return other(sql, first, nbe, StatementType.WRITE);
    }


    /** FLUSH TABLES ... WITH READ LOCK / FOR EXPORT hold locks on this connection. */
    private static long flush(String sql, long first, boolean nbe) {
        long t = next(sql, end(first), nbe);
        while (!isStatementEnd(sql, t)) {
            if (is(sql, t, "LOCK") || is(sql, t, "EXPORT")) {
                return other(sql, first, nbe, StatementType.PIN);
            }
            t = next(sql, end(t), nbe);
        }
        return result(StatementType.WRITE, start(t));
    }

    // ------------------------------------------------------------------ SET

    private static boolean isScope(String sql, long t) {
        return is(sql, t, "SESSION") || is(sql, t, "LOCAL") || is(sql, t, "GLOBAL")
                || is(sql, t, "PERSIST") || is(sql, t, "PERSIST_ONLY");
    }

    private static long set(String sql, long first, boolean nbe) {
        long t = next(sql, end(first), nbe);
        long after = next(sql, end(t), nbe);
        if (is(sql, t, "STATEMENT") && !SqlScanner.isAssignOperator(sql, after)) {
            return setStatement(sql, after, nbe);
        }
        if (is(sql, t, "TRANSACTION") && !SqlScanner.isAssignOperator(sql, after)) {
            return other(sql, first, nbe, StatementType.PIN); // next transaction only
        }
        if (isScope(sql, t) && is(sql, after, "TRANSACTION")) {
            boolean session = is(sql, t, "SESSION") || is(sql, t, "LOCAL");
            int end = transactionCharacteristicsEnd(sql, next(sql, end(after), nbe), nbe);
            return session && end >= 0 ? result(StatementType.SESSION_SET, end) : other(sql, first, nbe, StatementType.WRITE);
        }
        if (is(sql, t, "ROLE") || is(sql, t, "RESOURCE")) {
            return other(sql, first, nbe, StatementType.PIN); // active roles / resource group of this session
        }
        if (is(sql, t, "PASSWORD") || is(sql, t, "DEFAULT")) {
            return other(sql, first, nbe, StatementType.WRITE); // SET PASSWORD, SET DEFAULT ROLE
        }
        int kinds = 0;
        int items = 0;
        int flags = 0;
        boolean autocommitLiteral = false;
        boolean globalScope = false;
        while (true) {
            items++;
            long valueStart;
            int kind;
            if (is(sql, t, "NAMES") || is(sql, t, "CHARSET")) {
                valueStart = next(sql, end(t), nbe);
                kind = K_SESSION;
            } else if (is(sql, t, "CHARACTER") && is(sql, next(sql, end(t), nbe), "SET")) {
                valueStart = next(sql, end(next(sql, end(t), nbe)), nbe);
                kind = K_SESSION;
            } else {
                if (isScope(sql, t)) {
                    globalScope = !is(sql, t, "SESSION") && !is(sql, t, "LOCAL");
                    t = next(sql, end(t), nbe);
                }
                long name = t;
                int nameStart = start(name);
                if (nameStart >= sql.length()) {
                    return result(StatementType.WRITE, nameStart);
                }
                char c = sql.charAt(nameStart);
                boolean autocommit;
                if (c == '@' && end(name) - nameStart > 1 && sql.charAt(nameStart + 1) == '@') {
                    kind = isGlobalSystemVariable(sql, name) ? K_GLOBAL : K_SESSION;
                    if (sql.charAt(end(name) - 1) == '.' || end(name) - nameStart == 2) { // @@session.`name`
                        t = next(sql, end(t), nbe);
                        if (!SqlScanner.isQuotedIdentifier(sql, t)) {
                            return other(sql, first, nbe, StatementType.WRITE);
                        }
                    }
                    autocommit = endsWithName(sql, t, "AUTOCOMMIT");
                } else if (c == '@') {
                    kind = K_USER;
                    autocommit = false;
                } else if (isName(sql, name)) {
                    while (isChar(sql, next(sql, end(t), nbe), '.')) { // structured: cache.key_buffer_size
                        t = next(sql, end(next(sql, end(t), nbe)), nbe);
                        if (!isName(sql, t)) {
                            return other(sql, first, nbe, StatementType.WRITE);
                        }
                    }
                    // structured (key cache) variables are global only; MariaDB sets them globally without GLOBAL
                    kind = globalScope || t != name ? K_GLOBAL : K_SESSION;
                    autocommit = t == name && (is(sql, t, "AUTOCOMMIT") || is(sql, t, "`AUTOCOMMIT`"));
                } else {
                    return other(sql, first, nbe, StatementType.WRITE);
                }
                if (autocommit && kind == K_SESSION) {
                    kind = K_AUTOCOMMIT;
                }
                t = next(sql, end(t), nbe);
                if (!SqlScanner.isAssignOperator(sql, t)) {
                    return other(sql, first, nbe, StatementType.WRITE);
                }
                valueStart = next(sql, end(t), nbe);
            }
            long w = walk(sql, valueStart, nbe, STOP_AT_COMMA);
            if (start(valueStart) >= walkEnd(w)) {
                return other(sql, first, nbe, StatementType.WRITE); // no value: a syntax error
            }
            flags |= flags(w);
            kinds |= kind;
            if (kind == K_AUTOCOMMIT) {
                autocommitLiteral = next(sql, end(valueStart), nbe) == next(sql, walkEnd(w), nbe)
                        && SqlScanner.booleanLiteral(sql, start(valueStart), end(valueStart)) >= 0;
            }
            t = next(sql, walkEnd(w), nbe);
            if (!isChar(sql, t, ',')) {
                break;
            }
            t = next(sql, end(t), nbe);
        }
        int end = walkEnd(walk(sql, t, nbe, STOP_AT_END));
        StatementType type;
        if ((flags & (F_PIN | F_USER_VARIABLE)) != 0 || (kinds & K_USER) != 0) {
            type = StatementType.PIN;
        } else if (kinds == K_GLOBAL) {
            type = StatementType.WRITE;
        } else if ((kinds & K_GLOBAL) != 0) {
            type = StatementType.PIN;
        } else if ((kinds & K_AUTOCOMMIT) != 0) {
            type = items == 1 && autocommitLiteral ? StatementType.AUTOCOMMIT : StatementType.PIN;
        } else {
            type = StatementType.SESSION_SET;
        }
        return result(type, end);
    }

    /**
     * Checks {@code characteristic [, characteristic] ...} of SET TRANSACTION, where a
     * characteristic is {@code ISOLATION LEVEL {READ UNCOMMITTED | READ COMMITTED | REPEATABLE
     * READ | SERIALIZABLE}}, {@code READ ONLY} or {@code READ WRITE}. Returns the end of the
     * statement, or -1 if the text does not match (a syntax error).
     */
    private static int transactionCharacteristicsEnd(String sql, long t, boolean nbe) {
        while (true) {
            if (is(sql, t, "ISOLATION")) {
                t = next(sql, end(t), nbe);
                if (!is(sql, t, "LEVEL")) {
                    return -1;
                }
                t = next(sql, end(t), nbe);
                if (is(sql, t, "READ")) {
                    t = next(sql, end(t), nbe);
                    if (!is(sql, t, "UNCOMMITTED") && !is(sql, t, "COMMITTED")) {
                        return -1;
                    }
                } else if (is(sql, t, "REPEATABLE")) {
                    t = next(sql, end(t), nbe);
                    if (!is(sql, t, "READ")) {
                        return -1;
                    }
                } else if (!is(sql, t, "SERIALIZABLE")) {
                    return -1;
                }
            } else if (is(sql, t, "READ")) {
                t = next(sql, end(t), nbe);
                if (!is(sql, t, "ONLY") && !is(sql, t, "WRITE")) {
                    return -1;
                }
            } else {
                return -1;
            }
            t = next(sql, end(t), nbe);
            if (isStatementEnd(sql, t)) {
                return start(t);
            }
            if (!isChar(sql, t, ',')) {
                return -1;
            }
            t = next(sql, end(t), nbe);
        }
    }

    /** A variable name: a word or a backquoted identifier. */
    private static boolean isName(String sql, long t) {
        return SqlScanner.isWord(sql, t) || (SqlScanner.isQuotedIdentifier(sql, t) && sql.charAt(start(t)) == '`');
    }

    /** {@code @@global.x}, {@code @@persist.x}, {@code @@persist_only.x}. */
    private static boolean isGlobalSystemVariable(String sql, long token) {
        int start = start(token) + 2;
        int end = end(token);
        return hasPrefix(sql, start, end, "GLOBAL.") || hasPrefix(sql, start, end, "PERSIST.")
                || hasPrefix(sql, start, end, "PERSIST_ONLY.");
    }

    private static boolean hasPrefix(String sql, int start, int end, String prefix) {
        return end - start >= prefix.length() && SqlScanner.at(sql, start, prefix);
    }

    /** Whether the variable token ends with {@code .name}, {@code @@name} or is {@code `name`}. */
    private static boolean endsWithName(String sql, long token, String name) {
        int start = start(token);
        int end = end(token);
        if (end - start == name.length() + 2 && sql.charAt(start) == '`') {
            return SqlScanner.at(sql, start + 1, name) && sql.charAt(end - 1) == '`';
        }
        if (end - start <= name.length()) {
            return false;
        }
        char before = sql.charAt(end - name.length() - 1);
        return (before == '.' || before == '@') && SqlScanner.at(sql, end - name.length(), name);
    }

    /** MariaDB {@code SET STATEMENT var = value [, ...] FOR statement}: the type of the statement. */
    private static long setStatement(String sql, long t, boolean nbe) {
        long w = walk(sql, t, nbe, STOP_AT_FOR);
        long forToken = next(sql, walkEnd(w), nbe);
        if (!is(sql, forToken, "FOR")) {
            return result(StatementType.WRITE, walkEnd(w));
        }
        long inner = next(sql, end(forToken), nbe);
        if (isStatementEnd(sql, inner)) {
            return result(StatementType.WRITE, start(inner));
        }
        if (is(sql, inner, "SET")) { // a session change (no recursion into nested SET STATEMENTs)
            return other(sql, inner, nbe, StatementType.PIN);
        }
        long r = dispatch(sql, inner, nbe);
        StatementType type = typeOf(r);
        if ((flags(w) & (F_PIN | F_USER_VARIABLE)) != 0 || isPinning(type)) {
            type = StatementType.PIN;
        }
        return result(type, endOf(r));
    }

    // ------------------------------------------------------------------ token walk

    private static long walkResult(int flags, int end) {
        return ((long) flags << 32) | end;
    }

    private static int flags(long walk) {
        return (int) (walk >>> 32);
    }

    private static int walkEnd(long walk) {
        return (int) walk;
    }

    /**
     * Walks the tokens from {@code t} to the end of the statement (or to a comma or FOR outside
     * parentheses, per {@code stop}), collecting {@code F_*} flags. Returns the flags and the
     * offset where it stopped (the start of the ';', ',' or FOR token, or the input length).
     */
    private static long walk(String sql, long t, boolean nbe, int stop) {
        int length = sql.length();
        int flags = 0;
        int depth = 0;
        while (true) {
            int start = start(t);
            if (start >= length) {
                return walkResult(flags, length);
            }
            int end = end(t);
            char c = sql.charAt(start);
            switch (c) {
                case ';':
                    return walkResult(flags, start);
                case '(':
                    depth++;
                    break;
                case ')':
                    if (depth > 0) {
                        depth--;
                    }
                    break;
                case ',':
                    if (stop == STOP_AT_COMMA && depth == 0) {
                        return walkResult(flags, start);
                    }
                    break;
                case ':':
                    if (end - start == 2) {
                        flags |= F_PIN; // := assigns a user variable
                    }
                    break;
                case '@':
                    flags |= end - start > 1 && sql.charAt(start + 1) == '@'
                            ? systemVariableFlags(sql, start, end) : F_USER_VARIABLE;
                    break;
                default:
                    if (SqlScanner.isWordChar(c)) {
                        if (stop == STOP_AT_FOR && depth == 0 && is(sql, t, "FOR")) {
                            return walkResult(flags, start);
                        }
                        if (end - start >= 3 && mayMatter(c)) {
                            flags |= wordFlags(sql, start, end, depth, nbe);
                        }
                    }
                    break;
            }
            t = next(sql, end, nbe);
        }
    }

    /** {@code @@[session.|local.]last_insert_id|identity|warning_count|error_count} read this connection. */
    private static int systemVariableFlags(String sql, int start, int end) {
        int dot = sql.lastIndexOf('.', end - 1);
        int name = dot >= start ? dot + 1 : start + 2;
        int length = end - name;
        boolean session = (length == 14 && SqlScanner.at(sql, name, "LAST_INSERT_ID"))
                || (length == 8 && SqlScanner.at(sql, name, "IDENTITY"))
                || (length == 13 && SqlScanner.at(sql, name, "WARNING_COUNT"))
                || (length == 11 && SqlScanner.at(sql, name, "ERROR_COUNT"));
        return session ? F_SESSION : 0;
    }

    /** First letters (a = bit 0) of the words {@link #wordFlags} looks at: c d f g i l n p r s u. */
    private static final int INTERESTING_LETTERS = letters("cdfgilnprsu");

    private static int letters(String letters) {
        int mask = 0;
        for (int i = 0; i < letters.length(); i++) {
            mask |= 1 << (letters.charAt(i) - 'a');
        }
        return mask;
    }

    /** Cheap filter before {@link #wordFlags}: whether a word starting with {@code c} may matter. */
    private static boolean mayMatter(char c) {
        int letter = SqlScanner.lower(c) - 'a';
        return letter >= 0 && letter < 26 && (INTERESTING_LETTERS & (1 << letter)) != 0;
    }

    /** The flags a word contributes; most words are rejected by their first letter and length. */
    private static int wordFlags(String sql, int start, int end, int depth, boolean nbe) {
        int length = end - start;
        if (length < 3) {
            return 0;
        }
        switch (SqlScanner.lower(sql.charAt(start))) {
            case 'c':
                return length == 13 && SqlScanner.at(sql, start, "CONNECTION_ID") ? call(sql, end, nbe, F_SESSION) : 0;
            case 'd':
                return length == 6 && SqlScanner.at(sql, start, "DELETE") ? dml(sql, end, depth, nbe) : 0;
            case 'f':
                if (length == 3 && SqlScanner.at(sql, start, "FOR")) {
                    long t = next(sql, end, nbe);
                    return is(sql, t, "UPDATE") || is(sql, t, "SHARE") ? F_WRITE : 0;
                }
                return length == 10 && SqlScanner.at(sql, start, "FOUND_ROWS") ? call(sql, end, nbe, F_SESSION) : 0;
            case 'g':
                return length == 8 && SqlScanner.at(sql, start, "GET_LOCK") ? call(sql, end, nbe, F_PIN) : 0;
            case 'i':
                if (length == 4 && SqlScanner.at(sql, start, "INTO")) {
                    long t = next(sql, end, nbe);
                    int s = start(t);
                    boolean userVariable = end(t) - s >= 2 && sql.charAt(s) == '@' && sql.charAt(s + 1) != '@';
                    return userVariable ? F_PIN : F_WRITE;
                }
                if (length == 6 && SqlScanner.at(sql, start, "INSERT")) {
                    return dml(sql, end, depth, nbe);
                }
                return length == 12 && (SqlScanner.at(sql, start, "IS_FREE_LOCK") || SqlScanner.at(sql, start, "IS_USED_LOCK"))
                        ? call(sql, end, nbe, F_PIN) : 0;
            case 'l':
                if (length == 4 && SqlScanner.at(sql, start, "LOCK")) {
                    return is(sql, next(sql, end, nbe), "IN") ? F_WRITE : 0;
                }
                if (length == 7 && SqlScanner.at(sql, start, "LASTVAL")) {
                    return call(sql, end, nbe, F_WRITE);
                }
                return length == 14 && SqlScanner.at(sql, start, "LAST_INSERT_ID") ? call(sql, end, nbe, F_SESSION) : 0;
            case 'n':
                if (length == 7 && SqlScanner.at(sql, start, "NEXTVAL")) {
                    return call(sql, end, nbe, F_WRITE);
                }
                return length == 4 && SqlScanner.at(sql, start, "NEXT") ? valueFor(sql, end, nbe) : 0;
            case 'p':
                return length == 8 && SqlScanner.at(sql, start, "PREVIOUS") ? valueFor(sql, end, nbe) : 0;
            case 'r':
                if (length == 7 && SqlScanner.at(sql, start, "REPLACE")) {
                    return dml(sql, end, depth, nbe);
                }
                if ((length == 12 && SqlScanner.at(sql, start, "RELEASE_LOCK"))
                        || (length == 17 && SqlScanner.at(sql, start, "RELEASE_ALL_LOCKS"))) {
                    return call(sql, end, nbe, F_PIN);
                }
                return length == 9 && SqlScanner.at(sql, start, "ROW_COUNT") ? call(sql, end, nbe, F_SESSION) : 0;
            case 's':
                if (length == 6 && SqlScanner.at(sql, start, "SETVAL")) {
                    return call(sql, end, nbe, F_WRITE);
                }
                return length == 19 && SqlScanner.at(sql, start, "SQL_CALC_FOUND_ROWS") ? F_SESSION : 0;
            case 'u':
                return length == 6 && SqlScanner.at(sql, start, "UPDATE") ? dml(sql, end, depth, nbe) : 0;
            default:
                return 0;
        }
    }

    /** {@code flag} if the word ending at {@code end} is followed by '(' (a function call). */
    private static int call(String sql, int end, boolean nbe, int flag) {
        return isChar(sql, next(sql, end, nbe), '(') ? flag : 0;
    }

    /** UPDATE/DELETE/INSERT/REPLACE outside parentheses and not a function call: WITH ... UPDATE. */
    private static int dml(String sql, int end, int depth, boolean nbe) {
        return depth == 0 && !isChar(sql, next(sql, end, nbe), '(') ? F_WRITE : 0;
    }

    /** MariaDB {@code NEXT VALUE FOR seq} / {@code PREVIOUS VALUE FOR seq}. */
    private static int valueFor(String sql, int end, boolean nbe) {
        long t = next(sql, end, nbe);
        return is(sql, t, "VALUE") && is(sql, next(sql, end(t), nbe), "FOR") ? F_WRITE : 0;
    }
}
