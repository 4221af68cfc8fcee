package com.foobar.jdbc.routing;

import static com.foobar.jdbc.routing.StatementType.AUTOCOMMIT;
import static com.foobar.jdbc.routing.StatementType.BEGIN;
import static com.foobar.jdbc.routing.StatementType.COMMIT;
import static com.foobar.jdbc.routing.StatementType.PIN;
import static com.foobar.jdbc.routing.StatementType.READ;
import static com.foobar.jdbc.routing.StatementType.ROLLBACK;
import static com.foobar.jdbc.routing.StatementType.SESSION_READ;
import static com.foobar.jdbc.routing.StatementType.SESSION_SET;
import static com.foobar.jdbc.routing.StatementType.USE;
import static com.foobar.jdbc.routing.StatementType.WRITE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.lang.management.ManagementFactory;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class StatementClassifierTest {

    private static Arguments c(StatementType expected, String sql) {
        return Arguments.of(expected, sql);
    }

    private static void check(StatementType expected, String sql) {
        assertThat(StatementClassifier.classify(sql)).as("classify(%s)", sql).isEqualTo(expected);
    }

    // ------------------------------------------------------------------ reads

    static Stream<Arguments> reads() {
        return Stream.of(
                c(READ, "SELECT 1"),
                c(READ, "select * from t where a = ?"),
                c(READ, "SeLeCt a, b FROM t WHERE c IN (1, 2) ORDER BY a DESC LIMIT 10"),
                c(READ, "  \n\t SELECT 1"),
                c(READ, "/* comment */ SELECT 1"),
                c(READ, "-- line comment\nSELECT 1"),
                c(READ, "# hash comment\nSELECT 1"),
                c(READ, "/* a */ /* b */ -- c\n # d\n SELECT 1"),
                c(READ, "SELECT 1 -- FOR UPDATE"),
                c(READ, "SELECT 1 # FOR UPDATE"),
                c(READ, "SELECT 1 /* FOR UPDATE */ FROM t"),
                c(READ, "SELECT 1--1"),
                c(READ, "SELECT 'for update' FROM t"),
                c(READ, "SELECT \"lock in share mode\" FROM t"),
                c(READ, "SELECT * FROM `lock in share mode`"),
                c(READ, "SELECT * FROM `for` WHERE `into` = 1"),
                c(READ, "SELECT ':='"),
                c(READ, "SELECT 'it''s :=' , \"a \"\" := b\""),
                c(READ, "SELECT 'get_lock(1)', 'last_insert_id()'"),
                c(READ, "SELECT get_lock_count FROM t"),
                c(READ, "SELECT last_insert_id_col, found_rows FROM t"),
                c(READ, "SELECT `GET_LOCK`(1)"),
                c(READ, "SELECT nextval FROM t"),
                c(READ, "(SELECT 1)"),
                c(READ, "((SELECT a FROM t) UNION (SELECT b FROM u))"),
                c(READ, "SELECT a FROM t UNION ALL SELECT b FROM u"),
                c(READ, "WITH x AS (SELECT 1) SELECT * FROM x"),
                c(READ, "WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5) SELECT * FROM r"),
                c(READ, "VALUES ROW(1, 2), ROW(3, 4)"),
                c(READ, "TABLE t"),
                c(READ, "SELECT SUBSTRING(a FROM 1 FOR 2) FROM t"),
                c(READ, "SELECT * FROM t FOR SYSTEM_TIME AS OF TIMESTAMP '2020-01-01'"),
                c(READ, "SELECT REPLACE(a, 'x', 'y'), INSERT('abc', 1, 1, 'z') FROM t"),
                c(READ, "SELECT REPLACE (a, 'x', 'y') FROM t"),
                c(READ, "SELECT SLEEP(1)"),
                c(READ, "SELECT @x"),
                c(READ, "SELECT @x = 1"),
                c(READ, "SELECT @@session.sql_mode, @@hostname"),
                c(READ, "SELECT /*+ MAX_EXECUTION_TIME(1000) */ * FROM t"),
                c(READ, "SELECT * FROM t WHERE a = 'x\\'y' AND b = 1"),
                c(READ, "SELECT 1;"),
                c(READ, "SELECT 1; -- trailing comment"),
                c(READ, "SELECT 1 ;; ; "),
                c(READ, "SELECT 1; SELECT 2"),
                c(READ, "SELECT 'a;b'; SELECT `c;d` FROM t /* ; */"),
                c(READ, "SELECT 1 FROM dual WHERE NOT EXISTS (SELECT * FROM t WHERE t.id = 1)"),
                c(READ, "SELECT {fn NOW()}"),
                c(READ, "SELECT a FROM t\nWHERE b = 1\nORDER BY a"),
                c(READ, "/* foobar:replica */ SELECT 1"),
                c(READ, "-- /* foobar:primary */\nSELECT 1"));
    }

    @ParameterizedTest(name = "{1} -> {0}")
    @MethodSource("reads")
    void reads(StatementType expected, String sql) {
        check(expected, sql);
    }

    static Stream<Arguments> showAndExplain() {
        return Stream.of(
                c(READ, "SHOW TABLES"),
                c(READ, "show full tables from app like 'a%'"),
                c(READ, "SHOW CREATE TABLE t"),
                c(READ, "SHOW VARIABLES LIKE 'sql_mode'"),
                c(READ, "SHOW SESSION VARIABLES"),
                c(READ, "SHOW GLOBAL STATUS"),
                c(READ, "SHOW INDEX FROM t"),
                c(SESSION_READ, "SHOW WARNINGS"),
                c(SESSION_READ, "SHOW ERRORS LIMIT 1"),
                c(SESSION_READ, "SHOW COUNT(*) WARNINGS"),
                c(SESSION_READ, "SHOW PROFILES"),
                c(SESSION_READ, "SHOW SESSION STATUS LIKE 'Last_query_cost'"),
                c(SESSION_READ, "SHOW STATUS"),
                c(READ, "DESC t"),
                c(READ, "DESCRIBE t"),
                c(READ, "describe t a"),
                c(READ, "DESCRIBE `t`"),
                c(READ, "EXPLAIN t"),
                c(READ, "EXPLAIN SELECT 1"),
                c(READ, "EXPLAIN FORMAT=JSON SELECT * FROM t"),
                c(READ, "EXPLAIN FORMAT = TREE (SELECT 1)"),
                c(READ, "EXPLAIN EXTENDED SELECT 1"),
                c(READ, "DESCRIBE SELECT * FROM t"),
                c(READ, "EXPLAIN WITH x AS (SELECT 1) SELECT * FROM x"),
                c(READ, "EXPLAIN ANALYZE SELECT * FROM t"),
                c(READ, "ANALYZE SELECT * FROM t"),
                c(READ, "ANALYZE FORMAT=JSON SELECT * FROM t"),
                c(WRITE, "EXPLAIN UPDATE t SET a = 1"),
                c(WRITE, "EXPLAIN DELETE FROM t"),
                c(WRITE, "EXPLAIN INSERT INTO t VALUES (1)"),
                c(WRITE, "EXPLAIN REPLACE INTO t VALUES (1)"),
                c(WRITE, "EXPLAIN ANALYZE UPDATE t SET a = 1"),
                c(WRITE, "EXPLAIN SELECT * FROM t FOR UPDATE"),
                c(WRITE, "EXPLAIN FOR CONNECTION 12"),
                c(WRITE, "ANALYZE TABLE t"),
                c(WRITE, "ANALYZE UPDATE t SET a = 1"),
                c(PIN, "EXPLAIN ANALYZE SELECT GET_LOCK('a', 1)"),
                c(PIN, "EXPLAIN FORMAT=JSON INTO @plan SELECT 1"),
                c(WRITE, "EXPLAIN"));
    }

    @ParameterizedTest(name = "{1} -> {0}")
    @MethodSource("showAndExplain")
    void showAndExplain(StatementType expected, String sql) {
        check(expected, sql);
    }

    // ------------------------------------------------------------------ reads that are not plain reads

    static Stream<Arguments> readsRoutedToThePrimary() {
        return Stream.of(
                c(WRITE, "SELECT * FROM t FOR UPDATE"),
                c(WRITE, "SELECT * FROM t WHERE id = 1 for update"),
                c(WRITE, "SELECT *\nFROM t\nWHERE id = 1\nFOR\nUPDATE"),
                c(WRITE, "SELECT * FROM t FOR UPDATE SKIP LOCKED"),
                c(WRITE, "SELECT * FROM t FOR UPDATE OF t NOWAIT"),
                c(WRITE, "SELECT * FROM t FOR /* c */ UPDATE"),
                c(WRITE, "SELECT * FROM t FOR SHARE"),
                c(WRITE, "SELECT * FROM t LOCK IN SHARE MODE"),
                c(WRITE, "select * from t lock\nin share mode"),
                c(WRITE, "SELECT * FROM (SELECT * FROM t FOR UPDATE) x"),
                c(WRITE, "(SELECT * FROM t FOR UPDATE)"),
                c(WRITE, "WITH x AS (SELECT * FROM t FOR UPDATE) SELECT * FROM x"),
                c(WRITE, "SELECT * FROM t WHERE a = 'x' FOR UPDATE"),
                c(WRITE, "SELECT a INTO OUTFILE '/tmp/a' FROM t"),
                c(WRITE, "SELECT a FROM t INTO DUMPFILE '/tmp/a'"),
                c(WRITE, "SELECT a INTO v FROM t"),
                c(WRITE, "SELECT NEXTVAL(s)"),
                c(WRITE, "SELECT nextval (s)"),
                c(WRITE, "SELECT SETVAL(s, 10)"),
                c(WRITE, "SELECT LASTVAL(s)"),
                c(WRITE, "SELECT NEXT VALUE FOR s"),
                c(WRITE, "SELECT previous value for s"),
                c(WRITE, "WITH x AS (SELECT 1) UPDATE t SET a = 1"),
                c(WRITE, "WITH x AS (SELECT 1) DELETE FROM t WHERE a IN (SELECT * FROM x)"),
                c(WRITE, "/* foobar:primary */ SELECT 1"),
                c(WRITE, "/*foobar:primary*/SELECT 1"),
                c(WRITE, "/*  FOOBAR : Primary  */ select 1"),
                c(WRITE, "/* other */ -- x\n /* foobar:primary */ SELECT 1"),
                c(WRITE, "/* foobar:primary */ (SELECT 1)"),
                c(WRITE, "/* foobar:primary */ SHOW TABLES"),
                c(WRITE, "SELECT 1; /* foobar:primary */ SELECT 2"),
                c(SESSION_READ, "select last_insert_id()"),
                c(SESSION_READ, "SELECT LAST_INSERT_ID ( )"),
                c(SESSION_READ, "SELECT FOUND_ROWS()"),
                c(SESSION_READ, "SELECT ROW_COUNT()"),
                c(SESSION_READ, "SELECT CONNECTION_ID()"),
                c(SESSION_READ, "SELECT a FROM t WHERE id = LAST_INSERT_ID()"),
                c(SESSION_READ, "SELECT SQL_CALC_FOUND_ROWS * FROM t LIMIT 1"),
                c(SESSION_READ, "SELECT @@last_insert_id"),
                c(SESSION_READ, "SELECT @@session.warning_count, @@error_count"),
                c(SESSION_READ, "/* foobar:primary */ SELECT LAST_INSERT_ID()"),
                c(SESSION_READ, "SELECT LAST_INSERT_ID(); SELECT 1"),
                c(SESSION_READ, "SELECT FOUND_ROWS(); SHOW WARNINGS"),
                // a write is never hidden behind SESSION_READ (a read-only connection may send those to a replica)
                c(WRITE, "INSERT INTO t VALUES (1); SELECT LAST_INSERT_ID()"),
                c(WRITE, "SELECT ROW_COUNT(); UPDATE t SET a = 1"),
                c(WRITE, "SELECT NEXTVAL(s), LAST_INSERT_ID()"),
                c(WRITE, "SELECT LAST_INSERT_ID() FROM t FOR UPDATE"));
    }

    @ParameterizedTest(name = "{1} -> {0}")
    @MethodSource("readsRoutedToThePrimary")
    void readsRoutedToThePrimary(StatementType expected, String sql) {
        check(expected, sql);
    }

    // ------------------------------------------------------------------ writes

    static Stream<Arguments> writes() {
        return Stream.of(
                c(WRITE, "INSERT INTO t VALUES (1)"),
                c(WRITE, "insert into t (a) values (?)"),
                c(WRITE, "INSERT INTO t SELECT * FROM u"),
                c(WRITE, "INSERT INTO t (a) SELECT LAST_INSERT_ID()"),
                c(WRITE, "INSERT INTO t VALUES (1) ON DUPLICATE KEY UPDATE a = 2"),
                c(WRITE, "REPLACE INTO t VALUES (1)"),
                c(WRITE, "UPDATE t SET a = 1 WHERE b = 2"),
                c(WRITE, "DELETE FROM t WHERE a = 1"),
                c(WRITE, "CREATE TABLE t (a INT)"),
                c(WRITE, "CREATE TABLE t AS SELECT * FROM u"),
                c(WRITE, "CREATE VIEW v AS SELECT * FROM t"),
                c(WRITE, "CREATE OR REPLACE VIEW v AS SELECT 1"),
                c(WRITE, "ALTER TABLE t ADD COLUMN b INT"),
                c(WRITE, "DROP TABLE t"),
                c(WRITE, "TRUNCATE TABLE t"),
                c(WRITE, "RENAME TABLE a TO b"),
                c(WRITE, "CALL p(1, 2)"),
                c(WRITE, "{call p(?)}"),
                c(WRITE, "DO SLEEP(1)"),
                c(WRITE, "GRANT SELECT ON *.* TO u"),
                c(WRITE, "FLUSH PRIVILEGES"),
                c(WRITE, "FLUSH TABLES"),
                c(WRITE, "LOAD DATA INFILE 'x' INTO TABLE t"),
                c(WRITE, "START REPLICA"),
                c(WRITE, "BEGIN NOT ATOMIC SELECT 1"),
                c(WRITE, "KILL 12"),
                c(WRITE, "SET GLOBAL read_only = 1"),
                c(WRITE, "SET @@global.max_connections = 100"),
                c(WRITE, "SET PERSIST max_connections = 100"),
                c(WRITE, "SET PERSIST_ONLY max_connections = 100"),
                c(WRITE, "SET hot_cache.key_buffer_size = 1048576"),
                c(WRITE, "SET GLOBAL max_connections = 100, sort_buffer_size = 1000000"),
                c(WRITE, "SET GLOBAL TRANSACTION ISOLATION LEVEL READ COMMITTED"),
                c(WRITE, "SET PASSWORD = 'secret'"),
                c(WRITE, "SET PASSWORD FOR u = 'secret'"),
                c(WRITE, "SET DEFAULT ROLE r TO u"),
                c(WRITE, "SET"),
                c(WRITE, "SET sql_mode"),
                c(WRITE, "COMMIT TO x"),
                c(WRITE, "USE"),
                c(WRITE, "USE a b"),
                c(WRITE, "USE 'app'"),
                c(WRITE, "USE `app"),
                c(WRITE, "SET sql_mode ="),
                c(WRITE, "SET NAMES"),
                c(WRITE, "SET sql_mode = 'a', time_zone ="),
                c(WRITE, "SET @@ = 1"),
                c(WRITE, "SET SESSION TRANSACTION"),
                c(WRITE, "SET SESSION TRANSACTION READ"),
                c(WRITE, "SET SESSION TRANSACTION ISOLATION LEVEL FAST"),
                c(WRITE, "SET SESSION TRANSACTION READ ONLY,"),
                c(WRITE, "COMMIT WORK NOW"),
                c(WRITE, ""),
                c(WRITE, "   "),
                c(WRITE, "/* only a comment */"),
                c(WRITE, "-- only a comment"),
                c(WRITE, ";"),
                c(WRITE, "hello world"),
                c(WRITE, "42"),
                c(WRITE, "SELECT 1; UPDATE t SET a = 1"),
                c(WRITE, "UPDATE t SET a = 1; SELECT 1"),
                c(WRITE, "SELECT 1; /* c */ DELETE FROM t"));
    }

    @ParameterizedTest(name = "{1} -> {0}")
    @MethodSource("writes")
    void writes(StatementType expected, String sql) {
        check(expected, sql);
    }

    // ------------------------------------------------------------------ pins

    static Stream<Arguments> pins() {
        return Stream.of(
                c(PIN, "SET @x = 1"),
                c(PIN, "set @x := 1"),
                c(PIN, "SET @`x y` = 1"),
                c(PIN, "SET @'x' = 1"),
                c(PIN, "SET @x = 1, sql_mode = ''"),
                c(PIN, "SET sql_mode = '', @x = 1"),
                c(PIN, "SET sql_mode = @old_sql_mode"),
                c(PIN, "SET autocommit = @x"),
                c(PIN, "SET autocommit = DEFAULT"),
                c(PIN, "SET autocommit = 0, sql_mode = ''"),
                c(PIN, "SET sql_mode = '', autocommit = 1"),
                c(PIN, "SET GLOBAL max_connections = 1, SESSION sql_mode = ''"),
                c(PIN, "SET @@global.max_connections = 1, sql_mode = ''"),
                c(PIN, "SET sql_mode = (@y := 'x')"),
                c(PIN, "SELECT 1 INTO @x"),
                c(PIN, "SELECT a, b INTO @a, @b FROM t LIMIT 1"),
                c(PIN, "SELECT a FROM t LIMIT 1 INTO @a"),
                c(PIN, "SELECT @a := 1"),
                c(PIN, "SELECT @a:=a FROM t"),
                c(PIN, "UPDATE t SET a = (@x := a + 1)"),
                c(PIN, "SELECT GET_LOCK('x', 1)"),
                c(PIN, "select get_lock ('x', 1)"),
                c(PIN, "SELECT RELEASE_LOCK('x')"),
                c(PIN, "SELECT RELEASE_ALL_LOCKS()"),
                c(PIN, "SELECT IS_FREE_LOCK('x')"),
                c(PIN, "SELECT IS_USED_LOCK('x')"),
                c(PIN, "DO GET_LOCK('x', 10)"),
                c(PIN, "CALL p(1, @out)"),
                c(PIN, "SELECT GET_LOCK('x', 1), LAST_INSERT_ID()"),
                c(PIN, "LOCK TABLES t READ"),
                c(PIN, "lock table t write, u read"),
                c(PIN, "UNLOCK TABLES"),
                c(PIN, "FLUSH TABLES WITH READ LOCK"),
                c(PIN, "FLUSH TABLES t FOR EXPORT"),
                c(PIN, "CREATE TEMPORARY TABLE tmp (a INT)"),
                c(PIN, "create temporary table tmp select * from t"),
                c(PIN, "CREATE OR REPLACE TEMPORARY TABLE tmp (a INT)"),
                c(PIN, "DROP TEMPORARY TABLE IF EXISTS tmp"),
                c(PIN, "PREPARE s FROM 'SELECT 1'"),
                c(PIN, "EXECUTE s USING @a"),
                c(PIN, "DEALLOCATE PREPARE s"),
                c(PIN, "DROP PREPARE s"),
                c(PIN, "SET TRANSACTION ISOLATION LEVEL SERIALIZABLE"),
                c(PIN, "SET TRANSACTION READ ONLY"),
                c(PIN, "XA START 'x'"),
                c(PIN, "HANDLER t OPEN"),
                c(PIN, "SAVEPOINT a"),
                c(PIN, "ROLLBACK TO SAVEPOINT a"),
                c(PIN, "ROLLBACK WORK TO a"),
                c(PIN, "RELEASE SAVEPOINT a"),
                c(PIN, "COMMIT AND CHAIN"),
                c(PIN, "COMMIT RELEASE"),
                c(PIN, "COMMIT WORK AND NO CHAIN RELEASE"),
                c(PIN, "ROLLBACK AND CHAIN"),
                c(PIN, "ROLLBACK RELEASE"),
                c(PIN, "SET ROLE ALL"),
                c(PIN, "GET DIAGNOSTICS @n = NUMBER"),
                c(PIN, "GET CURRENT DIAGNOSTICS CONDITION 1 @m = MESSAGE_TEXT"),
                c(PIN, "SELECT 1; SET @x = 1"),
                c(PIN, "SELECT 1; SET NAMES utf8mb4"),
                c(PIN, "SET sql_mode = ''; SELECT 1"),
                c(PIN, "SET autocommit = 0; UPDATE t SET a = 1"),
                c(PIN, "USE app; SELECT 1"),
                c(PIN, "BEGIN; UPDATE t SET a = 1; COMMIT"),
                c(PIN, "START TRANSACTION; SELECT 1"),
                c(PIN, "SELECT 1; ROLLBACK"),
                c(PIN, "SELECT LAST_INSERT_ID(); SELECT GET_LOCK('a', 1)"));
    }

    @ParameterizedTest(name = "{1} -> {0}")
    @MethodSource("pins")
    void pins(StatementType expected, String sql) {
        check(expected, sql);
    }

    // ------------------------------------------------------------------ session commands

    static Stream<Arguments> sessionCommands() {
        return Stream.of(
                c(SESSION_SET, "SET NAMES utf8mb4"),
                c(SESSION_SET, "set names 'utf8mb4' collate 'utf8mb4_bin'"),
                c(SESSION_SET, "SET NAMES DEFAULT"),
                c(SESSION_SET, "SET CHARACTER SET utf8mb4"),
                c(SESSION_SET, "SET CHARSET utf8mb4"),
                c(SESSION_SET, "SET sql_mode='ANSI'"),
                c(SESSION_SET, "SET sql_mode := 'ANSI'"),
                c(SESSION_SET, "SET SESSION sql_mode = 'ANSI'"),
                c(SESSION_SET, "SET LOCAL sql_mode = 'ANSI'"),
                c(SESSION_SET, "SET @@sql_mode = 'ANSI'"),
                c(SESSION_SET, "SET @@session.sql_mode = 'ANSI'"),
                c(SESSION_SET, "SET @@LOCAL.sql_mode = 'ANSI'"),
                c(SESSION_SET, "SET `sql_mode` = 'ANSI'"),
                c(SESSION_SET, "SET sql_mode = CONCAT(@@sql_mode, ',NO_ZERO_DATE')"),
                c(SESSION_SET, "SET time_zone = '+00:00', sql_mode = 'A,B', NAMES utf8mb4"),
                c(SESSION_SET, "SET SESSION sql_mode = '', time_zone = 'UTC'"),
                c(SESSION_SET, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"),
                c(SESSION_SET, "SET SESSION TRANSACTION READ ONLY"),
                c(SESSION_SET, "set local transaction read write, isolation level serializable"),
                c(SESSION_SET, "SET transaction_isolation = 'READ-COMMITTED'"),
                c(SESSION_SET, "/* comment */ SET NAMES utf8mb4;"),
                c(SESSION_SET, "SET sql_mode = 'a\\'b'"),
                c(AUTOCOMMIT, "SET autocommit=0"),
                c(AUTOCOMMIT, "SET autocommit = 1"),
                c(AUTOCOMMIT, "set AUTOCOMMIT = on"),
                c(AUTOCOMMIT, "SET autocommit = OFF"),
                c(AUTOCOMMIT, "SET autocommit = TRUE"),
                c(AUTOCOMMIT, "SET autocommit = false"),
                c(AUTOCOMMIT, "SET autocommit = 'ON'"),
                c(AUTOCOMMIT, "SET SESSION autocommit = 0"),
                c(AUTOCOMMIT, "SET @@autocommit = 0"),
                c(AUTOCOMMIT, "SET @@session.autocommit := 1"),
                c(AUTOCOMMIT, "SET autocommit = 0;"),
                c(WRITE, "SET GLOBAL autocommit = 0"),
                c(USE, "USE app"),
                c(USE, "use `my app`"),
                c(USE, "USE `a``b`;"),
                c(USE, "/* c */ USE app -- x"),
                c(BEGIN, "BEGIN"),
                c(BEGIN, "begin work"),
                c(BEGIN, "BEGIN;"),
                c(BEGIN, "START TRANSACTION"),
                c(BEGIN, "START TRANSACTION READ ONLY"),
                c(BEGIN, "START TRANSACTION READ WRITE"),
                c(BEGIN, "start transaction with consistent snapshot, read only"),
                c(COMMIT, "COMMIT"),
                c(COMMIT, "commit work"),
                c(COMMIT, "COMMIT AND NO CHAIN NO RELEASE"),
                c(ROLLBACK, "ROLLBACK"),
                c(ROLLBACK, "ROLLBACK WORK"),
                c(ROLLBACK, "rollback and no chain"));
    }

    @ParameterizedTest(name = "{1} -> {0}")
    @MethodSource("sessionCommands")
    void sessionCommands(StatementType expected, String sql) {
        check(expected, sql);
    }

    // ------------------------------------------------------------------ MariaDB and executable comments

    static Stream<Arguments> dialectSpecifics() {
        return Stream.of(
                c(READ, "SET STATEMENT max_statement_time = 10 FOR SELECT * FROM t"),
                c(WRITE, "SET STATEMENT max_statement_time = 10 FOR UPDATE t SET a = 1"),
                c(WRITE, "SET STATEMENT sql_mode = 'x' FOR SELECT * FROM t FOR UPDATE"),
                c(PIN, "SET STATEMENT sql_mode = 'x' FOR SET NAMES utf8mb4"),
                c(PIN, "SET STATEMENT sql_mode = @m FOR SELECT 1"),
                c(WRITE, "SET STATEMENT sql_mode = 'x'"),
                c(WRITE, "SELECT /*! STRAIGHT_JOIN */ * FROM t"),
                c(WRITE, "SELECT /*!40001 SQL_NO_CACHE */ * FROM t"),
                c(WRITE, "/*M!100100 SELECT 1 */"),
                c(PIN, "/*!40101 SET NAMES utf8 */"),
                c(PIN, "/*!40101 SET @OLD_CHARACTER_SET_CLIENT=@@CHARACTER_SET_CLIENT */"),
                c(PIN, "SELECT 1 /*! INTO @x */"),
                c(WRITE, "/*!50001 CREATE VIEW v AS SELECT 1 */"),
                c(WRITE, "/*!50001 SELECT 1 */ FOR UPDATE"),
                c(READ, "SELECT '/*!40101 x */' FROM t"),
                c(READ, "SELECT 1 /* not /*! executable */"),
                // NO_BACKSLASH_ESCAPES would end these strings at the backslash: both readings count
                c(WRITE, "SELECT 'a\\' FOR UPDATE'"),
                c(WRITE, "SELECT 'a\\' FROM t FOR UPDATE -- '"),
                c(WRITE, "SELECT 'a\\', 'FOR UPDATE'"));
    }

    @ParameterizedTest(name = "{1} -> {0}")
    @MethodSource("dialectSpecifics")
    void dialectSpecifics(StatementType expected, String sql) {
        check(expected, sql);
    }

    // ------------------------------------------------------------------ API contract and cost

    @Test
    void nullIsRejected() {
        assertThatNullPointerException().isThrownBy(() -> StatementClassifier.classify(null));
    }

    @Test
    void unterminatedStringsAndCommentsDoNotFail() {
        check(READ, "SELECT 'unterminated");
        check(READ, "SELECT `unterminated");
        check(READ, "SELECT 1 /* unterminated");
        check(WRITE, "/* unterminated SELECT 1");
        check(READ, "SELECT 'x\\");
    }

    @Test
    void pathologicalInputsNeitherRecurseDeeplyNorFail() {
        check(PIN, "SET STATEMENT a = 1 FOR ".repeat(50_000) + "SELECT 1");
        check(READ, "(".repeat(100_000) + "SELECT 1" + ")".repeat(100_000));
        check(WRITE, "INSERT INTO t VALUES " + "(1, 'a;b', \"c\"), ".repeat(50_000) + "(2, 'x', 'y')");
        check(READ, "SELECT 1 FROM t WHERE a IN (" + "?, ".repeat(100_000) + "?)");
    }

    private static final String LONG_SELECT = "SELECT o.id, o.customer_id, o.status, o.total_amount, c.name, c.email "
            + "FROM orders o JOIN customers c ON c.id = o.customer_id "
            + "WHERE o.status IN ('NEW', 'PAID') AND o.created_at > ? AND c.region = ? "
            + "ORDER BY o.created_at DESC LIMIT 50";

    @Test
    void commonPathsAllocateNothing() {
        String[] common = {
                LONG_SELECT,
                "INSERT INTO orders (customer_id, status, total_amount) VALUES (?, ?, ?)",
                "UPDATE orders SET status = ? WHERE id = ?",
                "/* app:orders */ SELECT 1",
                "SELECT * FROM t FOR UPDATE",
                "COMMIT",
        };
        java.lang.management.ThreadMXBean bean = ManagementFactory.getThreadMXBean();
        Assumptions.assumeTrue(bean instanceof com.sun.management.ThreadMXBean
                && ((com.sun.management.ThreadMXBean) bean).isThreadAllocatedMemorySupported(),
                "this JVM does not count allocated bytes per thread");
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
        long thread = Thread.currentThread().getId();
        int sink = 0;
        for (int i = 0; i < 20_000; i++) { // warm up (and load every class involved)
            sink += StatementClassifier.classify(common[i % common.length]).ordinal();
        }
        int calls = 100_000;
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < calls; i++) {
            sink += StatementClassifier.classify(common[i % common.length]).ordinal();
        }
        long allocated = threads.getThreadAllocatedBytes(thread) - before;
        assertThat(sink).isPositive();
        // The measurement itself may allocate a little; a single allocation per call would be >= 1.6 MB.
        assertThat(allocated).as("bytes allocated by %d classifications", calls).isLessThan(64 * 1024);
    }

    @Test
    void aTypicalSelectClassifiesQuickly() {
        assertThat(LONG_SELECT.length()).isBetween(190, 260);
        int sink = 0;
        for (int i = 0; i < 200_000; i++) {
            sink += StatementClassifier.classify(LONG_SELECT).ordinal();
        }
        int calls = 200_000;
        long start = System.nanoTime();
        for (int i = 0; i < calls; i++) {
            sink += StatementClassifier.classify(LONG_SELECT).ordinal();
        }
        double nanosPerCall = (System.nanoTime() - start) / (double) calls;
        assertThat(sink).isZero(); // READ is ordinal 0
        // Typically a few hundred nanoseconds; the bound only catches pathological regressions
        // without making the test flaky on a loaded CI machine.
        assertThat(nanosPerCall).as("ns per classification").isLessThan(20_000);
    }
}
