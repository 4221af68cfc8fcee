package com.foobar.jdbc.examples;

import com.foobar.jdbc.examples.spring.ItemRepository;
import com.foobar.jdbc.examples.spring.ItemService;
import com.foobar.jdbc.examples.spring.ItemShopApplication;
import com.foobar.jdbc.examples.support.ExampleTarget;
import com.foobar.jdbc.examples.support.Examples;
import com.foobar.jdbc.examples.support.Report;
import com.foobar.jdbc.examples.support.Report.Expect;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A Spring Boot 3 application ({@link ItemShopApplication}) on {@code spring.datasource.url=jdbc:foobar://...}:
 * Flyway migrates at start-up, {@code @Transactional} methods write, {@code @Transactional(readOnly = true)} methods
 * and Spring Data reads read, a {@code @Lock(PESSIMISTIC_WRITE)} query locks. Prints where each ran, as the servers
 * report it ({@code @@server_id}).
 *
 * <pre>
 * mvn -q -pl examples -am -Dmaven.test.skip=true package exec:java -Ddemo.mainClass=com.foobar.jdbc.examples.SpringBootExample
 * </pre>
 */
public final class SpringBootExample {

    private SpringBootExample() {
    }

    public static void main(String[] args) {
        Examples.main("SpringBootExample", args, SpringBootExample::run);
    }

    /** The example's body: also run by the integration tests against their cluster. */
    public static Report run(ExampleTarget target) throws Exception {
        Map<String, Object> properties = new LinkedHashMap<>();
        properties.put("spring.datasource.url", target.url());
        properties.put("spring.datasource.username", target.user());
        properties.put("spring.datasource.password", target.password());
        // Needed: Spring Boot knows the driver of a URL only for the databases it knows.
        properties.put("spring.datasource.driver-class-name", "com.foobar.jdbc.FoobarDriver");
        // Needed on MariaDB servers: Hibernate cannot tell MariaDB from MySQL through Connector/J (see the README).
        if (isMariaDb(target)) {
            properties.put("spring.jpa.database-platform", "org.hibernate.dialect.MariaDBDialect");
        }
        properties.forEach((k, v) -> System.out.println(k + "=" + (k.endsWith("password") ? "****" : v)));
        // The example's own migrations and history table, so that it never touches an application's Flyway history.
        properties.put("spring.flyway.locations", "classpath:db/foobar-example");
        properties.put("spring.flyway.table", "example_flyway_history");
        properties.put("spring.flyway.baseline-on-migrate", "true");
        properties.put("spring.flyway.baseline-version", "0");
        properties.put("spring.main.banner-mode", "off");
        properties.put("spring.main.log-startup-info", "false");
        properties.put("spring.main.web-application-type", "none");

        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(ItemShopApplication.class)
                .properties(properties).run()) {
            ItemService shop = context.getBean(ItemService.class);
            ItemRepository items = context.getBean(ItemRepository.class);
            JdbcTemplate jdbc = new JdbcTemplate(context.getBean(DataSource.class));

            Report report;
            try (Connection c = context.getBean(DataSource.class).getConnection()) {
                report = Report.learnPrimary(c);
            }
            Integer migrated = jdbc.queryForObject("/* foobar:primary */ SELECT COUNT(*) FROM example_flyway_history "
                    + "WHERE success = 1", Integer.class);
            // the replicas are read-only: the migration and its history row can only have been written on the primary
            report.note("Flyway migration at start-up", "applied: " + migrated + " row(s) in example_flyway_history");

            report.add("@Transactional addItems(3)", Expect.PRIMARY, List.of(shop.addItems(3)));
            long rows = jdbc.queryForObject("/* foobar:primary */ SELECT COUNT(*) FROM example_item", Long.class);
            try (Connection c = context.getBean(DataSource.class).getConnection()) {
                Examples.awaitReplicas(c, "SELECT COUNT(*) FROM example_item", rows);
            }

            List<Long> readOnly = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                readOnly.addAll(shop.inventory());
            }
            report.add("@Transactional(readOnly = true) inventory() x3", Expect.REPLICA, readOnly);

            List<Long> repository = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                repository.add(items.serverId());
            }
            report.add("Spring Data reads, no service transaction", Expect.REPLICA, repository);

            List<Long> template = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                template.add(jdbc.queryForObject("SELECT @@server_id", Long.class));
            }
            report.add("JdbcTemplate reads, no transaction", Expect.REPLICA, template);

            report.add("@Transactional reserveOne() (PESSIMISTIC_WRITE)", Expect.PRIMARY, List.of(shop.reserveOne(shop.anyItemId())));
            return report;
        }
    }

    private static boolean isMariaDb(ExampleTarget target) throws Exception {
        try (Connection c = DriverManager.getConnection(target.url(), target.user(), target.password())) {
            return c.getMetaData().getDatabaseProductVersion().contains("MariaDB");
        }
    }
}
