package com.foobar.jdbc.routing;

import java.util.Locale;

/**
 * A small, allocation-free MySQL/MariaDB lexer used by {@link StatementClassifier} and
 * {@link SessionCommand}.
 *
 * <p>A token is returned as a packed {@code long} holding its start (inclusive) and end
 * (exclusive) offsets into the SQL string; see {@link #start(long)} and {@link #end(long)}. The
 * kind of a token follows from its first character:
 * <ul>
 *   <li>a word (keyword, unquoted identifier or number): {@link #isWordChar(char)};</li>
 *   <li>a string: {@code '...'} or {@code "..."}, with backslash escapes (unless
 *       {@code noBackslashEscapes}) and doubled quotes;</li>
 *   <li>a quoted identifier: {@code `...`} with doubled backquotes;</li>
 *   <li>a user variable {@code @name}, {@code @'name'}, {@code @`name`}, or a system variable
 *       {@code @@[scope.]name} (one token);</li>
 *   <li>the assignment operator {@code :=} (two characters);</li>
 *   <li>any other single character ({@code ( ) , ; = .} ...).</li>
 * </ul>
 * At the end of the input the token is empty and starts at {@code sql.length()}.
 *
 * <p>Whitespace and comments (<code>/* ... *&#47;</code>, {@code -- ...} where the dashes are followed
 * by whitespace or the end, and {@code # ...}) are skipped. Executable comments
 * (<code>/*! ... *&#47;</code>, <code>/*M! ... *&#47;</code>) are skipped like other comments here; callers
 * that care first remove their markers with {@link #unwrapExecutableComments(String, boolean)}.
 *
 * <p>All methods are static and stateless, hence thread-safe.
 */
final class SqlScanner {

    private SqlScanner() {
    }

    // ------------------------------------------------------------------ packed tokens

    static long token(int start, int end) {
        return ((long) start << 32) | (end & 0xFFFF_FFFFL);
    }

    static int start(long token) {
        return (int) (token >>> 32);
    }

    static int end(long token) {
        return (int) token;
    }

    /** Returns the next token at or after {@code pos}, skipping whitespace and comments. */
    static long next(String sql, int pos, boolean noBackslashEscapes) {
        int start = skipTrivia(sql, pos);
        if (start >= sql.length()) {
            return token(sql.length(), sql.length());
        }
        return token(start, tokenEnd(sql, start, noBackslashEscapes));
    }

    /** Whether {@code token} is the end of the input. */
    static boolean isEof(String sql, long token) {
        return start(token) >= sql.length();
    }

    /** Whether {@code token} ends a statement: the end of the input or a {@code ;}. */
    static boolean isStatementEnd(String sql, long token) {
        int start = start(token);
        return start >= sql.length() || sql.charAt(start) == ';';
    }

    /** Whether {@code token} is exactly the single character {@code c}. */
    static boolean isChar(String sql, long token, char c) {
        int start = start(token);
        return end(token) - start == 1 && sql.charAt(start) == c;
    }

    /** Whether {@code token} is {@code =} or {@code :=}. */
    static boolean isAssignOperator(String sql, long token) {
        int start = start(token);
        int length = end(token) - start;
        return (length == 1 && sql.charAt(start) == '=') || (length == 2 && sql.charAt(start) == ':');
    }

    /** Whether {@code token} is a word (keyword, unquoted identifier or number). */
    static boolean isWord(String sql, long token) {
        int start = start(token);
        return start < sql.length() && isWordChar(sql.charAt(start));
    }

    /**
     * Whether {@code token} is the keyword {@code keyword} (given in upper case, ASCII),
     * compared case-insensitively in place.
     */
    static boolean is(String sql, long token, String keyword) {
        int start = start(token);
        return end(token) - start == keyword.length() && at(sql, start, keyword);
    }

    /**
     * Case-insensitive in-place comparison of {@code sql} at {@code offset} with {@code keyword},
     * which is made of upper-case ASCII letters and punctuation (compared exactly).
     * Only ASCII letters are folded (as {@link Locale#ROOT} would), so no non-ASCII character
     * ever matches a keyword.
     */
    static boolean at(String sql, int offset, String keyword) {
        int length = keyword.length();
        if (offset < 0 || offset + length > sql.length()) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = sql.charAt(offset + i);
            if (c >= 'a' && c <= 'z') {
                c -= 'a' - 'A';
            }
            if (c != keyword.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** ASCII lower case of {@code c}; other characters are returned unchanged or mapped out of ASCII. */
    static char lower(char c) {
        return (char) (c | 0x20);
    }

    /**
     * Characters of unquoted identifiers, keywords and numbers: ASCII letters and digits,
     * {@code _}, {@code $} and everything outside ASCII.
     */
    static boolean isWordChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || c == '_' || c == '$' || c >= 0x80;
    }

    /**
     * Whether {@code token} is a complete, non-empty {@code `name`} or {@code "name"} (the latter
     * is an identifier under ANSI_QUOTES); doubled quotes inside are allowed.
     */
    static boolean isQuotedIdentifier(String sql, long token) {
        int start = start(token);
        int end = end(token);
        if (end - start < 3) {
            return false;
        }
        char quote = sql.charAt(start);
        if (quote != '`' && quote != '"') {
            return false;
        }
        int i = start + 1;
        while (i < end) {
            if (sql.charAt(i) == quote) {
                if (i + 1 < end && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i == end - 1;
            }
            i++;
        }
        return false;
    }

    // ------------------------------------------------------------------ lexing

    /** Returns the offset of the first character at or after {@code pos} that is not whitespace or comment. */
    static int skipTrivia(String sql, int pos) {
        int length = sql.length();
        while (pos < length) {
            char c = sql.charAt(pos);
            if (c <= ' ') {
                pos++;
            } else if (c == '/' && pos + 1 < length && sql.charAt(pos + 1) == '*') {
                pos = blockCommentEnd(sql, pos);
            } else if (c == '#' || isDashComment(sql, pos)) {
                pos = lineEnd(sql, pos);
            } else {
                return pos;
            }
        }
        return length;
    }

    /** Returns the end (exclusive) of the token that starts at {@code start}. */
    static int tokenEnd(String sql, int start, boolean noBackslashEscapes) {
        int length = sql.length();
        char c = sql.charAt(start);
        if (isWordChar(c)) {
            int i = start + 1;
            while (i < length && isWordChar(sql.charAt(i))) {
                i++;
            }
            return i;
        }
        switch (c) {
            case '\'':
            case '"':
                return quotedEnd(sql, start, c, noBackslashEscapes);
            case '`':
                return quotedEnd(sql, start, '`', true);
            case '@':
                return variableEnd(sql, start, noBackslashEscapes);
            case ':':
                return start + 1 < length && sql.charAt(start + 1) == '=' ? start + 2 : start + 1;
            default:
                return start + 1;
        }
    }

    private static int variableEnd(String sql, int start, boolean noBackslashEscapes) {
        int length = sql.length();
        int i = start + 1;
        if (i < length && sql.charAt(i) == '@') {
            i++; // system variable: @@name, @@scope.name
        } else if (i < length) {
            char q = sql.charAt(i);
            if (q == '\'' || q == '"') {
                return quotedEnd(sql, i, q, noBackslashEscapes);
            }
            if (q == '`') {
                return quotedEnd(sql, i, '`', true);
            }
        }
        while (i < length && (isWordChar(sql.charAt(i)) || sql.charAt(i) == '.')) {
            i++;
        }
        return i;
    }

    /** End (exclusive) of the quoted token starting at {@code start}; the input length if unterminated. */
    static int quotedEnd(String sql, int start, char quote, boolean noBackslashEscapes) {
        int length = sql.length();
        int i = start + 1;
        while (i < length) {
            char c = sql.charAt(i);
            if (c == '\\' && !noBackslashEscapes) {
                i += 2;
            } else if (c == quote) {
                if (i + 1 < length && sql.charAt(i + 1) == quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        return length;
    }

    private static int blockCommentEnd(String sql, int start) {
        int close = sql.indexOf("*/", start + 2);
        return close < 0 ? sql.length() : close + 2;
    }

    /** {@code --} starts a comment only when followed by whitespace, a control character or the end. */
    private static boolean isDashComment(String sql, int pos) {
        int length = sql.length();
        return sql.charAt(pos) == '-' && pos + 1 < length && sql.charAt(pos + 1) == '-'
                && (pos + 2 >= length || sql.charAt(pos + 2) <= ' ');
    }

    private static int lineEnd(String sql, int pos) {
        int newline = sql.indexOf('\n', pos);
        return newline < 0 ? sql.length() : newline + 1;
    }

    // ------------------------------------------------------------------ comments with a meaning

    /**
     * Whether the leading trivia {@code [from, to)} of a statement contains the routing hint
     * comment <code>/* foobar:primary *&#47;</code> (case-insensitive; whitespace around the words and
     * the colon is allowed). Line comments are not hints.
     */
    static boolean hasPrimaryHint(String sql, int from, int to) {
        int i = from;
        while (i < to) {
            char c = sql.charAt(i);
            if (c == '/' && i + 1 < to && sql.charAt(i + 1) == '*') {
                int close = sql.indexOf("*/", i + 2);
                if (close < 0 || close > to) {
                    close = to;
                }
                if (isPrimaryHint(sql, i + 2, close)) {
                    return true;
                }
                i = close + 2;
            } else if (c == '#' || isDashComment(sql, i)) {
                i = lineEnd(sql, i);
            } else {
                i++;
            }
        }
        return false;
    }

    private static boolean isPrimaryHint(String sql, int from, int to) {
        int i = skipSpaces(sql, from, to);
        if (to - i < 6 || !at(sql, i, "FOOBAR")) {
            return false;
        }
        i = skipSpaces(sql, i + 6, to);
        if (i >= to || sql.charAt(i) != ':') {
            return false;
        }
        i = skipSpaces(sql, i + 1, to);
        if (to - i < 7 || !at(sql, i, "PRIMARY")) {
            return false;
        }
        return skipSpaces(sql, i + 7, to) == to;
    }

    private static int skipSpaces(String sql, int from, int to) {
        while (from < to && sql.charAt(from) <= ' ') {
            from++;
        }
        return from;
    }

    /**
     * Cheap pre-check: whether {@code sql} contains {@code /*!} or {@code /*M!} anywhere (also
     * inside strings, so a {@code true} answer must be confirmed by
     * {@link #unwrapExecutableComments(String, boolean)}).
     */
    static boolean mayHaveExecutableComment(String sql) {
        int i = sql.indexOf("/*");
        while (i >= 0) {
            if (executableMarkerEnd(sql, i) > 0) {
                return true;
            }
            i = sql.indexOf("/*", i + 2);
        }
        return false;
    }

    /**
     * Returns a copy of {@code sql} in which the markers of MySQL/MariaDB executable comments
     * ({@code /*!}, {@code /*!50100}, {@code /*M!100400} and their closing <code>*&#47;</code>) are
     * replaced by spaces, so that the text inside them lexes as the code the server runs; or
     * {@code null} if {@code sql} has no executable comment outside strings and comments.
     * Offsets are preserved. Allocates; used only on the rare path where
     * {@link #mayHaveExecutableComment(String)} said yes.
     */
    static String unwrapExecutableComments(String sql, boolean noBackslashEscapes) {
        int length = sql.length();
        char[] out = null;
        boolean inExecutable = false;
        int i = 0;
        while (i < length) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                i = quotedEnd(sql, i, c, noBackslashEscapes);
            } else if (c == '`') {
                i = quotedEnd(sql, i, '`', true);
            } else if (c == '#' || isDashComment(sql, i)) {
                i = lineEnd(sql, i);
            } else if (c == '/' && i + 1 < length && sql.charAt(i + 1) == '*') {
                int markerEnd = inExecutable ? -1 : executableMarkerEnd(sql, i);
                if (markerEnd > 0) {
                    if (out == null) {
                        out = sql.toCharArray();
                    }
                    java.util.Arrays.fill(out, i, markerEnd, ' ');
                    inExecutable = true;
                    i = markerEnd;
                } else {
                    i = blockCommentEnd(sql, i);
                }
            } else if (inExecutable && c == '*' && i + 1 < length && sql.charAt(i + 1) == '/') {
                out[i] = ' ';
                out[i + 1] = ' ';
                inExecutable = false;
                i += 2;
            } else {
                i++;
            }
        }
        return out == null ? null : new String(out);
    }

    /**
     * If an executable comment opens at {@code i} ({@code /*!} or {@code /*M!}, optionally
     * followed by a version number of up to six digits), returns the end of its opening marker;
     * otherwise -1.
     */
    private static int executableMarkerEnd(String sql, int i) {
        int length = sql.length();
        int j = i + 2;
        if (j < length && (sql.charAt(j) == 'M' || sql.charAt(j) == 'm') && j + 1 < length && sql.charAt(j + 1) == '!') {
            j += 2;
        } else if (j < length && sql.charAt(j) == '!') {
            j++;
        } else {
            return -1;
        }
        int limit = Math.min(length, j + 6);
        while (j < limit && sql.charAt(j) >= '0' && sql.charAt(j) <= '9') {
            j++;
        }
        return j;
    }

    // ------------------------------------------------------------------ values

    /**
     * Interprets the single token {@code [start, end)} as a value of the boolean system variable
     * {@code autocommit}: 1 for {@code 1}, {@code ON}, {@code TRUE} and {@code 'ON'}; 0 for
     * {@code 0}, {@code OFF}, {@code FALSE} and {@code 'OFF'}; -1 for anything else.
     */
    static int booleanLiteral(String sql, int start, int end) {
        int length = end - start;
        if (length >= 2 && (sql.charAt(start) == '\'' || sql.charAt(start) == '"')
                && sql.charAt(end - 1) == sql.charAt(start)) {
            start++;
            end--;
            length -= 2;
            if (length == 2 && at(sql, start, "ON")) {
                return 1;
            }
            if (length == 3 && at(sql, start, "OFF")) {
                return 0;
            }
            return -1;
        }
        if (length == 1) {
            char c = sql.charAt(start);
            return c == '1' ? 1 : c == '0' ? 0 : -1;
        }
        if ((length == 2 && at(sql, start, "ON")) || (length == 4 && at(sql, start, "TRUE"))) {
            return 1;
        }
        if ((length == 3 && at(sql, start, "OFF")) || (length == 5 && at(sql, start, "FALSE"))) {
            return 0;
        }
        return -1;
    }
}
