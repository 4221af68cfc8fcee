package com.foobar.jdbc.routing;

/**
 * How a SQL string must be routed, as decided by {@link StatementClassifier#classify(String)}.
 *
 * <p>The rules behind each constant come from the MySQL 8.4 Reference Manual (sections "SET
 * Syntax for Variable Assignment", "Locking Reads", "Locking Functions", "Information Functions",
 * "SELECT ... INTO Statement") and the MariaDB documentation ("SET STATEMENT", "Sequences"). When a
 * statement is not understood it is {@link #WRITE}: the primary answers it.
 */
public enum StatementType {

    /**
     * A plain read that may run on a replica: {@code SELECT}, {@code (SELECT ...)},
     * {@code WITH ... SELECT}, {@code VALUES}, {@code TABLE t}, {@code SHOW ...},
     * {@code DESCRIBE}/{@code DESC t}, {@code EXPLAIN} of a read; with no locking clause, no
     * {@code INTO}, no user-variable assignment and no call to a lock, session or sequence
     * function.
     */
    READ,

    /**
     * Must run on the primary and changes no session state that would have to be replayed:
     * DML, DDL, locking reads ({@code SELECT ... FOR UPDATE}, {@code FOR SHARE},
     * {@code LOCK IN SHARE MODE}), {@code SELECT ... INTO OUTFILE/DUMPFILE}, reads that use a
     * MariaDB sequence ({@code NEXTVAL}, {@code NEXT VALUE FOR}, ...), {@code CALL}, {@code DO},
     * {@code SET GLOBAL/PERSIST}, {@code GRANT}, {@code FLUSH}, a read carrying the hint
     * <code>/* foobar:primary *&#47;</code>, and anything unknown, unparsable or empty.
     */
    WRITE,

    /**
     * A session setting that can be replayed on other connections:
     * {@code SET [SESSION|LOCAL] var = v [, ...]}, {@code SET @@[session.|local.]var = v},
     * {@code SET NAMES ...}, {@code SET CHARACTER SET ...}/{@code SET CHARSET ...},
     * {@code SET SESSION TRANSACTION ISOLATION LEVEL ...} and
     * {@code SET SESSION TRANSACTION READ ONLY|READ WRITE}. Never {@code autocommit}
     * (see {@link #AUTOCOMMIT}). Parse it with {@link SessionCommand#parseSet(String)}.
     */
    SESSION_SET,

    /**
     * {@code SET [SESSION|LOCAL] autocommit = 0|1|ON|OFF|TRUE|FALSE} (also written
     * {@code @@autocommit}, {@code @@session.autocommit}) as the only assignment. Parse it with
     * {@link SessionCommand#parseAutocommit(String)}.
     */
    AUTOCOMMIT,

    /** {@code USE db} or {@code USE `db`}. Parse it with {@link SessionCommand#parseUse(String)}. */
    USE,

    /**
     * {@code BEGIN [WORK]} or
     * {@code START TRANSACTION [READ ONLY | READ WRITE | WITH CONSISTENT SNAPSHOT][, ...]}.
     */
    BEGIN,

    /** {@code COMMIT [WORK]} without {@code AND CHAIN} or {@code RELEASE}. */
    COMMIT,

    /** {@code ROLLBACK [WORK]} without {@code TO SAVEPOINT}, {@code AND CHAIN} or {@code RELEASE}. */
    ROLLBACK,

    /**
     * SQL whose effect lives on the physical connection and cannot be replayed, so the logical
     * connection must stay on the primary connection that ran it: user-variable assignments
     * ({@code SET @x = ...}, {@code SELECT ... INTO @x}, {@code :=} anywhere, {@code CALL p(@x)}
     * whose OUT parameters may assign {@code @x}), SETs that read a
     * user variable or mix a user variable, {@code autocommit} or a global variable with other
     * assignments, {@code LOCK TABLES}/{@code UNLOCK TABLES}, {@code FLUSH TABLES ... WITH READ
     * LOCK}, {@code CREATE/DROP TEMPORARY TABLE}, {@code PREPARE}/{@code EXECUTE}/{@code
     * DEALLOCATE PREPARE}/{@code DROP PREPARE}, calls to {@code GET_LOCK}, {@code RELEASE_LOCK},
     * {@code RELEASE_ALL_LOCKS}, {@code IS_FREE_LOCK}, {@code IS_USED_LOCK},
     * {@code SET TRANSACTION} without a scope (next transaction only), {@code SET ROLE},
     * {@code GET DIAGNOSTICS}, {@code XA ...}, {@code HANDLER ...}, {@code SAVEPOINT}, {@code ROLLBACK TO},
     * {@code RELEASE SAVEPOINT}, {@code COMMIT/ROLLBACK AND CHAIN} or {@code RELEASE}, and any
     * session statement ({@link #SESSION_SET}, {@link #AUTOCOMMIT}, {@link #USE}, {@link #BEGIN},
     * {@link #COMMIT}, {@link #ROLLBACK}) inside a multi-statement string.
     */
    PIN,

    /**
     * A read of the state of the physical connection it runs on, so it must go to the primary
     * connection that ran the previous statements; it contains no write (a write makes the whole
     * SQL string a {@link #WRITE}): reads calling {@code LAST_INSERT_ID()},
     * {@code FOUND_ROWS()}, {@code ROW_COUNT()}, {@code CONNECTION_ID()} or reading
     * {@code @@last_insert_id}, {@code @@identity}, {@code @@warning_count},
     * {@code @@error_count}; {@code SELECT SQL_CALC_FOUND_ROWS ...}; {@code SHOW WARNINGS},
     * {@code SHOW ERRORS}, {@code SHOW COUNT(*) WARNINGS|ERRORS}, {@code SHOW PROFILE[S]},
     * {@code SHOW [SESSION] STATUS}.
     */
    SESSION_READ
}
