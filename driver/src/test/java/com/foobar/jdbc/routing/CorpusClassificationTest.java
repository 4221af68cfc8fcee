package com.foobar.jdbc.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Classifies every record of the sqllogictest corpus ({@code shared/corpus/sqllogictest}, see its
 * README.md): SQL written with no router in mind. Every {@code query} must be a {@code READ}; every
 * {@code statement} that is not a SELECT (CREATE, INSERT, INSERT ... SELECT, CREATE VIEW ... AS
 * SELECT, UPDATE, DELETE, DROP, REPLACE, REINDEX ...) must not be.
 *
 * <p>Records are selected as a MySQL-compatible runner sees them: a record after {@code skipif
 * mysql} or after {@code onlyif <other database>} is skipped, and a {@code halt} that applies to
 * MySQL ends its file.
 *
 * <p>A few {@code statement} records are SELECTs run for their expected error ({@code statement
 * error} with a malformed IN subquery in evidence/in2.test): they are reads and must be
 * {@code READ} as well. No query needs an exception.
 */
class CorpusClassificationTest {

    private static final String CORPUS = "shared/corpus/sqllogictest";
    private static final String DIALECT = "mysql";

    record SqlRecord(Path file, int line, boolean query, String sql) {
        String where() {
            return file.getFileName() + ":" + line;
        }
    }

    @Test
    void everyQueryIsAReadAndEveryWriteIsNot() throws IOException {
        Path corpus = locateCorpus();
        List<Path> files;
        try (Stream<Path> paths = Files.walk(corpus)) {
            files = paths.filter(p -> p.toString().endsWith(".test")).sorted().collect(Collectors.toList());
        }
        assertThat(files).as("sqllogictest files under %s", corpus).hasSizeGreaterThanOrEqualTo(20);

        List<SqlRecord> records = new ArrayList<>();
        for (Path file : files) {
            records.addAll(parse(file));
        }

        int queries = 0;
        int writes = 0;
        int selectStatements = 0;
        List<String> failures = new ArrayList<>();
        for (SqlRecord record : records) {
            StatementType type = StatementClassifier.classify(record.sql());
            if (record.query()) {
                queries++;
                if (type != StatementType.READ) {
                    failures.add("query " + record.where() + " is " + type + ", expected READ: " + record.sql());
                }
            } else if (startsWithSelect(record.sql())) {
                selectStatements++;
                if (type != StatementType.READ) {
                    failures.add("statement " + record.where() + " is a SELECT but " + type + ": " + record.sql());
                }
            } else {
                writes++;
                if (type == StatementType.READ) {
                    failures.add("statement " + record.where() + " is READ: " + record.sql());
                }
            }
        }

        assertThat(failures.subList(0, Math.min(20, failures.size())))
                .as("first of %d misclassified records", failures.size())
                .isEmpty();
        // The README counts 21,473 queries and 12,019 statements for a MySQL runner.
        assertThat(queries).as("queries").isGreaterThan(20_000);
        assertThat(writes).as("non-SELECT statements").isGreaterThan(11_000);
        assertThat(selectStatements).as("SELECT statements (run for their error)").isLessThanOrEqualTo(10);
    }

    private static boolean startsWithSelect(String sql) {
        return sql.stripLeading().regionMatches(true, 0, "SELECT", 0, 6);
    }

    // ------------------------------------------------------------------ sqllogictest format

    /**
     * Parses one file. Records are separated by blank lines; {@code #} lines are comments;
     * {@code skipif X} / {@code onlyif X} lines condition the record that follows;
     * {@code statement ok|error} is followed by SQL up to the blank line; {@code query <types>
     * <sort> [label]} by SQL up to a {@code ----} line (then results) or the blank line;
     * {@code hash-threshold N} is a setting; {@code halt} ends the file.
     */
    static List<SqlRecord> parse(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<SqlRecord> records = new ArrayList<>();
        boolean skip = false;
        int i = 0;
        while (i < lines.size()) {
            String line = lines.get(i).strip();
            String[] words = line.split("\\s+");
            String word = words[0].toLowerCase(Locale.ROOT);
            if (line.isEmpty()) {
                skip = false;
                i++;
            } else if (line.startsWith("#") || word.equals("hash-threshold")) {
                i++;
            } else if (word.equals("skipif")) {
                skip |= words.length > 1 && words[1].equalsIgnoreCase(DIALECT);
                i++;
            } else if (word.equals("onlyif")) {
                skip |= words.length > 1 && !words[1].equalsIgnoreCase(DIALECT);
                i++;
            } else if (word.equals("halt")) {
                if (!skip) {
                    break;
                }
                i++;
            } else if (word.equals("statement") || word.equals("query")) {
                int recordLine = i + 1;
                StringBuilder sql = new StringBuilder();
                i++;
                while (i < lines.size() && !lines.get(i).isBlank() && !lines.get(i).startsWith("----")) {
                    sql.append(sql.length() == 0 ? "" : "\n").append(lines.get(i));
                    i++;
                }
                while (i < lines.size() && !lines.get(i).isBlank()) { // results
                    i++;
                }
                if (!skip) {
                    records.add(new SqlRecord(file, recordLine, word.equals("query"), sql.toString()));
                }
                skip = false;
            } else {
                throw new IllegalStateException("Unexpected line " + file + ":" + (i + 1) + ": " + line);
            }
        }
        return records;
    }

    // ------------------------------------------------------------------ locating the corpus

    /**
     * The corpus lives in {@code shared/} beside the repository (CI clones it there). Walks up from
     * the working directory and checks {@code <dir>/shared/corpus/sqllogictest} and
     * {@code <dir>/../shared/corpus/sqllogictest}; skips the test when neither exists anywhere.
     */
    private static Path locateCorpus() {
        List<Path> tried = new ArrayList<>();
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            List<Path> candidates = new ArrayList<>();
            candidates.add(dir.resolve(CORPUS));
            if (dir.getParent() != null) {
                candidates.add(dir.getParent().resolve(CORPUS));
            }
            for (Path candidate : candidates) {
                Path normalized = candidate.normalize();
                if (Files.isDirectory(normalized)) {
                    return normalized;
                }
                if (!tried.contains(normalized)) {
                    tried.add(normalized);
                }
            }
        }
        Assumptions.abort("sqllogictest corpus not found; looked for " + tried
                + " (it is cloned into shared/ beside the repository on CI)");
        throw new AssertionError("unreachable");
    }
}
