package com.foobar.jdbc.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.foobar.jdbc.routing.SessionCommand.Assignment;
import java.sql.SQLSyntaxErrorException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SessionCommandTest {

    private static Assignment a(String key, String sql) {
        return new Assignment(key, sql);
    }

    // ------------------------------------------------------------------ parseSet

    @Test
    void singleAssignmentIsRewrittenAtSessionScope() {
        assertThat(SessionCommand.parseSet("SET sql_mode='ANSI'"))
                .containsExactly(a("sql_mode", "SET SESSION sql_mode = 'ANSI'"));
    }

    @Test
    void scopesAndPrefixesAreDroppedFromTheKey() {
        assertThat(SessionCommand.parseSet("SET SESSION time_zone = '+00:00'"))
                .containsExactly(a("time_zone", "SET SESSION time_zone = '+00:00'"));
        assertThat(SessionCommand.parseSet("set local TIME_ZONE = 'UTC'"))
                .containsExactly(a("time_zone", "SET SESSION time_zone = 'UTC'"));
        assertThat(SessionCommand.parseSet("SET @@time_zone = 'UTC'"))
                .containsExactly(a("time_zone", "SET SESSION time_zone = 'UTC'"));
        assertThat(SessionCommand.parseSet("SET @@SESSION.Time_Zone := 'UTC'"))
                .containsExactly(a("time_zone", "SET SESSION time_zone = 'UTC'"));
        assertThat(SessionCommand.parseSet("SET @@local.time_zone = 'UTC'"))
                .containsExactly(a("time_zone", "SET SESSION time_zone = 'UTC'"));
        assertThat(SessionCommand.parseSet("SET `time_zone` = 'UTC'"))
                .containsExactly(a("time_zone", "SET SESSION time_zone = 'UTC'"));
    }

    @Test
    void severalAssignmentsInOrder() {
        assertThat(SessionCommand.parseSet(
                "/* leading */ SET time_zone = '+00:00', SESSION sql_mode = 'A,B' ,  @@session.wait_timeout=60,"
                        + " NAMES utf8mb4;"))
                .containsExactly(
                        a("time_zone", "SET SESSION time_zone = '+00:00'"),
                        a("sql_mode", "SET SESSION sql_mode = 'A,B'"),
                        a("wait_timeout", "SET SESSION wait_timeout = 60"),
                        a("names", "SET NAMES utf8mb4"));
    }

    @Test
    void valuesKeepCommasInsideStringsAndFunctionCalls() {
        assertThat(SessionCommand.parseSet(
                "SET sql_mode = CONCAT(@@sql_mode, ',NO_ZERO_DATE'), group_concat_max_len = GREATEST(1024, 2048),"
                        + " time_zone = 'a''b,c', lc_time_names = \"x,\\\"y\""))
                .containsExactly(
                        a("sql_mode", "SET SESSION sql_mode = CONCAT(@@sql_mode, ',NO_ZERO_DATE')"),
                        a("group_concat_max_len", "SET SESSION group_concat_max_len = GREATEST(1024, 2048)"),
                        a("time_zone", "SET SESSION time_zone = 'a''b,c'"),
                        a("lc_time_names", "SET SESSION lc_time_names = \"x,\\\"y\""));
    }

    @Test
    void valuesMayContainSubqueriesAndComments() {
        assertThat(SessionCommand.parseSet("SET max_execution_time = (SELECT 1000) /* ms */ , sql_mode = ''"))
                .containsExactly(
                        a("max_execution_time", "SET SESSION max_execution_time = (SELECT 1000)"),
                        a("sql_mode", "SET SESSION sql_mode = ''"));
        assertThat(SessionCommand.parseSet("SET sql_mode = /* strict */ 'STRICT_ALL_TABLES' -- x"))
                .containsExactly(a("sql_mode", "SET SESSION sql_mode = 'STRICT_ALL_TABLES'"));
    }

    @Test
    void namesAndCharacterSet() {
        assertThat(SessionCommand.parseSet("SET NAMES utf8mb4 COLLATE utf8mb4_bin"))
                .containsExactly(a("names", "SET NAMES utf8mb4 COLLATE utf8mb4_bin"));
        assertThat(SessionCommand.parseSet("set names 'latin1'"))
                .containsExactly(a("names", "SET NAMES 'latin1'"));
        assertThat(SessionCommand.parseSet("SET NAMES DEFAULT"))
                .containsExactly(a("names", "SET NAMES DEFAULT"));
        assertThat(SessionCommand.parseSet("SET CHARACTER SET utf8mb4"))
                .containsExactly(a("names", "SET CHARACTER SET utf8mb4"));
        assertThat(SessionCommand.parseSet("SET CHARSET 'utf8mb4'"))
                .containsExactly(a("names", "SET CHARACTER SET 'utf8mb4'"));
        assertThat(SessionCommand.parseSet("SET character_set_results = NULL"))
                .containsExactly(a("character_set_results", "SET SESSION character_set_results = NULL"));
    }

    @Test
    void sessionTransactionCharacteristics() {
        assertThat(SessionCommand.parseSet("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"))
                .containsExactly(a("transaction_isolation", "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"));
        assertThat(SessionCommand.parseSet("set session transaction read only"))
                .containsExactly(a("transaction_read_only", "SET SESSION TRANSACTION READ ONLY"));
        assertThat(SessionCommand.parseSet("SET LOCAL TRANSACTION ISOLATION LEVEL SERIALIZABLE, READ WRITE"))
                .containsExactly(
                        a("transaction_isolation", "SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE"),
                        a("transaction_read_only", "SET SESSION TRANSACTION READ WRITE"));
    }

    @Test
    void literalTransactionVariablesBecomeSetTransactionStatements() {
        assertThat(SessionCommand.parseSet("SET tx_isolation = 'READ-COMMITTED'"))
                .containsExactly(a("transaction_isolation", "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED"));
        assertThat(SessionCommand.parseSet("SET @@transaction_isolation = 'serializable'"))
                .containsExactly(a("transaction_isolation", "SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE"));
        assertThat(SessionCommand.parseSet("SET SESSION transaction_isolation = \"REPEATABLE-READ\""))
                .containsExactly(a("transaction_isolation", "SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ"));
        assertThat(SessionCommand.parseSet("SET transaction_isolation = 0"))
                .containsExactly(a("transaction_isolation", "SET SESSION TRANSACTION ISOLATION LEVEL READ UNCOMMITTED"));
        assertThat(SessionCommand.parseSet("SET tx_read_only = 1"))
                .containsExactly(a("transaction_read_only", "SET SESSION TRANSACTION READ ONLY"));
        assertThat(SessionCommand.parseSet("SET @@session.transaction_read_only = OFF"))
                .containsExactly(a("transaction_read_only", "SET SESSION TRANSACTION READ WRITE"));
    }

    @Test
    void otherTransactionVariableValuesAreKeptAsWritten() {
        assertThat(SessionCommand.parseSet("SET tx_isolation = @@global.tx_isolation"))
                .containsExactly(a("transaction_isolation", "SET SESSION tx_isolation = @@global.tx_isolation"));
        assertThat(SessionCommand.parseSet("SET transaction_isolation = DEFAULT"))
                .containsExactly(a("transaction_isolation", "SET SESSION transaction_isolation = DEFAULT"));
        assertThat(SessionCommand.parseSet("SET transaction_read_only = DEFAULT"))
                .containsExactly(a("transaction_read_only", "SET SESSION transaction_read_only = DEFAULT"));
    }

    @Test
    void autocommitStatementsParseToo() {
        assertThat(SessionCommand.parseSet("SET @@session.autocommit = OFF"))
                .containsExactly(a("autocommit", "SET SESSION autocommit = OFF"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "SET @x = 1", "SET GLOBAL sql_mode = ''", "SET sql_mode = '', @x = 1", "SELECT 1",
            "SET TRANSACTION READ ONLY", "SET sql_mode = ''; SET time_zone = ''", "/*!40101 SET NAMES utf8 */"})
    void parseSetRejectsOtherStatements(String sql) {
        assertThatIllegalArgumentException().isThrownBy(() -> SessionCommand.parseSet(sql));
    }

    @Test
    void resultIsImmutable() {
        List<Assignment> assignments = SessionCommand.parseSet("SET sql_mode = ''");
        assertThatThrownBy(() -> assignments.add(a("x", "y"))).isInstanceOf(UnsupportedOperationException.class);
    }

    // ------------------------------------------------------------------ parseAutocommit

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "SET autocommit=1               | true",
            "SET autocommit = 0             | false",
            "set AUTOCOMMIT = on            | true",
            "SET autocommit = OFF           | false",
            "SET autocommit = TRUE          | true",
            "SET autocommit = false         | false",
            "SET autocommit = 'ON'          | true",
            "SET autocommit = 'off'         | false",
            "SET SESSION autocommit = 1     | true",
            "SET @@autocommit := 0          | false",
            "SET @@session.autocommit = 1;  | true",
            "/* c */ SET LOCAL autocommit=0 | false",
    })
    void parseAutocommit(String sql, boolean expected) throws SQLSyntaxErrorException {
        assertThat(StatementClassifier.classify(sql)).isEqualTo(StatementType.AUTOCOMMIT);
        assertThat(SessionCommand.parseAutocommit(sql)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "SET autocommit = @x        | @x",
            "SET autocommit = 2         | 2",
            "SET autocommit = DEFAULT   | DEFAULT",
            "SET autocommit = 1 + 0     | 1 + 0",
            "SET autocommit = 'yes'     | 'yes'",
    })
    void parseAutocommitRejectsOtherValuesWithSqlState42000(String sql, String value) {
        assertThatThrownBy(() -> SessionCommand.parseAutocommit(sql))
                .isInstanceOf(SQLSyntaxErrorException.class)
                .hasMessageContaining(value)
                .satisfies(e -> assertThat(((SQLSyntaxErrorException) e).getSQLState()).isEqualTo("42000"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"SET sql_mode = ''", "SET autocommit = 1, sql_mode = ''", "SELECT 1", "SET GLOBAL autocommit = 1"})
    void parseAutocommitRejectsOtherStatements(String sql) {
        assertThatIllegalArgumentException().isThrownBy(() -> SessionCommand.parseAutocommit(sql));
    }

    // ------------------------------------------------------------------ parseUse

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', value = {
            "USE app                  | app",
            "use App_2                | App_2",
            "USE `my app`             | my app",
            "USE `a``b`;              | a`b",
            "/* c */ USE `app` -- x   | app",
            "; USE app                | app",
            "USE \"ansi\"\"db\"       | ansi\"db",
    })
    void parseUse(String sql, String expected) {
        assertThat(StatementClassifier.classify(sql)).isEqualTo(StatementType.USE);
        assertThat(SessionCommand.parseUse(sql)).isEqualTo(expected);
    }

    @ParameterizedTest
    @ValueSource(strings = {"USE", "USE a b", "SELECT 1", "USE 'app'"})
    void parseUseRejectsOtherStatements(String sql) {
        assertThatIllegalArgumentException().isThrownBy(() -> SessionCommand.parseUse(sql));
    }

    // ------------------------------------------------------------------ variablesOf

    @Test
    void variablesToCapture() {
        assertThat(SessionCommand.variablesOf("names")).containsExactly(
                "character_set_client", "character_set_connection", "character_set_results", "collation_connection");
        assertThat(SessionCommand.variablesOf("transaction_isolation")).containsExactly("transaction_isolation");
        assertThat(SessionCommand.variablesOf("sql_mode")).containsExactly("sql_mode");
    }

    @Test
    void nullsAreRejected() {
        assertThatNullPointerException().isThrownBy(() -> SessionCommand.parseSet(null));
        assertThatNullPointerException().isThrownBy(() -> SessionCommand.parseAutocommit(null));
        assertThatNullPointerException().isThrownBy(() -> SessionCommand.parseUse(null));
        assertThatNullPointerException().isThrownBy(() -> SessionCommand.variablesOf(null));
    }
}
