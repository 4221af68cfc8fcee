package com.foobar.bench.e2e;

import com.foobar.testcluster.EmbeddedCluster;
import java.time.Duration;

/** The benchmark table: {@code app.bench(id, v, pad)} with ids 1..rows, created on the primary and replicated. */
final class Fixture {

    private Fixture() {
    }

    static void create(EmbeddedCluster cluster, int rows) {
        String db = "`" + cluster.database() + "`";
        cluster.primary().execute("CREATE TABLE " + db + ".bench (id INT PRIMARY KEY, v BIGINT NOT NULL,"
                + " pad VARCHAR(60) NOT NULL) ENGINE=InnoDB");
        cluster.primary().execute("SET STATEMENT max_recursive_iterations = " + (rows + 10) + " FOR INSERT INTO " + db + ".bench (id, v, pad) WITH RECURSIVE s(n) AS (SELECT 1 UNION ALL"
                + " SELECT n + 1 FROM s WHERE n < " + rows + ") SELECT n, 0, RPAD(CONCAT('row-', n), 60, '.') FROM s");
        cluster.awaitReplicationCaughtUp(Duration.ofSeconds(60));
        // Bring every page into each server's buffer pool.
        cluster.servers().forEach(s -> s.queryLong("SELECT SUM(LENGTH(pad)) FROM " + db + ".bench"));
    }
}
